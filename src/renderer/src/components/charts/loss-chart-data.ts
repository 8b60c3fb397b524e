/**
 * What the loss chart draws, as plain data (one line of x and y per series, each at its own x positions), so the
 * canvas chart, its SVG export and the HTML report draw the same thing. Built once per change of the runs or the
 * options (smoothing included), never per redraw; the canvas then decimates the lines to its pixel columns
 * (decimated-chart.ts). Per method: each seed faint, the mean over seeds bold with a band of ± one spread (sample
 * standard deviation), and with smoothing on the raw seeds fainter still behind (TensorBoard's habit,
 * docs/product/anchors.md §1.5). Seeds of a method are averaged at the same step (every seed evaluates at the same
 * steps); the mean's x is the seeds' mean x at that step (FLOPs agree across seeds, seconds and joules do not).
 */
import { firstCrossing } from '../../../../shared/metrics/crossing'
import { xOf, type RunPoint, type XAxis } from '../../../../shared/metrics/run-points'
import { meanCurve } from '../../../../shared/metrics/seed-stats'
import { smoothEma } from '../../../../shared/metrics/smoothing'
import { methodColors, withAlpha } from './palette'

export interface RunCurve {
  method: string
  seed: number
  points: readonly RunPoint[]
}

export type LossKind = 'valLoss' | 'trainLoss'

export interface LossChartOptions {
  axis: XAxis
  loss: LossKind
  /** TensorBoard smoothing weight in [0, 0.999]; 0 = raw. */
  smoothing: number
  /** Log x: points at x <= 0 (scratch's first evaluation at 0 FLOPs) cannot be drawn and are left out. */
  logX: boolean
  /** Horizontal target lines (scratch's final loss, the source model's loss). */
  targets: ReadonlyArray<{ label: string; loss: number }>
}

export type SeriesRole = 'raw' | 'seed' | 'mean' | 'band-low' | 'band-high'

export interface ChartSeries {
  method: string
  seed: number | null
  role: SeriesRole
  label: string
  stroke: string
  width: number
  /** Shown in the hover read-out (band edges are not). */
  readout: boolean
}

export interface Crossing {
  method: string
  target: string
  x: number
  loss: number
  color: string
  /** Seeds that reached the target of all seeds (the marker sits at their mean x). */
  reached: number
  seeds: number
}

/** One series' points in drawing order; y null = no value there (drawn across). */
export interface ChartLine {
  x: number[]
  y: Array<number | null>
}

export interface LossChartData {
  /** lines[i] is series[i]'s points. */
  lines: ChartLine[]
  series: ChartSeries[]
  /** Index pairs [upper, lower] of the filled bands. */
  bands: Array<{ upper: number; lower: number; fill: string }>
  targets: ReadonlyArray<{ label: string; loss: number }>
  crossings: Crossing[]
}

interface Line extends ChartLine {
  spec: ChartSeries
}

/** One seed's (x, loss) pairs on the chosen axis, in step order. */
function seedLine(points: readonly RunPoint[], options: LossChartOptions): { steps: number[]; x: number[]; y: number[] } {
  const steps: number[] = []
  const x: number[] = []
  const y: number[] = []
  for (const p of points) {
    const xv = xOf(p, options.axis)
    const yv = p[options.loss]
    if (xv === null || yv === null || !Number.isFinite(yv) || (options.logX && !(xv > 0))) continue
    steps.push(p.step), x.push(xv), y.push(yv)
  }
  return { steps, x, y }
}

function methodLines(method: string, runs: readonly RunCurve[], color: string, options: LossChartOptions): Line[] {
  const lines: Line[] = []
  const seeds = runs.map((run) => ({ run, ...seedLine(run.points, options) }))
  const smoothed = seeds.map((s) => smoothEma(s.y, options.smoothing))
  const many = runs.length > 1
  if (options.smoothing > 0) {
    for (const s of seeds) lines.push({ spec: { method, seed: s.run.seed, role: 'raw', label: `${method} seed ${s.run.seed} (raw)`, stroke: withAlpha(color, 0.22), width: 1, readout: true }, x: s.x, y: s.y })
  }
  if (!many) {
    const [s] = seeds
    if (s) lines.push({ spec: { method, seed: s.run.seed, role: 'mean', label: method, stroke: color, width: 2.5, readout: true }, x: s.x, y: smoothed[0] })
    return lines
  }
  seeds.forEach((s, i) => lines.push({ spec: { method, seed: s.run.seed, role: 'seed', label: `${method} seed ${s.run.seed}`, stroke: withAlpha(color, 0.45), width: 1, readout: true }, x: s.x, y: smoothed[i] }))
  // Align the seeds by step, then average
  const steps = [...new Set(seeds.flatMap((s) => s.steps))].sort((a, b) => a - b)
  const positions = seeds.map((s) => new Map(s.steps.map((step, j) => [step, j])))
  const at = (i: number, values: ArrayLike<number | null>) =>
    steps.map((step) => {
      const j = positions[i].get(step)
      return j === undefined ? null : values[j]
    })
  const xMean = meanCurve(seeds.map((s, i) => at(i, s.x))).mean
  const { mean, low, high } = meanCurve(smoothed.map((values, i) => at(i, values)))
  const keep = steps.map((_, k) => xMean[k] !== null && mean[k] !== null)
  const pick = <T,>(a: T[]) => a.filter((_, k) => keep[k])
  const x = pick(xMean) as number[]
  lines.push({ spec: { method, seed: null, role: 'band-high', label: `${method} mean + spread`, stroke: 'transparent', width: 0, readout: false }, x, y: pick(high) })
  lines.push({ spec: { method, seed: null, role: 'band-low', label: `${method} mean − spread`, stroke: 'transparent', width: 0, readout: false }, x, y: pick(low) })
  lines.push({ spec: { method, seed: null, role: 'mean', label: `${method} (mean of ${runs.length} seeds)`, stroke: color, width: 2.5, readout: true }, x, y: pick(mean) })
  return lines
}

function crossingsOf(method: string, runs: readonly RunCurve[], color: string, options: LossChartOptions): Crossing[] {
  if (options.loss !== 'valLoss') return []
  const out: Crossing[] = []
  for (const target of options.targets) {
    const xs: number[] = []
    for (const run of runs) {
      const c = firstCrossing(run.points, target.loss)
      if (!c.reached) continue
      const x = xOf({ ...c, trainLoss: null, valLoss: c.loss }, options.axis)
      if (x !== null && (!options.logX || x > 0)) xs.push(x)
    }
    if (xs.length > 0) out.push({ method, target: target.label, x: xs.reduce((a, b) => a + b, 0) / xs.length, loss: target.loss, color, reached: xs.length, seeds: runs.length })
  }
  return out
}

/** True when no series has a point (nothing to draw on this axis). */
export const isEmptyChart = (data: LossChartData): boolean => data.lines.every((line) => line.x.length === 0)

export function buildLossChart(runs: readonly RunCurve[], options: LossChartOptions): LossChartData {
  const methods = [...new Set(runs.map((r) => r.method))]
  const colors = methodColors(methods)
  const ordered = [...colors.keys()]
  const lines: Line[] = []
  const crossings: Crossing[] = []
  for (const method of ordered) {
    const mine = runs.filter((r) => r.method === method).sort((a, b) => a.seed - b.seed)
    lines.push(...methodLines(method, mine, colors.get(method)!, options))
    crossings.push(...crossingsOf(method, mine, colors.get(method)!, options))
  }
  const series = lines.map((l) => l.spec)
  const bands: LossChartData['bands'] = []
  series.forEach((s, i) => {
    if (s.role === 'band-high') bands.push({ upper: i, lower: i + 1, fill: withAlpha(colors.get(s.method)!, 0.14) })
  })
  return { lines: lines.map(({ x, y }) => ({ x, y })), series, bands, targets: options.targets, crossings }
}
