/**
 * Where a loss curve first reaches a target, on every axis at once (steps, FLOPs, seconds, joules): between the last
 * evaluation above the target (a) and the first at or below it (b), each cumulative cost is interpolated linearly
 * with f = (loss_a − target) / (loss_a − loss_b). Evaluations are every N steps, so reading the cost at b would
 * overstate it by up to N steps. A first evaluation already at or below the target gives its own cost (nothing is
 * known before it). The same rule as the comparison report (src/engine/experiments/README.md, "Report"); the
 * dashboards use it to mark crossings on the chart and for live figures while a comparison runs.
 */
import type { RunPoint } from './run-points'

export interface Crossing {
  reached: true
  /** Fractional when interpolated. */
  step: number
  flops: number
  wallSeconds: number
  /** Null when either evaluation around the crossing has no energy figure. */
  joules: number | null
  /** The target itself: the loss on the curve at the crossing. */
  loss: number
  interpolated: boolean
}

export interface NoCrossing {
  reached: false
  /** Lowest validation loss so far and its step; null without evaluations. */
  bestLoss: number | null
  bestStep: number | null
}

const lerp = (a: number, b: number, f: number): number => a + f * (b - a)

/** Points must be in step order (runPoints gives them so); only evaluations (valLoss set) count. */
export function firstCrossing(points: readonly RunPoint[], target: number): Crossing | NoCrossing {
  const evals = points.filter((p): p is RunPoint & { valLoss: number } => p.valLoss !== null && Number.isFinite(p.valLoss))
  const index = evals.findIndex((p) => p.valLoss <= target)
  if (index === -1) {
    if (evals.length === 0) return { reached: false, bestLoss: null, bestStep: null }
    const best = evals.reduce((x, y) => (y.valLoss < x.valLoss ? y : x))
    return { reached: false, bestLoss: best.valLoss, bestStep: best.step }
  }
  const b = evals[index]
  const a = index > 0 ? evals[index - 1] : b
  // a.valLoss > target >= b.valLoss when a !== b, so the denominator is positive
  const f = a === b ? 1 : (a.valLoss - target) / (a.valLoss - b.valLoss)
  return {
    reached: true,
    step: lerp(a.step, b.step, f),
    flops: lerp(a.flops, b.flops, f),
    wallSeconds: lerp(a.wallSeconds, b.wallSeconds, f),
    joules: a.joules !== null && b.joules !== null ? lerp(a.joules, b.joules, f) : null,
    loss: a === b ? b.valLoss : target,
    interpolated: a !== b && f < 1,
  }
}
