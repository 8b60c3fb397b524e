/**
 * The engine's end of the IPC channel. Two hosts start the engine: Electron main as a utilityProcess
 * (process.parentPort; messages arrive as {data} events) and Node hosts (CLI, `ligo serve`, tests) as a
 * child process forked with an IPC channel (process.send / process.on('message')).
 */
import type { EngineToHost } from '../../shared'

export interface EngineTransport {
  readonly kind: 'electron-parent-port' | 'node-ipc' | 'memory'
  send(message: EngineToHost): void
  /** Raw, unvalidated messages from the host. */
  onMessage(listener: (message: unknown) => void): void
  /** The host went away (channel closed); the engine should exit. */
  onDisconnect(listener: () => void): void
  /** Resolves once messages already sent have left the process, so exiting right after loses none. */
  drain(): Promise<void>
}

/** Electron's utilityProcess API, as far as the engine uses it (electron itself is never imported here). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  on(event: 'close', listener: () => void): void
  postMessage(message: unknown): void
}

/** The transport this process was started with, or null when it has no IPC channel at all. */
export function detectTransport(proc: NodeJS.Process = process): EngineTransport | null {
  const parentPort = (proc as NodeJS.Process & { parentPort?: ParentPort }).parentPort
  if (parentPort) {
    return {
      kind: 'electron-parent-port',
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event?.data)),
      // utilityProcess children are killed with their parent; nothing to watch.
      onDisconnect: () => {},
      // postMessage hands the message to Electron's port at once; one macrotask lets it go out.
      drain: () => new Promise((resolve) => setTimeout(resolve, 20)),
    }
  }
  if (typeof proc.send === 'function') {
    // process.send is asynchronous; count messages in flight so drain() can wait for them.
    let inFlight = 0
    let drained: Array<() => void> = []
    const settle = () => {
      inFlight--
      if (inFlight === 0) {
        drained.forEach((resolve) => resolve())
        drained = []
      }
    }
    return {
      kind: 'node-ipc',
      send: (message) => {
        // After the host disconnected, send() would throw ERR_IPC_CHANNEL_CLOSED; there is nobody to tell.
        if (!proc.connected) return
        inFlight++
        try {
          proc.send!(message, undefined, {}, settle)
        } catch (error) {
          settle()
          throw error
        }
      },
      onMessage: (listener) => proc.on('message', listener),
      onDisconnect: (listener) => proc.on('disconnect', listener),
      drain: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => drained.push(resolve))),
    }
  }
  return null
}

/**
 * Both ends of an in-process channel, for tests of the engine server without a child process.
 * Messages are delivered asynchronously and structured-cloned, like real IPC.
 */
export function createMemoryTransport(): { engine: EngineTransport; host: { send(message: unknown): void; messages: EngineToHost[]; onMessage(listener: (message: EngineToHost) => void): void; disconnect(): void } } {
  const toEngine: Array<(message: unknown) => void> = []
  const toHost: Array<(message: EngineToHost) => void> = []
  const disconnects: Array<() => void> = []
  const messages: EngineToHost[] = []
  const deliver = <T>(listeners: Array<(m: T) => void>, message: T) =>
    setImmediate(() => listeners.forEach((listener) => listener(structuredClone(message))))
  return {
    engine: {
      kind: 'memory',
      send: (message) => {
        messages.push(structuredClone(message))
        deliver(toHost, message)
      },
      onMessage: (listener) => toEngine.push(listener),
      onDisconnect: (listener) => disconnects.push(listener),
      drain: () => new Promise((resolve) => setImmediate(resolve)),
    },
    host: {
      send: (message) => deliver(toEngine, message),
      messages,
      onMessage: (listener) => toHost.push(listener),
      disconnect: () => disconnects.forEach((listener) => listener()),
    },
  }
}
