/**
 * Small JSON files main keeps in the user-data folder (window placement, recent opens, the notification choice).
 * Reading never throws: a missing file is "nothing saved yet", and a file that is unreadable, not JSON or not the
 * expected shape gives a warning naming the file and the problem, and the caller falls back to its defaults
 * (the app must start even if a crash left garbage there). Writes are atomic (temp file + rename).
 */
import { readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeFileAtomic } from '../engine/io/atomic-write'

/** Turns the parsed JSON into the typed value, or throws StateFileProblem saying what is wrong with it. */
export type StateParser<T> = (value: unknown) => T

/** A state file of the wrong shape; the message is the problem (the reader adds the file name). */
export class StateFileProblem extends Error {
  constructor(problem: string) {
    super(problem)
    this.name = 'StateFileProblem'
    Object.setPrototypeOf(this, StateFileProblem.prototype)
  }
}

export function invalidState(problem: string): never {
  throw new StateFileProblem(problem)
}

export interface StateRead<T> {
  /** null when nothing usable was saved. */
  value: T | null
  /** Why the file was ignored; absent for a valid or a missing file. */
  warning?: string
}

/** Files above this size are not state this app wrote. */
const MAX_STATE_BYTES = 256 * 1024

export function readStateFile<T>(path: string, parse: StateParser<T>, readText: (path: string) => string = (p) => readFileSync(p, 'utf8')): StateRead<T> {
  let text: string
  try {
    text = readText(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: null }
    return { value: null, warning: `Could not read ${path} (${(error as Error).message}); using defaults.` }
  }
  if (text.length > MAX_STATE_BYTES) return { value: null, warning: `${path} is ${text.length} bytes, more than this app ever writes; using defaults.` }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { value: null, warning: `${path} is not valid JSON (${(error as Error).message}); using defaults.` }
  }
  try {
    return { value: parse(json) }
  } catch (error) {
    if (!(error instanceof StateFileProblem)) throw error
    return { value: null, warning: `${path}: ${error.message}; using defaults.` }
  }
}

export async function writeStateFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'))
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Serialises the writes of one file: each save starts after the previous one ended, the last value wins, and
 * `flush()` resolves when everything asked for is on disk (quit waits for it). Errors are logged, not thrown:
 * losing a window position must never stop the app.
 */
export class StateFileWriter {
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly log: Pick<Console, 'warn'>,
  ) {}

  save(value: unknown): void {
    this.chain = this.chain.then(() => writeStateFile(this.path, value)).catch((error: unknown) => this.log.warn(`Could not save ${this.path}: ${(error as Error).message}`))
  }

  flush(): Promise<void> {
    return this.chain
  }
}
