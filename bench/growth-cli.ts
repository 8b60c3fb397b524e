/**
 * The growth benchmark runs the real `ligo` CLI in-process (src/cli/main.ts), each command with its own engine
 * process started from source (the engine's own backend choice), and collects what it prints.
 */
import { createEngineHost } from '../src/host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../src/host/node-launcher'
import { main, type MainIo } from '../src/cli/main'

function cliIo(log: string[]): MainIo {
  return {
    stdout: (t) => void log.push(t),
    stderr: (t) => void process.stderr.write(t),
    exit: () => {},
    env: process.env,
    onShutdownSignal: () => () => {},
    startEngine: (choice) => createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: () => {} }), choice),
  }
}

/** Runs `ligo <argv>`; its stdout, or an error naming the command when it exits non-zero. */
export async function ligo(argv: string[]): Promise<string> {
  process.stderr.write(`$ ligo ${argv.join(' ')}\n`)
  const out: string[] = []
  const code = await main(argv, cliIo(out))
  if (code !== 0) throw new Error(`ligo ${argv[0]} exited with ${code}`)
  return out.join('')
}
