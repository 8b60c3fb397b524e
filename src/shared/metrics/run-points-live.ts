/**
 * A run's points (run-points.ts) kept up to date as its metrics log grows: while the records only grow (the same
 * record objects, more after them: how the runs store appends each read), the new records' points are appended to
 * the points already made, keeping those point objects, so the chart's builder also takes in only the new points
 * (components/charts/method-lines.ts). Anything else (a log that restarted at a checkpoint, a step logged again, a
 * different initial point, compared by value) re-derives all points with runPoints. The points are always runPoints' (run-points-live.test.ts).
 */
import type { MetricRecord } from '../train'
import { pointFromRecord, runPoints, type InitialPoint, type RunPoint } from './run-points'

export class LiveRunPoints {
  private records: readonly MetricRecord[] = []
  private initial: InitialPoint | null | undefined = undefined
  private points: RunPoint[] = []

  /** The points of these records; the same array when nothing was appended, a new one otherwise. */
  update(records: readonly MetricRecord[], initial?: InitialPoint | null): RunPoint[] {
    const sameInitial = sameInitialPoint(initial, this.initial)
    if (records === this.records && sameInitial) return this.points
    const appended = this.points.length > 0 && sameInitial && this.grewFrom(records) && this.appendable(records)
    this.points = appended ? [...this.points, ...records.slice(this.records.length).map(pointFromRecord)] : runPoints(records, initial)
    this.records = records
    this.initial = initial
    return this.points
  }

  /** The same records with more after them. */
  private grewFrom(records: readonly MetricRecord[]): boolean {
    if (records.length < this.records.length) return false
    for (let i = 0; i < this.records.length; i++) if (records[i] !== this.records[i]) return false
    return true
  }

  /** The new records log steps after the last point, each after the one before (else runPoints' rules apply). */
  private appendable(records: readonly MetricRecord[]): boolean {
    let last = this.points[this.points.length - 1].step
    for (let i = this.records.length; i < records.length; i++) {
      if (!(records[i].step > last)) return false
      last = records[i].step
    }
    return true
  }
}

/** The same initial point (by value: each read of the run's detail brings a new object). */
function sameInitialPoint(a: InitialPoint | null | undefined, b: InitialPoint | null | undefined): boolean {
  if (!a || !b) return !a === !b
  return a.loss === b.loss && a.flops === b.flops && a.wallSeconds === b.wallSeconds && a.joules === b.joules
}

/** One LiveRunPoints per run, found by its first record (kept while the log is; a restarted log starts a new one). */
const byFirstRecord = new WeakMap<MetricRecord, LiveRunPoints>()

/** runPoints(records, initial), appending to the points made for the same run's earlier records when they only grew. */
export function livePoints(records: readonly MetricRecord[], initial?: InitialPoint | null): RunPoint[] {
  const first = records[0]
  if (!first) return runPoints(records, initial)
  let live = byFirstRecord.get(first)
  if (!live) byFirstRecord.set(first, (live = new LiveRunPoints()))
  return live.update(records, initial)
}
