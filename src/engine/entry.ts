/**
 * Engine process entry (out/main/engine.js): an Electron utilityProcess in the app, a Node child process for
 * the CLI, `ligo serve` and tests. Waits for `start`, picks the TensorFlow.js backend, then serves requests.
 */
import { selectBackend } from './backend'
import { ENGINE_METHODS, type EngineContext } from './runtime/engine-methods'
import { runEngineServer } from './runtime/engine-server'
import { watchParentProcess } from './runtime/parent-watchdog'
import { detectTransport } from './runtime/transport'

const transport = detectTransport()
if (!transport) {
  process.stderr.write('The LiGO engine must be started by a host with an IPC channel (Electron utilityProcess or child_process.fork).\n')
  process.exit(2)
}

// A host that dies without closing the channel cleanly (SIGKILL, a crash) must not leave a busy engine behind.
if (transport.kind === 'node-ipc') watchParentProcess()

// A stray throw in a timer or a rejected promise nobody awaited must not take every running request down;
// request handlers' own errors are answered by the server. Log it and keep serving.
process.on('uncaughtException', (error) => process.stderr.write(`[engine] uncaught exception: ${error.stack ?? error}\n`))
process.on('unhandledRejection', (reason) => process.stderr.write(`[engine] unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`))

runEngineServer<EngineContext>({
  transport,
  methods: ENGINE_METHODS,
  start: async (options) => {
    const { tf, record } = await selectBackend({ start: options })
    return { context: { tf, hardware: record }, backend: record.backend }
  },
  exit: (code) => process.exit(code),
})
