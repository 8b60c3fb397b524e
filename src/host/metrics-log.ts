/**
 * A metrics.jsonl read from a byte offset, so a reopened window catches up and a live one reads only what was
 * written since. The one reader of every run's logs (a training run's own, each method-and-seed log of a comparison).
 */
import { existsSync } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import type { MetricRecord } from '../shared'

/** Largest slice read at once; the caller continues from nextOffset. */
export const METRICS_CHUNK_BYTES = 4 * 1024 * 1024

export interface MetricsSlice {
  records: MetricRecord[]
  nextOffset: number
  /** The log was shorter than the offset (a resume cut it back to its last checkpoint): read again from 0. */
  reset: boolean
  /** Everything up to the file's current end was read. */
  atEnd: boolean
}

export async function readMetricsFrom(file: string, fromOffset: number): Promise<MetricsSlice> {
  if (!existsSync(file)) return { records: [], nextOffset: 0, reset: fromOffset > 0, atEnd: true }
  const size = (await stat(file)).size
  const reset = fromOffset > size
  const from = reset ? 0 : fromOffset
  const length = Math.min(size - from, METRICS_CHUNK_BYTES)
  const buffer = Buffer.alloc(length)
  if (length > 0) {
    const handle = await open(file, 'r')
    try {
      await handle.read(buffer, 0, length, from)
    } finally {
      await handle.close()
    }
  }
  // Only whole lines: a line being written (or torn by a crash) waits for the next read.
  const end = buffer.lastIndexOf(0x0a) + 1
  const records: MetricRecord[] = []
  for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue
    try {
      records.push(JSON.parse(line) as MetricRecord)
    } catch {
      // a damaged line: skipped, the offset still moves past it
    }
  }
  return { records, nextOffset: from + end, reset, atEnd: from + end >= size }
}
