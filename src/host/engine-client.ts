/**
 * The host's handle on the engine process (EngineHost, src/host/engine-types.ts). Starts the process lazily on
 * the first call, queues calls until `ready`, routes responses and events by request id, turns an AbortSignal
 * into `cancel`, and survives crashes: pending calls reject with 'engine_crashed' and the next call starts a
 * fresh process, so the app stays usable.
 */
import {
  DEFAULT_EVENT_BATCH_MS,
  StudioError,
  deserializeError,
  type EngineEvent,
  type EngineMethod,
  type EngineStartOptions,
  type EngineStatusEvent,
  type EngineToHost,
} from '../shared'
import type { EngineCallOptions, EngineChannel, EngineHost, EngineLauncher } from './engine-types'

export { parseBackendName, resolveBackendChoice } from '../engine/backend/backend-choice'

export interface EngineHostOptions extends Partial<EngineStartOptions> {
  /** Milliseconds stop() waits for a graceful exit after `shutdown` before killing. Default 2000. */
  stopGraceMs?: number
  /** Milliseconds a fresh process may take to answer `ready` before it is killed. Default 120000 (tfjs-node loads slowly). */
  startTimeoutMs?: number
}

interface PendingCall {
  id: number
  method: EngineMethod
  params: unknown
  onEvent?: (event: EngineEvent) => void
  resolve(result: unknown): void
  reject(error: StudioError): void
  /** Sent to the engine (false while queued behind `ready`). */
  sent: boolean
  cancelSent: boolean
  detach(): void
}

interface Session {
  channel: EngineChannel
  pending: Map<number, PendingCall>
  ready: boolean
  /** The engine answered start-failed: its pending calls are already rejected. */
  failed: boolean
  stopping: boolean
  exited: boolean
  startTimedOut: boolean
  startTimer: NodeJS.Timeout
  exitWaiters: Array<() => void>
}

export function createEngineHost(launcher: EngineLauncher, options: EngineHostOptions = {}): EngineHost {
  const startOptions: EngineStartOptions = {
    backend: options.backend ?? null,
    backendSource: options.backendSource ?? null,
    eventBatchMs: options.eventBatchMs ?? DEFAULT_EVENT_BATCH_MS,
  }
  const stopGraceMs = options.stopGraceMs ?? 2000
  const startTimeoutMs = options.startTimeoutMs ?? 120_000
  const statusListeners = new Set<(event: EngineStatusEvent) => void>()
  let current: Session | null = null
  let nextId = 1

  const emitStatus = (status: EngineStatusEvent['status'], detail: string | null) => {
    for (const listener of statusListeners) {
      try {
        listener({ type: 'engine.status', status, detail })
      } catch (error) {
        process.stderr.write(`[engine host] status listener failed: ${(error as Error).message}\n`)
      }
    }
  }

  const settle = (session: Session, id: number): PendingCall | undefined => {
    const call = session.pending.get(id)
    if (call) {
      session.pending.delete(id)
      call.detach()
    }
    return call
  }

  const rejectAll = (session: Session, error: (call: PendingCall) => StudioError) => {
    for (const id of [...session.pending.keys()]) {
      const call = settle(session, id)
      call?.reject(error(call))
    }
  }

  const sendRequest = (session: Session, call: PendingCall) => {
    call.sent = true
    session.channel.send({ kind: 'request', id: call.id, method: call.method, params: call.params })
  }

  function startSession(): Session {
    emitStatus('starting', null)
    let channel: EngineChannel
    try {
      channel = launcher()
    } catch (error) {
      const message = `Could not start the engine process: ${(error as Error).message}`
      emitStatus('crashed', message)
      throw new StudioError('engine_crashed', message)
    }
    const session: Session = {
      channel,
      pending: new Map(),
      ready: false,
      failed: false,
      stopping: false,
      exited: false,
      startTimedOut: false,
      startTimer: setTimeout(() => {
        session.startTimedOut = true
        channel.kill()
      }, startTimeoutMs),
      exitWaiters: [],
    }
    session.startTimer.unref?.()
    channel.onMessage((message) => onEngineMessage(session, message))
    channel.onExit((info) => onEngineExit(session, info))
    channel.send({ kind: 'start', options: startOptions })
    return session
  }

  function onEngineMessage(session: Session, message: EngineToHost): void {
    switch (message.kind) {
      case 'ready':
        clearTimeout(session.startTimer)
        session.ready = true
        emitStatus('ready', `pid ${message.pid}, backend ${message.backend}`)
        for (const call of session.pending.values()) if (!call.sent) sendRequest(session, call)
        return
      case 'start-failed': {
        clearTimeout(session.startTimer)
        session.failed = true
        if (current === session) current = null
        const error = deserializeError(message.error)
        rejectAll(session, () => error)
        emitStatus('stopped', `The engine could not start: ${error.message}`)
        return
      }
      case 'response': {
        const call = settle(session, message.id)
        if (!call) return // a call the host already gave up on
        if (message.ok) call.resolve(message.result)
        else call.reject(deserializeError(message.error))
        return
      }
      case 'events':
        for (const { requestId, event } of message.events) {
          const onEvent = session.pending.get(requestId)?.onEvent
          if (!onEvent) continue
          try {
            onEvent(event)
          } catch (error) {
            process.stderr.write(`[engine host] event listener for request ${requestId} failed: ${(error as Error).message}\n`)
          }
        }
        return
    }
  }

  function onEngineExit(session: Session, info: { code: number | null; signal: string | null }): void {
    clearTimeout(session.startTimer)
    session.exited = true
    if (current === session) current = null
    session.exitWaiters.forEach((resolve) => resolve())
    if (session.failed) return // start-failed already rejected everything and said why
    if (session.stopping) {
      rejectAll(session, (call) => new StudioError('cancelled', `The engine was stopped before ${call.method} finished`))
      return
    }
    const how = describeExit(info)
    const pid = session.channel.pid ?? 'unknown'
    const why = session.startTimedOut ? `did not become ready within ${startTimeoutMs / 1000} s and was killed` : `exited unexpectedly (${how})`
    rejectAll(
      session,
      (call) => new StudioError('engine_crashed', `The engine process (pid ${pid}) ${why} while handling ${call.method}; it restarts on the next request.`),
    )
    emitStatus('crashed', `The engine process (pid ${pid}) ${why}. A new one starts on the next request.`)
  }

  function call(method: EngineMethod, params: unknown, callOptions: EngineCallOptions = {}): Promise<unknown> {
    const { signal, onEvent } = callOptions
    if (signal?.aborted) return Promise.reject(new StudioError('cancelled', `${method} was cancelled before it started`))
    return new Promise((resolve, reject) => {
      let session: Session
      try {
        session = current ?? (current = startSession())
      } catch (error) {
        reject(error)
        return
      }
      const id = nextId++
      const onAbort = () => {
        if (!pending.sent) {
          settle(session, id)
          reject(new StudioError('cancelled', `${method} was cancelled before the engine started it`))
        } else if (!pending.cancelSent) {
          // The engine stops at its next safe point and answers 'cancelled'; the call rejects then.
          pending.cancelSent = true
          session.channel.send({ kind: 'cancel', id })
        }
      }
      const pending: PendingCall = {
        id,
        method,
        params,
        onEvent,
        resolve,
        reject,
        sent: false,
        cancelSent: false,
        detach: () => signal?.removeEventListener('abort', onAbort),
      }
      session.pending.set(id, pending)
      signal?.addEventListener('abort', onAbort, { once: true })
      if (session.ready) sendRequest(session, pending)
    })
  }

  async function stop(): Promise<void> {
    const session = current
    current = null
    if (!session || session.exited) return
    session.stopping = true
    clearTimeout(session.startTimer)
    const exited = new Promise<void>((resolve) => session.exitWaiters.push(resolve))
    const within = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref?.())])
    session.channel.send({ kind: 'shutdown' })
    if (!(await within(stopGraceMs))) {
      session.channel.kill()
      await within(stopGraceMs)
    }
    emitStatus('stopped', session.exited ? 'Stopped on request' : 'Stopped on request; the process did not report its exit')
  }

  return {
    call: call as EngineHost['call'],
    onStatus(listener) {
      statusListeners.add(listener)
      return () => statusListeners.delete(listener)
    },
    stop,
  }
}

function describeExit({ code, signal }: { code: number | null; signal: string | null }): string {
  if (signal) return `killed by signal ${signal}`
  if (code !== null) return `exit code ${code}`
  return 'no exit code'
}
