/**
 * What the loss chart draws, as plain data (one line of x and y per series, each at its own x positions), so the
 * canvas chart, its SVG export and the HTML report draw the same thing. Built once per change of the runs or the
 * options (smoothing included; a live append takes in only the new points, LossChartBuilder), never per redraw; the canvas then decimates the lines to its pixel columns
 * (decimated-chart.ts). Per method: each seed faint, the mean over seeds bold with a band of ± one spread (sample
 * standard deviation), and with smoothing on the raw seeds fainter still behind (TensorBoard's habit,
 * docs/product/anchors.md §1.5). Seeds of a method are averaged at the same step (every seed evaluates at the same
 * steps); the mean's x is the seeds' mean x at that step (FLOPs agree across seeds, seconds and joules do not).
 */
import { firstCrossing } from '../../../../shared/metrics/crossing'
import { xOf, type RunPoint, type XAxis } from '../../../../shared/metrics/run-points'
import { MethodLines } from './method-lines'
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

/** A method's series (specs and lines) from its kept lines; the arrays are copies, so each update is new data. */
function methodSeries(method: string, seeds: readonly number[], lines: MethodLines, color: string, options: LossChartOptions): Line[] {
  const out: Line[] = []
  const many = seeds.length > 1
  const copy = (a: ArrayLike<number | null>) => Array.from(a)
  if (options.smoothing > 0) {
    lines.seedLines.forEach((s, i) => out.push({ spec: { method, seed: seeds[i], role: 'raw', label: `${method} seed ${seeds[i]} (raw)`, stroke: withAlpha(color, 0.22), width: 1, readout: true }, x: copy(s.x) as number[], y: copy(s.y) }))
  }
  if (!many) {
    const [s] = lines.seedLines
    if (s) out.push({ spec: { method, seed: seeds[0], role: 'mean', label: method, stroke: color, width: 2.5, readout: true }, x: copy(s.x) as number[], y: copy(s.smoothed) })
    return out
  }
  lines.seedLines.forEach((s, i) => out.push({ spec: { method, seed: seeds[i], role: 'seed', label: `${method} seed ${seeds[i]}`, stroke: withAlpha(color, 0.45), width: 1, readout: true }, x: copy(s.x) as number[], y: copy(s.smoothed) }))
  const { mean } = lines
  const x = copy(mean.x) as number[]
  out.push({ spec: { method, seed: null, role: 'band-high', label: `${method} mean + spread`, stroke: 'transparent', width: 0, readout: false }, x, y: copy(mean.high) })
  out.push({ spec: { method, seed: null, role: 'band-low', label: `${method} mean − spread`, stroke: 'transparent', width: 0, readout: false }, x, y: copy(mean.low) })
  out.push({ spec: { method, seed: null, role: 'mean', label: `${method} (mean of ${seeds.length} seeds)`, stroke: color, width: 2.5, readout: true }, x, y: copy(mean.y) })
  return out
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

/** The chart data of the runs, built from all their points. */
export function buildLossChart(runs: readonly RunCurve[], options: LossChartOptions): LossChartData {
  return new LossChartBuilder(options).update(runs)
}

/**
 * The chart data of runs that grow (a live comparison): each update takes in only the points appended since the last
 * one (method-lines.ts), and gives the same data as buildLossChart on all points. One builder per set of options.
 */
export class LossChartBuilder {
  private readonly methods = new Map<string, MethodLines>()

  constructor(readonly options: LossChartOptions) {}

  /** True when this builder draws with these options (the targets only place the crossings: any may change). */
  draws(options: LossChartOptions): boolean {
    const o = this.options
    return o.axis === options.axis && o.loss === options.loss && o.smoothing === options.smoothing && o.logX === options.logX
  }

  update(runs: readonly RunCurve[], targets: LossChartOptions['targets'] = this.options.targets): LossChartData {
    const options = { ...this.options, targets }
    const colors = methodColors([...new Set(runs.map((r) => r.method))])
    const lines: Line[] = []
    const crossings: Crossing[] = []
    for (const method of this.methods.keys()) if (!colors.has(method)) this.methods.delete(method)
    for (const [method, color] of colors) {
      const mine = runs.filter((r) => r.method === method).sort((a, b) => a.seed - b.seed)
      const kept = this.methods.get(method) ?? new MethodLines(options)
      this.methods.set(method, kept)
      kept.update(mine)
      lines.push(...methodSeries(method, mine.map((r) => r.seed), kept, color, options))
      crossings.push(...crossingsOf(method, mine, color, options))
    }
    const series = lines.map((l) => l.spec)
    const bands: LossChartData['bands'] = []
    series.forEach((s, i) => {
      if (s.role === 'band-high') bands.push({ upper: i, lower: i + 1, fill: withAlpha(colors.get(s.method)!, 0.14) })
    })
    return { lines: lines.map(({ x, y }) => ({ x, y })), series, bands, targets, crossings }
  }
}
