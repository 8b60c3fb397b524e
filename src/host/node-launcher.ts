/**
 * Starts the engine as a Node child process (the `ligo` CLI, `ligo serve`, tests). Electron main uses a
 * utilityProcess launcher instead (src/main/engine-launcher.ts); both produce the same EngineChannel.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { StudioError, type EngineToHost, type HostToEngine } from '../shared'
import type { EngineChannel, EngineLauncher } from './engine-types'

export interface NodeEngineLauncherOptions {
  /** The engine entry script: out/main/engine.js (built) or src/engine/entry.ts (with execArgv ['--import', 'tsx']). */
  entry: string
  /** Node flags for the engine process. Default [] (not the host's own flags, which may hold --inspect etc.). */
  execArgv?: string[]
  /** Environment of the engine process. Default: the host's. */
  env?: NodeJS.ProcessEnv
  /** Working directory of the engine process. Default: the host's. */
  cwd?: string
  /** When given, the engine's stdout/stderr are piped here line by line; otherwise they are inherited. */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void
}

export function createNodeEngineLauncher(options: NodeEngineLauncherOptions): EngineLauncher {
  return (): EngineChannel => {
    const child = fork(options.entry, [], {
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      cwd: options.cwd,
      // 'advanced' = structured clone, the same semantics as Electron's utilityProcess messages.
      serialization: 'advanced',
      stdio: options.onLog ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['inherit', 'inherit', 'inherit', 'ipc'],
    })
    if (options.onLog) {
      const onLog = options.onLog
      forwardLines(child.stdout, (line) => onLog(line, 'stdout'))
      forwardLines(child.stderr, (line) => onLog(line, 'stderr'))
    }
    return channelFor(child)
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (stream) createInterface({ input: stream }).on('line', write)
}

function channelFor(child: ChildProcess): EngineChannel {
  const exitListeners: Array<(info: { code: number | null; signal: string | null }) => void> = []
  let exitInfo: { code: number | null; signal: string | null } | null = null
  const reportExit = (info: { code: number | null; signal: string | null }) => {
    if (exitInfo) return
    exitInfo = info
    exitListeners.forEach((listener) => listener(info))
  }
  // 'close' (not 'exit') comes after the IPC channel has delivered everything the engine sent, so a last
  // message such as start-failed is always seen before the exit.
  child.on('close', (code, signal) => reportExit({ code, signal }))
  // A failed spawn or a send to a dead channel; without a listener it would crash the host.
  child.on('error', (error) => {
    if (child.pid === undefined) reportExit({ code: null, signal: null })
    else process.stderr.write(`[engine host] engine process ${child.pid}: ${error.message}\n`)
  })
  return {
    get pid() {
      return child.pid
    },
    send(message: HostToEngine) {
      // Sending after the engine died is not an error here: the exit report tells the host what happened.
      if (child.connected) child.send(message)
    },
    onMessage(listener: (message: EngineToHost) => void) {
      child.on('message', (message) => listener(message as EngineToHost))
    },
    onExit(listener) {
      if (exitInfo) queueMicrotask(() => listener(exitInfo!))
      else exitListeners.push(listener)
    },
    kill() {
      if (!exitInfo) child.kill('SIGKILL')
    },
  }
}

/**
 * The built engine next to the built CLI: both are bundled into out/main (cli.js, engine.js). Also finds it
 * from source files in src/host (tsx, tests) when the app has been built.
 */
export function defaultEngineEntry(baseDir: string = hereDir()): string {
  const candidates = [join(baseDir, 'engine.js'), resolve(baseDir, '..', '..', 'out', 'main', 'engine.js')]
  const found = candidates.find((path) => existsSync(path))
  if (!found) {
    throw new StudioError('not_found', `The engine bundle is missing (looked for ${candidates.join(' and ')}). Run "npm run build" first.`)
  }
  return found
}

/** Runs the engine from TypeScript source with tsx: for tests and development, without a build. */
export function sourceEngineLauncherOptions(): Required<Pick<NodeEngineLauncherOptions, 'entry' | 'execArgv'>> {
  const repoRoot = resolve(hereDir(), '..', '..')
  // An absolute file URL for tsx's loader, so the engine does not depend on its working directory.
  const tsxLoader = pathToFileURL(createRequire(__filename).resolve('tsx')).href
  return { entry: join(repoRoot, 'src', 'engine', 'entry.ts'), execArgv: ['--import', tsxLoader] }
}

/** This file's folder. Not __dirname: tsx sets it wrongly ("data:text") when ESM code imports this file. */
function hereDir(): string {
  return dirname(__filename)
}
