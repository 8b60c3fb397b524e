/**
 * uPlot options for a chart of LossChartData (loss-chart-data.ts), drawn from its decimated table
 * (decimated-chart.ts): series styles, the spread bands, log scales, drag-to-zoom on x (double-click or "Reset zoom"
 * undoes it; the caller re-decimates for the new range), and a draw hook for the target lines and crossing markers.
 * The series' paths are the chart's own (thin-lines.ts, band-fills.ts, bold-lines.ts: the same picture for a fraction
 * of uPlot's cost on the decimated table); uPlot keeps the scales, axes, grid, cursor and drawing order.
 * The same options serve the live chart (UplotCanvas.vue) and the redraw benchmark (bench/chart.ts).
 */
import type uPlot from 'uplot'
import { bandFills } from './band-fills'
import { BOLD_WIDTH, boldLines } from './bold-lines'
import type { AlignedColumns, XRange } from './decimated-chart'
import type { LossChartData } from './loss-chart-data'
import { thinLinePaths } from './thin-lines'

export interface ChartTheme {
  ink: string
  muted: string
  grid: string
}

export interface UplotChartOptions {
  width: number
  height: number
  logX: boolean
  logY: boolean
  theme: ChartTheme
  formatX: (x: number) => string
  formatY: (y: number) => string
  /** Called with the x value under the cursor (null when it leaves the plot) for the hover read-out. */
  onCursor?: (x: number | null) => void
  /** The user dragged out a new x range (uPlot sets the scale next; the caller re-decimates for it). */
  onZoom?: (range: XRange) => void
  /** Double-click: back to the whole data. */
  onResetZoom?: () => void
  /** The data drawn now: live updates replace the data without rebuilding the chart, so the hook asks each time. */
  latest?: () => LossChartData
  /** uPlot builds and draws every series itself (its linear paths, band clips and round joins): the previous
   *  picture, which bench:chart measures against. */
  uplotPaths?: boolean
}

export function uplotData(table: AlignedColumns): uPlot.AlignedData {
  return [table.xs, ...table.columns] as uPlot.AlignedData
}

export function uplotOptions(data: LossChartData, options: UplotChartOptions): uPlot.Options {
  const { theme } = options
  const own = !options.uplotPaths
  const bold = boldLines()
  const bandSeries = data.bands.map((b) => ({ upper: b.upper + 1, lower: b.lower + 1, fill: b.fill }))
  const bands = bandFills(bandSeries)
  const pathsOf = (s: LossChartData['series'][number]): uPlot.Series.PathBuilder =>
    s.width >= BOLD_WIDTH ? bold.paths : s.role === 'band-high' || s.role === 'band-low' ? bands.paths : thinLinePaths
  const axis = (format: (v: number) => string): uPlot.Axis => ({
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    values: (_u, values) => values.map((v) => (v === null ? '' : format(v))),
  })
  return {
    width: options.width,
    height: options.height,
    legend: { show: false },
    cursor: {
      drag: { x: true, y: false, setScale: true },
      points: { show: false },
      // uPlot's double-click would fit the decimated table (which holds the points just outside a zoom)
      bind: { dblclick: () => () => (options.onResetZoom?.(), null) },
    },
    scales: {
      x: { time: false, distr: options.logX ? 3 : 1 },
      y: { distr: options.logY ? 3 : 1 },
    },
    axes: [axis(options.formatX), { ...axis(options.formatY), size: 60 }],
    series: [
      {},
      ...data.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.stroke,
          width: s.width,
          spanGaps: true,
          points: { show: false },
          ...(own ? { paths: pathsOf(s) } : {}),
        }),
      ),
    ],
    // uPlot's own band fill clips with copies of the edges' paths; band-fills.ts fills the same region directly
    bands: own ? [] : bandSeries.map((b) => ({ series: [b.upper, b.lower], fill: b.fill })),
    hooks: {
      drawSeries: own ? [bands.drawSeries, bold.drawSeries] : [],
      draw: [(u) => drawTargets(u, options.latest?.() ?? data, theme, options.formatY)],
      setCursor: [(u) => options.onCursor?.(u.cursor.left === undefined || u.cursor.left < 0 ? null : u.posToVal(u.cursor.left, 'x'))],
      setSelect: [(u) => u.select.width > 0 && options.onZoom?.({ min: u.posToVal(u.select.left, 'x'), max: u.posToVal(u.select.left + u.select.width, 'x') })],
    },
  }
}

/** Dashed horizontal line per target with its label; a ringed dot where each method first reaches it. */
function drawTargets(u: uPlot, data: LossChartData, theme: ChartTheme, formatY: (y: number) => string): void {
  const ctx = u.ctx
  const { left, top, width, height } = u.bbox
  const ratio = window.devicePixelRatio || 1
  ctx.save()
  ctx.beginPath()
  ctx.rect(left, top, width, height)
  ctx.clip()
  ctx.font = `${12 * ratio}px system-ui, sans-serif`
  ctx.fillStyle = theme.ink
  ctx.strokeStyle = theme.ink
  ctx.lineWidth = ratio
  ctx.textAlign = 'right'
  for (const target of data.targets) {
    const y = u.valToPos(target.loss, 'y', true)
    ctx.setLineDash([6 * ratio, 4 * ratio])
    ctx.beginPath()
    ctx.moveTo(left, y)
    ctx.lineTo(left + width, y)
    ctx.stroke()
    ctx.fillText(`${target.label} ${formatY(target.loss)}`, left + width - 4 * ratio, y - 4 * ratio)
  }
  ctx.setLineDash([])
  for (const c of data.crossings) {
    const x = u.valToPos(c.x, 'x', true)
    const y = u.valToPos(c.loss, 'y', true)
    ctx.beginPath()
    ctx.arc(x, y, 5 * ratio, 0, 2 * Math.PI)
    ctx.fillStyle = c.color
    ctx.fill()
    ctx.stroke()
  }
  ctx.restore()
}
