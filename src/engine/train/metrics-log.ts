/**
 * Reading a run's metrics.jsonl from a byte offset while the run may still write it, or after a crash or a
 * resume changed it (train/README.md, "Run folder"). The one reader of the host's runs and comparisons.
 *
 * - Only whole lines are returned: a line being written, or torn by a crash (no newline), waits; nextOffset stops
 *   before it, so a reader never skips the bytes of a line that is completed later.
 * - A line that is not JSON (damage) is skipped and counted; the offset moves past it.
 * - A resume cuts the log back to its checkpoint and appends new lines, so an old offset may lie past the end or
 *   inside a new line: the reader then starts again from 0 and says so (`reset`), and the caller replaces what it
 *   had read.
 * - lastLoggedStep reads only the log's tail (a progress bar needs the last step, not every line).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import type { MetricRecord } from '../../shared/train'

/** Most bytes read per call (the caller asks again from nextOffset). */
export const METRICS_CHUNK_BYTES = 4 * 1024 * 1024
const NEWLINE = 0x0a

export interface MetricsRead {
  records: MetricRecord[]
  /** Byte offset after the last whole line read: pass it back to continue. */
  nextOffset: number
  /** The log changed under the offset given (cut back on resume): records are read from 0 and replace the old ones. */
  reset: boolean
  /** Lines skipped because they were not JSON. */
  damaged: number
  /** The file's size when read (0 when it does not exist). */
  size: number
}

export async function readMetricsFrom(path: string, fromOffset: number, maxBytes: number = METRICS_CHUNK_BYTES): Promise<MetricsRead> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch {
    return { records: [], nextOffset: 0, reset: fromOffset > 0, damaged: 0, size: 0 }
  }
  const handle = await open(path, 'r')
  try {
    let from = fromOffset
    let reset = from > size
    if (!reset && from > 0) {
      // A valid offset follows a newline; anything else means the log was rewritten since it was handed out.
      const before = Buffer.alloc(1)
      await handle.read(before, 0, 1, from - 1)
      reset = before[0] !== NEWLINE
    }
    if (reset) from = 0
    const length = Math.min(size - from, maxBytes)
    const buffer = Buffer.alloc(Math.max(0, length))
    if (length > 0) await handle.read(buffer, 0, length, from)
    const end = buffer.lastIndexOf(NEWLINE) + 1
    const records: MetricRecord[] = []
    let damaged = 0
    for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
      if (line.trim() === '') continue
      try {
        records.push(JSON.parse(line) as MetricRecord)
      } catch {
        damaged++
      }
    }
    return { records, nextOffset: from + end, reset, damaged, size }
  } finally {
    await handle.close()
  }
}

/** Bytes of the tail lastLoggedStep reads first; it doubles the window until a whole line that parses is in it. */
const TAIL_BYTES = 4096

/**
 * The step of the log's last whole line that parses (0 when there is none, or no log): what a progress bar shows.
 * Reads the tail of the file, not the whole log; a torn or damaged last line is passed over, as readMetricsFrom does.
 */
export function lastLoggedStep(path: string): number {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return 0
  }
  try {
    const size = fstatSync(fd).size
    for (let window = TAIL_BYTES; ; window *= 2) {
      const from = Math.max(0, size - window)
      const buffer = Buffer.alloc(size - from)
      readSync(fd, buffer, 0, buffer.length, from)
      // whole lines only: up to the last newline; the first line is whole only when the window starts the file
      const lines = buffer.subarray(0, buffer.lastIndexOf(NEWLINE) + 1).toString('utf8').split('\n')
      const complete = from === 0 ? lines : lines.slice(1)
      for (let i = complete.length - 1; i >= 0; i--) {
        if (complete[i].trim() === '') continue
        try {
          const step = (JSON.parse(complete[i]) as MetricRecord).step
          if (typeof step === 'number') return step
        } catch {
          // damaged: the line before may be whole
        }
      }
      if (from === 0) return 0
    }
  } finally {
    closeSync(fd)
  }
}
