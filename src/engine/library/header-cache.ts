/**
 * Checkpoint headers remembered between zoo listings (the review of session 2: `listModels` parsed every
 * checkpoint's header on each call). An entry is reused while its files look unchanged: the path's own size,
 * modification time and inode and, for a folder, those of its entries two levels down (a run folder's
 * checkpoints/step-N, an HF folder's shards, a growth's model/). A changed, added, renamed or removed file makes
 * the next call read the headers again. Only stat calls on a hit: no file is opened.
 */
import type { Stats } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { HeaderReader } from './catalog'
import { readCheckpointHeaders, type CheckpointHeaders } from './checkpoint-headers'

/** Entries kept (a library of a few hundred models); the least recently used goes first. */
export const HEADER_CACHE_ENTRIES = 512
const FOLDER_DEPTH = 2

const stampOf = (info: Stats): string => `${info.size}:${info.mtimeMs}:${info.ino}`

/** What the reuse of a header read depends on: the stats of the path and, for a folder, of what lies in it. */
export async function fileStamp(path: string, depth: number = FOLDER_DEPTH): Promise<string> {
  const info = await stat(path)
  if (!info.isDirectory() || depth === 0) return stampOf(info)
  const names = (await readdir(path)).sort()
  const parts = await Promise.all(names.map(async (name) => `${name}=${await fileStamp(join(path, name), depth - 1).catch(() => 'gone')}`))
  return `${stampOf(info)}[${parts.join(',')}]`
}

export interface CachedHeaderReader extends HeaderReader {
  /** Entries held now. */
  readonly size: number
}

/** A HeaderReader that reads each checkpoint's headers once while its files stay the same. */
export function cachedHeaderReader(read: HeaderReader = readCheckpointHeaders, capacity: number = HEADER_CACHE_ENTRIES): CachedHeaderReader {
  const entries = new Map<string, { stamp: string; headers: Promise<CheckpointHeaders> }>()
  const reader = (async (path, layout) => {
    const key = `${layout}\0${path}`
    const stamp = await fileStamp(path)
    const held = entries.get(key)
    if (held && held.stamp === stamp) {
      entries.delete(key) // most recently used goes last
      entries.set(key, held)
      return held.headers
    }
    const headers = read(path, layout)
    entries.set(key, { stamp, headers })
    headers.catch(() => {
      if (entries.get(key)?.headers === headers) entries.delete(key) // a failed read is tried again next time
    })
    while (entries.size > capacity) entries.delete(entries.keys().next().value as string)
    return headers
  }) as CachedHeaderReader
  Object.defineProperty(reader, 'size', { get: () => entries.size })
  return reader
}
