/**
 * One method's lines of the loss chart (loss-chart-data.ts), kept up to date as its runs grow: each seed's line on
 * the chosen axis, its smoothing, and the mean over seeds with its band. A live update appends each run's new
 * points: the smoothing (TensorBoard's debiased EMA, shared/metrics/smoothing.ts) continues from its state, and the
 * mean is recomputed only from the earliest step a seed added (the mean at a step changes only where some seed
 * added a point there); everything before stays. A run that changed otherwise (a resumed run's log restarting at a
 * checkpoint, a seed added) rebuilds the method. The numbers are those of a build from all points, to the bit
 * (loss-chart-data.test.ts checks appends in pieces against one build and against smoothEma and meanCurve).
 */
import { xOf, type RunPoint } from '../../../../shared/metrics/run-points'
import { stepStats } from '../../../../shared/metrics/seed-stats'
import { EmaState } from '../../../../shared/metrics/smoothing'
import type { ChartLine, LossChartOptions, RunCurve } from './loss-chart-data'

/** One seed's drawable points on the axis, in step order, with its smoothing so far. */
class SeedLine {
  readonly steps: number[] = []
  readonly x: number[] = []
  readonly y: number[] = []
  readonly smoothed: Array<number | null> = []
  /** Index of each step in the arrays above. */
  readonly position = new Map<number, number>()
  /** The run's points taken in (drawable or not): an append continues after them. */
  private points: readonly RunPoint[] = []
  private readonly ema: EmaState

  constructor(
    private readonly options: LossChartOptions,
  ) {
    this.ema = new EmaState(options.smoothing)
  }

  /** The run's points after those taken in; returns the first step whose smoothed value is new (null: none). */
  append(points: readonly RunPoint[]): number | null {
    const { axis, loss, logX } = this.options
    const from = this.y.length
    for (let i = this.points.length; i < points.length; i++) {
      const p = points[i]
      const xv = xOf(p, axis)
      const yv = p[loss]
      if (xv === null || yv === null || !Number.isFinite(yv) || (logX && !(xv > 0))) continue
      this.position.set(p.step, this.y.length)
      this.steps.push(p.step), this.x.push(xv), this.y.push(yv)
    }
    this.points = points
    // the first point smoothed anew: the first added, or the first of all when the series stopped being constant
    const changed = this.ema.extend(this.y, from, this.smoothed)
    return changed < this.steps.length ? this.steps[changed] : null
  }

  /** True when `points` is the run this line took in with points appended (the same point objects before them). */
  continues(points: readonly RunPoint[]): boolean {
    if (points === this.points) return true
    if (points.length < this.points.length) return false
    for (let i = 0; i < this.points.length; i++) if (points[i] !== this.points[i]) return false
    return true
  }
}

/** The mean over a method's seeds (and its band), kept per step in step order. */
export class MethodLines {
  private seeds: SeedLine[] = []
  private runs: RunCurve[] = []
  /** Every step any seed has, ascending, and per step: kept (the mean and its x exist there). */
  private steps: number[] = []
  readonly mean: ChartLine & { low: Array<number | null>; high: Array<number | null> } = { x: [], y: [], low: [], high: [] }
  /** Output index of the mean at steps[k] for kept k (else the next kept one's). */
  private outAt: number[] = []

  constructor(private readonly options: LossChartOptions) {}

  get seedLines(): readonly SeedLine[] {
    return this.seeds
  }

  /** Takes in the method's runs (sorted by seed); appends when every run continues what was taken, else rebuilds. */
  update(runs: readonly RunCurve[]): void {
    const continues = runs.length === this.runs.length && runs.every((r, i) => r.seed === this.runs[i].seed && this.seeds[i].continues(r.points))
    if (!continues) (this.seeds = runs.map(() => new SeedLine(this.options))), (this.steps = []), (this.outAt = []), Object.assign(this.mean, { x: [], y: [], low: [], high: [] })
    this.runs = [...runs]
    let from: number | null = null
    runs.forEach((r, i) => {
      const first = this.seeds[i].append(r.points)
      if (first !== null && (from === null || first < from)) from = first
    })
    if (from !== null && runs.length > 1) this.recomputeFrom(from)
  }

  /** The mean and band at every step from `step` on (earlier steps are unchanged by the append). */
  private recomputeFrom(step: number): void {
    let k0 = lowerBound(this.steps, step)
    const later = new Set<number>(this.steps.slice(k0))
    for (const s of this.seeds) for (let j = s.steps.length - 1; j >= 0 && s.steps[j] >= step; j--) later.add(s.steps[j])
    this.steps.length = k0
    this.steps.push(...[...later].sort((a, b) => a - b))
    const out = k0 < this.outAt.length ? this.outAt[k0] : this.mean.x.length
    this.outAt.length = k0
    for (const line of [this.mean.x, this.mean.y, this.mean.low, this.mean.high]) line.length = out
    const xs: Array<number | null> = new Array(this.seeds.length)
    const ys: Array<number | null> = new Array(this.seeds.length)
    for (; k0 < this.steps.length; k0++) {
      this.outAt.push(this.mean.x.length)
      this.seeds.forEach((s, i) => {
        const j = s.position.get(this.steps[k0])
        xs[i] = j === undefined ? null : s.x[j]
        ys[i] = j === undefined ? null : s.smoothed[j]
      })
      const x = stepStats(xs)
      const y = stepStats(ys)
      if (!x || !y) continue
      this.mean.x.push(x.mean), this.mean.y.push(y.mean), this.mean.low.push(y.low), this.mean.high.push(y.high)
    }
  }
}

/** First index of a sorted array whose value is >= v. */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}
