/**
 * The real engine server (ENGINE_METHODS, request validation, error classification, its log) behind the real
 * EngineHost, connected by the in-memory transport instead of a child process: what a CLI command or the Studio API
 * sees from the engine, without the seconds a process start costs. The backend is TF.js cpu.
 */
import { selectBackend } from '../../src/engine/backend'
import { ENGINE_METHODS, type EngineContext } from '../../src/engine/runtime/engine-methods'
import { runEngineServer } from '../../src/engine/runtime/engine-server'
import { createMemoryTransport } from '../../src/engine/runtime/transport'
import { createEngineHost } from '../../src/host/engine-client'
import type { EngineChannel, EngineHost } from '../../src/host/engine-types'
import type { EngineToHost, HostToEngine } from '../../src/shared'

/** Starts an in-process engine; `log` receives its log lines (the CLI prints them as "[engine] ..."). */
export function startInProcessEngine(log: (line: string) => void): EngineHost {
  return createEngineHost(() => {
    const { engine, host } = createMemoryTransport()
    const exitListeners: Array<(info: { code: number | null; signal: string | null }) => void> = []
    let exited = false
    const exit = (code: number | null) => {
      if (exited) return
      exited = true
      for (const listener of exitListeners) listener({ code, signal: null })
    }
    runEngineServer<EngineContext>({
      transport: engine,
      methods: ENGINE_METHODS,
      start: async (options) => {
        const { tf, record } = await selectBackend({ start: { ...options, backend: 'cpu', backendSource: 'setting' } })
        return { context: { tf, hardware: record }, backend: record.backend }
      },
      exit,
      log,
    })
    const channel: EngineChannel = {
      pid: undefined,
      send: (message: HostToEngine) => host.send(message),
      onMessage: (listener: (message: EngineToHost) => void) => host.onMessage(listener),
      onExit: (listener) => void exitListeners.push(listener),
      kill: () => {
        host.disconnect()
        exit(null)
      },
    }
    return channel
  })
}
