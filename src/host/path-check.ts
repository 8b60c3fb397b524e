/**
 * Checks a path that came from outside (a drop, File > Open, a second launch, a browser, the command line)
 * before anything reads it: resolved to an absolute real path that exists and is a regular file or a folder.
 */
import type { Stats } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { StudioError } from '../shared'
import { MODEL_ID_PATTERN } from '../shared/models'
import { CORPUS_IDS } from '../engine/data/corpora'
import { PRESET_IDS } from '../engine/models/presets'
import { isSeedName } from '../engine/seeds'

export interface CheckedPath {
  /** Absolute, with symbolic links resolved. */
  path: string
  stat: Stats
}

/** "~" and "~/x" mean the home folder, as in a shell. ("~user" is not expanded.) */
function expandHome(input: string): string {
  if (input === '~') return homedir()
  if (input.startsWith('~/') || input.startsWith('~\\')) return join(homedir(), input.slice(2))
  return input
}

function describeSpecialFile(info: Stats): string {
  if (info.isSocket()) return 'a socket'
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined
}

/**
 * Resolve a user-supplied path. Relative paths need options.cwd (a desktop drop or a browser request has no
 * meaningful working folder). Throws StudioError: invalid_request (empty, NUL, relative), not_found (missing),
 * forbidden (not readable, or a device / socket / FIFO).
 */
export async function resolveUserPath(input: string, options: { cwd?: string } = {}): Promise<CheckedPath> {
  if (typeof input !== 'string' || input.trim().length === 0) throw new StudioError('invalid_request', 'The path is empty.')
  if (input.includes('\0')) throw new StudioError('invalid_request', `The path ${JSON.stringify(input)} contains a NUL character.`)
  const expanded = expandHome(input)
  if (!isAbsolute(expanded) && options.cwd === undefined) {
    throw new StudioError('invalid_request', `The path "${input}" is relative; an absolute path is needed here.`)
  }
  const absolute = options.cwd === undefined ? resolve(expanded) : resolve(options.cwd, expanded)

  let real: string
  try {
    real = await realpath(absolute)
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StudioError('not_found', `No such file or folder: ${absolute}`)
    if (code === 'EACCES' || code === 'EPERM') throw new StudioError('forbidden', `Permission denied: ${absolute}`)
    if (code === 'ELOOP') throw new StudioError('invalid_request', `Too many symbolic links in ${absolute}`)
    throw new StudioError('not_found', `Cannot open ${absolute}: ${error instanceof Error ? error.message : String(error)}`)
  }

  let info: Stats
  try {
    info = await stat(real)
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'EACCES' || code === 'EPERM') throw new StudioError('forbidden', `Permission denied: ${real}`)
    throw new StudioError('not_found', `No such file or folder: ${real}`)
  }
  if (!info.isFile() && !info.isDirectory()) {
    throw new StudioError('forbidden', `${real} is ${describeSpecialFile(info)}, not a file or folder.`)
  }
  return { path: real, stat: info }
}

/** The nearest existing ancestor of an absolute path, resolved (a destination folder may not exist yet). */
async function realAncestor(path: string): Promise<string> {
  let current = resolve(path)
  for (;;) {
    try {
      return await realpath(current)
    } catch {
      const parent = resolve(current, '..')
      if (parent === current) return current
      current = parent
    }
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Which paths from the renderer the host accepts. Reading (an import, a data folder): on the desktop any file
 * or folder the user dropped or picked (the preload maps only real dropped / picked Files to paths); behind
 * `ligo serve`, whose page cannot pick server paths, only paths inside the workspace or granted by the host.
 * Writing (an export destination): inside the workspace or inside a folder granted by a native dialog.
 * Deleting: inside the workspace only (callers check the exact folder).
 */
export class PathPolicy {
  private readonly granted = new Set<string>()

  constructor(
    private readonly mode: 'desktop' | 'serve',
    private readonly workspaceRoot: () => string,
  ) {}

  /** A folder or file the user chose in a native dialog (or the OS opened with the app). */
  async grant(path: string): Promise<void> {
    this.granted.add(await realAncestor(path))
  }

  private async allowed(real: string): Promise<boolean> {
    if (inside(await realAncestor(this.workspaceRoot()), real)) return true
    for (const granted of this.granted) if (inside(granted, real)) return true
    return false
  }

  /** A path to read (import, data). */
  async checkReadable(input: string): Promise<CheckedPath> {
    const checked = await resolveUserPath(input)
    if (this.mode === 'serve' && !(await this.allowed(checked.path))) {
      throw new StudioError('forbidden', `${checked.path} is outside the workspace ${this.workspaceRoot()}; in the browser, upload the file instead`)
    }
    return checked
  }

  /** A folder to write into (it may not exist yet): absolute, inside the workspace or a granted folder. */
  async checkWritable(input: string): Promise<string> {
    if (input.includes('\0')) throw new StudioError('invalid_request', `The path ${JSON.stringify(input)} contains a NUL character.`)
    if (!isAbsolute(input)) throw new StudioError('invalid_request', `The destination "${input}" is relative; an absolute path is needed here.`)
    // The part that exists is resolved (links included); what does not exist yet cannot be a link.
    if (!(await this.allowed(await realAncestor(input)))) {
      throw new StudioError('forbidden', `Cannot write to ${input}: choose the destination with the folder dialog, or export into the workspace ${this.workspaceRoot()}`)
    }
    return resolve(input)
  }
}

/**
 * A name the engine resolves without the file system of the request: a built-in corpus, a preset, a built-in seed
 * or a zoo id. Any other string in a model, target or data field is a path and goes through the PathPolicy, even
 * without a slash: the engine would resolve a bare "notes.json" against its own working folder.
 */
export function isBuiltInName(value: string, seedsDir?: string): boolean {
  return CORPUS_IDS.includes(value) || PRESET_IDS.includes(value) || MODEL_ID_PATTERN.test(value) || isSeedName(value, seedsDir)
}
