/**
 * <workspace>/library/index.json: the models the user imported. Desktop imports by reference (the entry records
 * the path, size, a fingerprint and the date; the file stays where it is); `ligo serve` uploads into
 * <workspace>/uploads and the entry says so (origin 'upload'), so removing it may delete that copy and nothing else.
 * Written atomically; an unreadable index is moved aside (never deleted) and the library starts empty.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, renameSync } from 'node:fs'
import { open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../io/atomic-write'

export const LIBRARY_INDEX_FILE = 'index.json'
export const LIBRARY_INDEX_VERSION = 1
/** Bytes hashed from each end of a weights file: the fingerprint notices a replaced file without reading 500 MB. */
export const FINGERPRINT_EDGE_BYTES = 1024 * 1024

export interface LibraryEntry {
  /** 12 hex digits; the zoo id is "lib:<id>". */
  id: string
  name: string
  /** Absolute path of the file or folder imported. */
  path: string
  isDirectory: boolean
  sizeBytes: number
  /** sha256 of the size and the first and last MiB of each weights file (see fingerprintPath). */
  fingerprint: string
  addedAt: string
  origin: 'reference' | 'upload'
}

export interface LibraryIndex {
  version: typeof LIBRARY_INDEX_VERSION
  models: LibraryEntry[]
}

export interface LoadedLibrary {
  index: LibraryIndex
  /** Set when the file could not be read and was moved aside. */
  notice: string | null
}

const entryKeys: Array<[keyof LibraryEntry, string]> = [
  ['id', 'string'],
  ['name', 'string'],
  ['path', 'string'],
  ['isDirectory', 'boolean'],
  ['sizeBytes', 'number'],
  ['fingerprint', 'string'],
  ['addedAt', 'string'],
  ['origin', 'string'],
]

function checkIndex(value: unknown): LibraryIndex {
  const index = value as Partial<LibraryIndex>
  if (typeof index !== 'object' || index === null || index.version !== LIBRARY_INDEX_VERSION || !Array.isArray(index.models)) {
    throw new Error(`expected {"version": ${LIBRARY_INDEX_VERSION}, "models": [...]}`)
  }
  index.models.forEach((entry, i) => {
    for (const [key, type] of entryKeys) {
      if (typeof (entry as unknown as Record<string, unknown>)[key] !== type) throw new Error(`models[${i}].${key} must be a ${type}`)
    }
  })
  return index as LibraryIndex
}

export function libraryIndexPath(libraryDir: string): string {
  return join(libraryDir, LIBRARY_INDEX_FILE)
}

export function loadLibrary(libraryDir: string, now: () => Date = () => new Date()): LoadedLibrary {
  const path = libraryIndexPath(libraryDir)
  if (!existsSync(path)) return { index: { version: LIBRARY_INDEX_VERSION, models: [] }, notice: null }
  try {
    return { index: checkIndex(JSON.parse(readFileSync(path, 'utf8'))), notice: null }
  } catch (error) {
    const aside = `${path}.unreadable-${now().toISOString().replace(/[:.]/g, '-')}`
    renameSync(path, aside)
    return {
      index: { version: LIBRARY_INDEX_VERSION, models: [] },
      notice: `The model library ${path} could not be read (${(error as Error).message}); it was moved to ${aside} and the library starts empty.`,
    }
  }
}

export async function saveLibrary(libraryDir: string, index: LibraryIndex): Promise<void> {
  await writeFileAtomic(libraryIndexPath(libraryDir), Buffer.from(JSON.stringify(index, null, 2) + '\n'))
}

/** The library id of a path: stable, so importing the same file twice finds the first entry. */
export function libraryIdOf(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 12)
}

async function hashEdges(hash: ReturnType<typeof createHash>, path: string, size: number): Promise<void> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(Math.min(size, FINGERPRINT_EDGE_BYTES))
    await handle.read(head, 0, head.length, 0)
    hash.update(head)
    if (size > FINGERPRINT_EDGE_BYTES) {
      const tail = Buffer.alloc(Math.min(size - FINGERPRINT_EDGE_BYTES, FINGERPRINT_EDGE_BYTES))
      await handle.read(tail, 0, tail.length, size - tail.length)
      hash.update(tail)
    }
  } finally {
    await handle.close()
  }
}

/**
 * Fingerprint and total size of a file, or of a folder's regular files (one level, sorted by name).
 * Reads at most 2 MiB per file, so a 500 MB checkpoint is fingerprinted in milliseconds.
 */
export async function fingerprintPath(path: string): Promise<{ fingerprint: string; sizeBytes: number }> {
  const hash = createHash('sha256')
  const info = await stat(path)
  if (!info.isDirectory()) {
    hash.update(`${info.size}\n`)
    await hashEdges(hash, path, info.size)
    return { fingerprint: hash.digest('hex'), sizeBytes: info.size }
  }
  let total = 0
  for (const name of (await readdir(path)).sort()) {
    const file = join(path, name)
    const child = await stat(file)
    if (!child.isFile()) continue
    total += child.size
    hash.update(`${name}\n${child.size}\n`)
    await hashEdges(hash, file, child.size)
  }
  return { fingerprint: hash.digest('hex'), sizeBytes: total }
}
