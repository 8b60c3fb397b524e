/**
 * Starts the engine (out/main/engine.js) as an Electron utilityProcess: a Node process without a window,
 * so TF.js work never blocks main or the renderer. EngineHost (src/host) calls the launcher again after a crash.
 */
import { createInterface } from 'node:readline'
import type { UtilityProcess } from 'electron'
import type { EngineChannel, EngineLauncher } from '../host/engine-types'
import type { EngineToHost, HostToEngine } from '../shared/engine-protocol'

/** Shown in the OS task manager / Activity Monitor. */
export const ENGINE_SERVICE_NAME = 'LiGO engine'

type ForkUtilityProcess = (modulePath: string, args: string[], options: { serviceName: string; stdio: 'pipe' }) => UtilityProcess

/** Engine stdout/stderr go to main's, prefixed, so crashes leave a trace in the terminal and logs. */
function forwardOutput(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return
  createInterface({ input: stream }).on('line', (line) => write(`[engine] ${line}`))
}

export function createUtilityEngineLauncher(
  utilityProcess: { fork: ForkUtilityProcess },
  enginePath: string,
  log: Pick<Console, 'log' | 'error'> = console,
): EngineLauncher {
  return (): EngineChannel => {
    const child = utilityProcess.fork(enginePath, [], { serviceName: ENGINE_SERVICE_NAME, stdio: 'pipe' })
    forwardOutput(child.stdout, (line) => log.log(line))
    forwardOutput(child.stderr, (line) => log.error(line))
    // 'error' carries V8 fatal-error reports; 'exit' follows it and drives the crash handling
    child.on('error', (type: string, location: string) => log.error(`[engine] fatal ${type} at ${location}`))
    let exited = false
    child.on('exit', () => {
      exited = true
    })
    return {
      get pid() {
        return child.pid
      },
      send(message: HostToEngine) {
        if (!exited) child.postMessage(message)
      },
      onMessage(listener: (message: EngineToHost) => void) {
        child.on('message', (message: unknown) => listener(message as EngineToHost))
      },
      onExit(listener) {
        // utilityProcess reports only an exit code; a kill by signal shows up as a non-zero code
        child.once('exit', (code: number) => listener({ code, signal: null }))
      },
      kill() {
        if (!exited) child.kill()
      },
    }
  }
}
