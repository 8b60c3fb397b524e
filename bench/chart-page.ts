/**
 * Browser side of `npm run bench:chart` (bundled by bench/chart.ts): the loss chart's own data, decimated table and
 * uPlot options (components/charts/) over methods × seeds curves, each seed at its own wall-clock x, against the
 * previous layout (bench/chart-baseline.ts) on the same data. Exposes its steps on window; bench/chart.ts calls them
 * turn about and reads the browser's CPU time around each.
 */
import uPlot from 'uplot'
import uplotCss from 'uplot/dist/uPlot.min.css'
import { DecimatedChart, type AlignedColumns } from '../src/renderer/src/components/charts/decimated-chart'
import { buildLossChart, LossChartBuilder, type LossChartData, type LossChartOptions, type RunCurve } from '../src/renderer/src/components/charts/loss-chart-data'
import { uplotData, uplotOptions, type ChartTheme } from '../src/renderer/src/components/charts/uplot-options'
import { unionTable } from './chart-baseline'

export interface BenchOptions {
  methods: number
  seeds: number
  /** Logged points over all runs (methods × seeds). */
  points: number
  smoothing: number
  repeats: number
  width: number
  height: number
}

/** Methods × seeds of a loss curve with evaluation noise; seed r runs at its own seconds per step. */
export function curves(methods: number, seeds: number, points: number, extra = 0): RunCurve[] {
  const perRun = Math.round(points / (methods * seeds))
  return Array.from({ length: methods * seeds }, (_, r) => {
    const m = Math.floor(r / seeds)
    return {
      method: m === 0 ? 'scratch' : `method-${m}`,
      seed: r % seeds,
      points: Array.from({ length: perRun + extra }, (_, i) => {
        const noise = Math.sin(i * 12.9898 + r * 78.233) * 43758.5453
        return {
          step: i,
          flops: (i + 1) * (1 + m * 0.1) * 1e9,
          wallSeconds: i * (0.1 + 0.013 * r),
          joules: i * 3,
          trainLoss: null,
          valLoss: 7 - (3 - 0.3 * m) * (Math.log1p(i / 1000) / Math.log1p(perRun / 1000)) + 0.08 * (noise - Math.floor(noise) - 0.5) + 0.04 * Math.sin(i / 400 + r),
        }
      }),
    }
  })
}

const chartOptions = (smoothing: number): LossChartOptions => ({ axis: 'wallSeconds', loss: 'valLoss', smoothing, logX: false, targets: [{ label: "scratch's final loss", loss: 4.6 }] })
const chartData = (runs: RunCurve[], smoothing: number): LossChartData => buildLossChart(runs, chartOptions(smoothing))

/** Live updates measured per run of the benchmark (each run logs one more point per update). */
const LIVE_UPDATES = 5
const LIGHT: ChartTheme = { ink: '#1d232b', muted: '#5b6573', grid: '#d9dde3' }
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))

/** One chart on the page, drawn from the previous union table or from the decimated table. */
class BenchChart {
  readonly u: uPlot
  readonly decimated: DecimatedChart | null
  table: AlignedColumns = { xs: [], columns: [] }

  constructor(
    readonly kind: 'baseline' | 'decimated',
    data: LossChartData,
    host: HTMLElement,
    options: { width: number; height: number; theme: ChartTheme },
  ) {
    const empty = { xs: [], columns: data.series.map(() => []) }
    this.u = new uPlot(uplotOptions(data, { ...options, logX: false, logY: false, formatX: String, formatY: String, uplotPaths: kind === 'baseline' }), uplotData(empty), host)
    this.decimated = kind === 'decimated' ? new DecimatedChart(false, this.u.bbox.width) : null
  }

  /** New data as the app applies it (a live update); returns the cells of the table uPlot walks. */
  setData(data: LossChartData): number {
    const u = this.u
    if (this.decimated) {
      const table = (this.table = this.decimated.setData(data))
      u.batch(() => (u.setData(uplotData(table), false), u.setScale('x', this.decimated!.view!)))
    } else {
      const table = (this.table = unionTable(data))
      u.batch(() => u.setData(uplotData(table), true))
    }
    return this.table.xs.length * this.table.columns.length
  }

  zoom(range: { min: number; max: number }): void {
    const u = this.u
    if (this.decimated) {
      const table = (this.table = this.decimated.zoom(range))
      u.batch(() => (u.setData(uplotData(table), false), u.setScale('x', range)))
    } else u.batch(() => u.setScale('x', range))
  }
}

/** Time of fn including rasterisation (reading a pixel back makes the canvas finish drawing). */
function timed(u: uPlot, fn: () => void): number {
  const start = performance.now()
  fn()
  u.ctx.getImageData(0, 0, 1, 1)
  return performance.now() - start
}

/** Both layouts on one page, with the data of the live updates built beforehand (the same work for both). */
let bench: { charts: BenchChart[]; updates: LossChartData[]; max: number; live: { runs: RunCurve[]; perRun: number; options: LossChartOptions } } | null = null

function setupBench(options: BenchOptions) {
  const data = chartData(curves(options.methods, options.seeds, options.points), options.smoothing)
  const charts = (['baseline', 'decimated'] as const).map((kind) => {
    const host = document.createElement('div')
    document.body.append(host)
    return new BenchChart(kind, data, host, { width: options.width, height: options.height, theme: LIGHT })
  })
  const layoutMs = charts.map((chart) => timed(chart.u, () => chart.setData(data)))
  // live: every run logs one more point per update
  const build: number[] = []
  const updates = Array.from({ length: LIVE_UPDATES }, (_, i) => {
    const t0 = performance.now()
    const next = chartData(curves(options.methods, options.seeds, options.points, i + 1), options.smoothing)
    build.push(performance.now() - t0)
    return next
  })
  const live = { runs: curves(options.methods, options.seeds, options.points, LIVE_UPDATES), perRun: Math.round(options.points / (options.methods * options.seeds)), options: chartOptions(options.smoothing) }
  bench = { charts, updates, max: Math.max(...data.lines.map((l) => l.x[l.x.length - 1] ?? 0)), live }
  return {
    series: data.series.length,
    linePoints: data.lines.reduce((n, l) => n + l.x.length, 0),
    cells: charts.map((c) => c.table.xs.length * c.table.columns.length),
    layoutMs,
    buildMs: median(build),
  }
}

/** n full redraws of chart c: batch() draws synchronously; redraw(true, true) rebuilds every path and the axes. */
async function benchRedraws(c: number, n: number): Promise<number[]> {
  const chart = bench!.charts[c]
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    await frame()
    times.push(timed(chart.u, () => chart.u.batch(() => chart.u.redraw(true, true))))
  }
  return times
}

/**
 * Where a full redraw of chart c spends its drawing time: each stroke and fill timed on its own (flushed before and
 * after, so the parts add up to a little more than a redraw), by kind: thin lines, bold lines (width > 1: stroked by
 * uPlot, or filled as outlines in their colour), band fills.
 */
async function benchRaster(c: number, n: number): Promise<Record<string, number>> {
  const chart = bench!.charts[c]
  const proto = CanvasRenderingContext2D.prototype
  const { stroke, fill } = proto
  const spent: Record<string, number> = { thin: 0, bold: 0, fill: 0 }
  const timedCall = <A extends unknown[]>(draw: (...a: A) => void, kind: (ctx: CanvasRenderingContext2D) => string) =>
    function (this: CanvasRenderingContext2D, ...args: A) {
      this.getImageData(0, 0, 1, 1)
      const start = performance.now()
      draw.apply(this, args)
      this.getImageData(0, 0, 1, 1)
      spent[kind(this)] += performance.now() - start
    }
  // the app fills its bold lines as outlines (bold-lines.ts): a fill in a bold series' colour is a bold line
  const scratch = document.createElement('canvas').getContext('2d')!
  const boldColours = new Set(chart.u.series.flatMap((s, i) => ((s.width ?? 0) > 1 ? [((scratch.fillStyle = (s.stroke as (u: uPlot, i: number) => string)(chart.u, i)), scratch.fillStyle)] : [])))
  proto.stroke = timedCall(stroke as (...a: unknown[]) => void, (ctx) => (ctx.lineWidth > 1 ? 'bold' : 'thin'))
  proto.fill = timedCall(fill as (...a: unknown[]) => void, (ctx) => (boldColours.has(ctx.fillStyle as string) ? 'bold' : 'fill'))
  try {
    for (let i = 0; i < n; i++) {
      await frame()
      chart.u.batch(() => chart.u.redraw(true, true))
    }
  } finally {
    Object.assign(proto, { stroke, fill })
  }
  return Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, v / n]))
}

/** The prepared live updates applied to chart c in turn: wall time and points the decimators took in. */
async function benchLive(c: number): Promise<Array<[number, number]>> {
  const chart = bench!.charts[c]
  const out: Array<[number, number]> = []
  for (const next of bench!.updates) {
    await frame()
    const ms = timed(chart.u, () => chart.setData(next))
    out.push([ms, chart.decimated?.examined ?? next.lines.reduce((n, l) => n + l.x.length, 0)])
  }
  return out
}

/**
 * The live updates again, each with its chart data built, as the app does on each metrics read: the previous chart
 * (c = 0) built the data from all points (buildLossChart), the app now appends the new points (LossChartBuilder over
 * the runs grown by one point each, the same point objects, as the runs store keeps them).
 */
async function benchLiveBuild(c: number): Promise<number[]> {
  const chart = bench!.charts[c]
  const { runs, perRun, options } = bench!.live
  const grown = (n: number) => runs.map((r) => ({ ...r, points: r.points.slice(0, n) }))
  const builder = new LossChartBuilder(options)
  chart.setData(builder.update(grown(perRun)))
  const times: number[] = []
  for (let i = 1; i <= LIVE_UPDATES; i++) {
    await frame()
    const now = grown(perRun + i)
    times.push(timed(chart.u, () => chart.setData(c === 0 ? buildLossChart(now, options) : builder.update(now))))
  }
  return times
}

/** n zooms of chart c: into a tenth of the x range and back out, alternately. */
async function benchZooms(c: number, n: number): Promise<number[]> {
  const { charts, max } = bench!
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    await frame()
    const range = i % 2 === 0 ? { min: max * 0.45, max: max * 0.55 } : { min: 0, max: max * 1.01 }
    times.push(timed(charts[c].u, () => charts[c].zoom(range)))
  }
  return times
}

function teardownBench(): void {
  bench?.charts.forEach((c) => (c.u.destroy(), c.u.root.parentElement?.remove()))
  bench = null
}

/**
 * The same large chart drawn by both layouts one above the other (for screenshots), and how many device pixels of
 * the two canvases differ (at all, and by more than 64 in a channel: visibly).
 */
async function drawChartPair(options: BenchOptions & { theme: ChartTheme & { background: string } }) {
  const data = chartData(curves(options.methods, options.seeds, options.points), options.smoothing)
  document.body.style.background = options.theme.background
  document.head.append(Object.assign(document.createElement('style'), { textContent: uplotCss }))
  const charts = (['baseline', 'decimated'] as const).map((kind) => {
    const host = document.createElement('div')
    host.id = `chart-${kind}`
    host.style.cssText = `background:${options.theme.background};width:${options.width}px;padding:8px;display:inline-block`
    document.body.append(host)
    const chart = new BenchChart(kind, data, host, { width: options.width, height: options.height, theme: options.theme })
    chart.setData(data)
    return chart
  })
  await frame()
  const pixels = charts.map((c) => c.u.ctx.getImageData(0, 0, c.u.ctx.canvas.width, c.u.ctx.canvas.height).data)
  let differ = 0
  let visible = 0
  // where they differ visibly, red on the decimated chart's pixels faded to a tenth
  const canvas = Object.assign(document.createElement('canvas'), { id: 'chart-diff', width: charts[1].u.ctx.canvas.width, height: charts[1].u.ctx.canvas.height })
  canvas.style.cssText = `width:${canvas.width / devicePixelRatio}px;background:#fff;display:block`
  const diff = new ImageData(canvas.width, canvas.height)
  for (let p = 0; p < pixels[0].length; p += 4) {
    let most = 0
    for (let k = 0; k < 4; k++) most = Math.max(most, Math.abs(pixels[0][p + k] - pixels[1][p + k]))
    if (most > 0) differ++
    if (most > 64) visible++
    diff.data.set(most > 64 ? [255, 0, 0, 255] : [pixels[1][p], pixels[1][p + 1], pixels[1][p + 2], pixels[1][p + 3] / 10], p)
  }
  canvas.getContext('2d')!.putImageData(diff, 0, 0)
  document.body.append(canvas)
  return { pixels: pixels[0].length / 4, differ, visible, cells: charts.map((c) => c.table.xs.length * c.table.columns.length) }
}

Object.assign(window, { setupBench, benchRedraws, benchRaster, benchLive, benchLiveBuild, benchZooms, teardownBench, drawChartPair })
