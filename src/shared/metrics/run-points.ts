/**
 * The points a dashboard plots and exports: one per line of a run's metrics log (shared/train.ts MetricRecord),
 * with the costs so far (steps, FLOPs, wall seconds, joules) and the losses there. A comparison's run (a method and a
 * seed) starts with the grown model before training at its growth phase's cost (engine/experiments/compare.ts
 * `growth.initial`), so that the curve and every crossing include what the growth cost (docs/growth/accounting.md §3.3).
 */
import type { MetricRecord } from '../train'

/** One logged point of a run. Costs are cumulative over the whole run, across resumes. */
export interface RunPoint {
  step: number
  flops: number
  wallSeconds: number
  /** Null when the run was not metered. */
  joules: number | null
  /** Mean training loss since the previous point; null for the initial point. */
  trainLoss: number | null
  /** Validation loss when this point was an evaluation, else null. */
  valLoss: number | null
}

/** The grown model before training (a comparison run's manifest `growth.initial`). */
export interface InitialPoint {
  loss: number
  flops: number
  wallSeconds: number
  joules: number | null
}

/** The x-axes a loss curve can be drawn against. kWh is joules / 3.6e6 (one figure, two units). */
export const X_AXES = ['flops', 'wallSeconds', 'joules', 'kwh', 'step'] as const
export type XAxis = (typeof X_AXES)[number]

export const JOULES_PER_KWH = 3.6e6

export function xOf(point: RunPoint, axis: XAxis): number | null {
  switch (axis) {
    case 'flops':
      return point.flops
    case 'wallSeconds':
      return point.wallSeconds
    case 'joules':
      return point.joules
    case 'kwh':
      return point.joules === null ? null : point.joules / JOULES_PER_KWH
    case 'step':
      return point.step
  }
}

export function pointFromRecord(record: MetricRecord): RunPoint {
  return {
    step: record.step,
    flops: record.flops,
    wallSeconds: record.wallSeconds,
    joules: record.energy?.joules ?? null,
    trainLoss: Number.isFinite(record.trainLossMean) ? record.trainLossMean : null,
    valLoss: record.eval ? record.eval.loss : null,
  }
}

/**
 * A run's points in step order. A resumed run may log a step again (it restarts from its last checkpoint): the later
 * line wins, so a curve never zig-zags back (TensorBoard's "non-monotonic x", docs/product/anchors.md §1.5 point 4).
 */
export function runPoints(records: readonly MetricRecord[], initial?: InitialPoint | null): RunPoint[] {
  const byStep = new Map<number, RunPoint>()
  if (initial && Number.isFinite(initial.loss)) {
    byStep.set(0, { step: 0, flops: initial.flops, wallSeconds: initial.wallSeconds, joules: initial.joules, trainLoss: null, valLoss: initial.loss })
  }
  for (const record of records) {
    const point = pointFromRecord(record)
    // the initial point is the grown model's evaluation; a log line at step 0 adds nothing to it
    if (point.step === 0 && byStep.has(0) && point.valLoss === null) continue
    byStep.set(point.step, point)
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step)
}
