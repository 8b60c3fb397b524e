/**
 * Files and folders the operating system asks the app to open: command-line arguments of the first and of a
 * second launch, and macOS 'open-file'. Paths are collected here and handed to StudioService.openPath once
 * the window can show the result.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { App } from 'electron'

export interface ArgvContext {
  /** Directory relative arguments are resolved against (the launching shell's cwd). */
  workingDirectory: string
  /**
   * True when Electron runs an unpackaged app (`electron .`, process.defaultApp): then the first
   * non-flag argument after the executable is the app path, not a file to open.
   */
  defaultApp: boolean
  /** The app's own folder, never opened as a document. */
  appPath?: string
  /** Injected for tests; default: the path exists as a file or folder. */
  exists?: (path: string) => boolean
}

function existsOnDisk(path: string): boolean {
  try {
    const stats = statSync(path)
    return stats.isFile() || stats.isDirectory()
  } catch {
    return false
  }
}

/**
 * The document paths in an argv: skips the executable, the app path of an unpackaged run, every flag
 * (Chromium adds its own, e.g. --allow-file-access-from-files) and anything that does not exist.
 * After "--" everything counts as a path. Returns absolute paths, each once, in order.
 */
export function filePathsFromArgv(argv: readonly string[], context: ArgvContext): string[] {
  const exists = context.exists ?? existsOnDisk
  const appPath = context.appPath ? resolve(context.appPath) : null
  const paths: string[] = []
  let appPathSkipped = !context.defaultApp
  let flagsEnded = false
  for (const arg of argv.slice(1)) {
    if (!flagsEnded && arg === '--') {
      flagsEnded = true
      continue
    }
    if (!flagsEnded && arg.startsWith('-')) continue
    if (!appPathSkipped) {
      appPathSkipped = true
      continue
    }
    if (!arg || arg.includes('\0')) continue
    const absolute = resolve(context.workingDirectory, arg)
    if (absolute === appPath || paths.includes(absolute) || !exists(absolute)) continue
    paths.push(absolute)
  }
  return paths
}

/**
 * Holds paths until the app can open them (service created, window loaded), then opens each in order.
 * Requests after that are opened at once.
 */
export class PathOpenQueue {
  private pending: string[] = []
  private ready = false

  constructor(private readonly open: (path: string) => Promise<void>) {}

  request(paths: readonly string[]): void {
    if (!this.ready) {
      this.pending.push(...paths)
      return
    }
    for (const path of paths) this.openLogged(path)
  }

  /** Called when a window has loaded; flushes what arrived while there was none. */
  markReady(): void {
    if (this.ready) return
    this.ready = true
    const waiting = this.pending
    this.pending = []
    this.request(waiting)
  }

  /** The window went away: hold new paths until the next one has loaded. */
  pause(): void {
    this.ready = false
  }

  get pendingPaths(): readonly string[] {
    return this.pending
  }

  private openLogged(path: string): void {
    // openPath reports problems to the renderer as app.error events; this only catches the unexpected
    this.open(path).catch((error: unknown) => console.error(`Could not open ${path}:`, error))
  }
}

/** macOS: files dropped on the Dock icon or opened with the app. Must be registered before 'ready'. */
export function listenForOpenFile(app: Pick<App, 'on'>, queue: Pick<PathOpenQueue, 'request'>): void {
  app.on('open-file', (event, path) => {
    event.preventDefault()
    queue.request([path])
  })
}
