/** The real process as CliIo: stdout/stderr, environment, SIGINT/SIGTERM and the exit code. */
import type { CliIo } from './context'

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    exit(code) {
      // exitCode (not exit()) lets piped stdout drain; the unref'd timer ends a process that something
      // forgotten (a socket, a timer) would otherwise keep alive.
      process.exitCode = code
      setTimeout(() => process.exit(code), 2000).unref()
    },
    onShutdownSignal(listener) {
      const handlers = SHUTDOWN_SIGNALS.map((signal) => {
        const handler = () => listener(signal)
        process.on(signal, handler)
        return [signal, handler] as const
      })
      return () => handlers.forEach(([signal, handler]) => process.off(signal, handler))
    },
  }
}
