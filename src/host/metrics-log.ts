/**
 * A metrics.jsonl read from a byte offset, so a reopened window catches up and a live one reads only what was
 * written since: the host's view of the engine's one reader (engine/train/metrics-log.ts: whole lines only,
 * damaged lines skipped and counted, a reset when a resume cut the log under the offset).
 */
import { readMetricsFrom as readLog } from '../engine/train/metrics-log'
import type { MetricRecord } from '../shared'

export interface MetricsSlice {
  records: MetricRecord[]
  nextOffset: number
  /** The log changed under the offset (a resume cut it back to its last checkpoint): records are read from 0. */
  reset: boolean
  /** Everything up to the file's current end was read. */
  atEnd: boolean
}

export async function readMetricsFrom(file: string, fromOffset: number): Promise<MetricsSlice> {
  const read = await readLog(file, fromOffset)
  return { records: read.records, nextOffset: read.nextOffset, reset: read.reset, atEnd: read.nextOffset >= read.size }
}
