/**
 * What the canvas draws of a chart's lines (loss-chart-data.ts): each line decimated to the plot's device-pixel
 * columns (shared/metrics/decimate.ts), then laid out as the table uPlot draws (one shared x column, a column per
 * series). Issue 12 asks for 100,000 points redrawn in under 16 ms: a table over the union of every series' x
 * values (methods and seeds each have their own FLOPs or seconds) is series × union cells, nearly all empty, and
 * uPlot walks every cell at each redraw. After decimation each series has at most four points per pixel column, and
 * they share x values: column k's slots sit at device pixel positions k − 0.3 … k + 0.3, which the canvas rounds to
 * pixel k, where the point itself would be drawn. So the table is at most 4 × (width + 1) rows (plus one row per
 * series for the point just outside each edge of a zoomed view) and the picture is the same.
 *
 * The view (the x range decimated for) follows the data until the user zooms; a zoom or a resize re-decimates from
 * the full lines. A live run's update that only appends points to a line takes in the new points alone (they land in
 * the last column), and while the user's zoom is on it stays. When an unzoomed live chart outgrows its view, the view
 * grows by a quarter of its span at once, so the next appends again land in place instead of moving every column.
 */
import { ColumnDecimator, xAtPosition, type ColumnGrid, type Decimation } from '../../../../shared/metrics/decimate'
import type { ChartLine, LossChartData } from './loss-chart-data'

export interface XRange {
  min: number
  max: number
}

/** uPlot's aligned data: xs ascending, columns[i][j] = series i at xs[j] (null: nothing there, drawn across). */
export interface AlignedColumns {
  xs: number[]
  columns: Array<Array<number | null>>
}

/** Share of the span an unzoomed live chart adds on its right when the data outgrows it. */
const LIVE_HEADROOM = 0.25

/** Slot positions of column k (of `width`): k − 0.3 … k + 0.3 in steps of 0.1, inside [0, width] at both ends. */
const slotPosition = (column: number, slot: number, width: number) => column + 0.1 * slot - (0.3 * column) / (width || 1)

/** The x extent of the drawable points of every line (x > 0 on a log axis), or null when there is none. */
export function linesExtent(lines: readonly ChartLine[], log: boolean): XRange | null {
  let min = Infinity
  let max = -Infinity
  for (const line of lines) {
    for (let i = 0; i < line.x.length; i++) {
      const x = line.x[i]
      const y = line.y[i]
      if (y === null || !Number.isFinite(y) || !Number.isFinite(x) || (log && !(x > 0))) continue
      if (x < min) min = x
      if (x > max) max = x
    }
  }
  return min <= max ? { min, max } : null
}

/** A range with room: a single x value is widened (a zero span cannot be drawn). */
function drawable(range: XRange, log: boolean): XRange {
  if (range.max > range.min) return range
  return log ? { min: range.min / 2, max: range.max * 2 } : { min: range.min - 1, max: range.max + 1 }
}

/** True when `next` is `previous` with points appended (every old point unchanged). */
function extendsLine(previous: ChartLine, next: ChartLine): boolean {
  if (next.x.length < previous.x.length) return false
  if (next.x === previous.x && next.y === previous.y) return true
  for (let i = 0; i < previous.x.length; i++) if (next.x[i] !== previous.x[i] || next.y[i] !== previous.y[i]) return false
  return true
}

/** The table uPlot draws from each line's kept points. */
export function alignColumns(lines: readonly ChartLine[], kept: readonly Decimation[], grid: ColumnGrid): AlignedColumns {
  const width = Math.max(0, Math.floor(grid.width))
  // rows per column: the most points any line keeps there (each line's points of a column are consecutive: its
  // kept indices come column by column, or, for a line whose x goes back, are put in column order here)
  const order = kept.map((d, i) => {
    const byIndex = d.indices.map((_, k) => k)
    const sorted = d.columns.some((c, k) => k > 0 && c < d.columns[k - 1]) ? byIndex.sort((a, b) => d.columns[a] - d.columns[b]) : byIndex
    return middlesByValue(sorted, d, lines[i])
  })
  const rows = new Int32Array(width + 1)
  kept.forEach((d, i) => {
    let run = 0
    order[i].forEach((k, n) => {
      run = n > 0 && d.columns[order[i][n - 1]] === d.columns[k] ? run + 1 : 1
      if (run > rows[d.columns[k]]) rows[d.columns[k]] = run
    })
  })
  const outside = (pick: (d: Decimation) => number | null) =>
    kept
      .flatMap((d, i) => {
        const j = pick(d)
        return j === null ? [] : [{ i, x: lines[i].x[j], y: lines[i].y[j] }]
      })
      .sort((a, b) => a.x - b.x)
  const left = outside((d) => d.before)
  const right = outside((d) => d.after)
  const start = new Int32Array(width + 2)
  start[0] = left.length
  for (let c = 0; c <= width; c++) start[c + 1] = start[c] + rows[c]
  const total = start[width + 1] + right.length
  const xs: number[] = new Array(total)
  const columns: Array<Array<number | null>> = lines.map(() => new Array<number | null>(total).fill(null))
  left.forEach((p, r) => ((xs[r] = p.x), (columns[p.i][r] = p.y)))
  right.forEach((p, r) => ((xs[start[width + 1] + r] = p.x), (columns[p.i][start[width + 1] + r] = p.y)))
  for (let c = 0; c <= width; c++) for (let s = 0; s < rows[c]; s++) xs[start[c] + s] = xAtPosition(grid, slotPosition(c, s, width))
  kept.forEach((d, i) => {
    let run = 0
    order[i].forEach((k, n) => {
      const c = d.columns[k]
      run = n > 0 && d.columns[order[i][n - 1]] === c ? run + 1 : 0
      columns[i][start[c] + run] = lines[i].y[d.indices[k]]
    })
  })
  return { xs, columns }
}

/**
 * Within a column the line enters at its first point and leaves at its last; in between it is drawn lowest value
 * first, then highest, as uPlot draws a dense column itself (its linear paths' per-pixel accumulation), so the
 * pixels match those of the full line drawn by uPlot.
 */
function middlesByValue(order: number[], d: Decimation, line: ChartLine): number[] {
  const value = (k: number) => line.y[d.indices[order[k]]] as number
  for (let from = 0; from < order.length; ) {
    let to = from
    while (to + 1 < order.length && d.columns[order[to + 1]] === d.columns[order[from]]) to++
    // a column keeps at most four points (decimate.ts), so at most two in the middle: swapped in place, as a live
    // chart lays its table out at every update
    if (to - from === 3 && value(from + 1) > value(from + 2)) [order[from + 1], order[from + 2]] = [order[from + 2], order[from + 1]]
    from = to + 1
  }
  return order
}

/** The decimated table of a chart, kept across live updates, zooms and resizes. */
export class DecimatedChart {
  /** The x range decimated for (and shown); null before there is data. */
  view: XRange | null = null
  /** The user zoomed in: updates keep the view. */
  zoomed = false
  /** Points the decimators took in during the last update (a live append: the new points only). */
  examined = 0
  private data: LossChartData | null = null
  /** The lowest x of the data: a live update keeps it, a different axis or run does not. */
  private extentMin: number | null = null
  private decimators: ColumnDecimator[] = []
  private table: AlignedColumns = { xs: [], columns: [] }

  constructor(
    private readonly log: boolean,
    private width: number,
  ) {}

  /** New chart data: the live run's appends go to the last columns, and a zoom stays. */
  setData(data: LossChartData): AlignedColumns {
    const previous = this.data
    const extent = linesExtent(data.lines, this.log)
    const sameChart = previous !== null && sameLines(previous, data) && extent !== null && extent.min === this.extentMin
    this.extentMin = extent?.min ?? null
    let view = extent && drawable(extent, this.log)
    if (this.zoomed && this.view) view = this.view
    else if (sameChart && extent && this.view) view = extent.max <= this.view.max ? this.view : drawable(grown(extent, this.log), this.log)
    return this.layout(data, view)
  }

  /** The user's zoom to [min, max]: re-decimated from the full lines. */
  zoom(range: XRange): AlignedColumns {
    this.zoomed = true
    return this.layout(this.data, range)
  }

  resetZoom(): AlignedColumns {
    this.zoomed = false
    const extent = this.data && linesExtent(this.data.lines, this.log)
    return this.layout(this.data, extent && drawable(extent, this.log))
  }

  /** The plot's width in device pixels changed: new columns. */
  resize(width: number): AlignedColumns {
    if (Math.round(width) === Math.round(this.width)) return this.table
    this.width = width
    return this.layout(this.data, this.view)
  }

  /** Lays the data out on the view; a line decimated on the same grid before keeps its columns if it only grew. */
  private layout(data: LossChartData | null, view: XRange | null): AlignedColumns {
    const previous = this.data
    this.data = data
    this.examined = 0
    if (!data || !view) {
      this.view = view
      this.decimators = []
      this.table = { xs: [], columns: data?.lines.map(() => []) ?? [] }
      return this.table
    }
    const grid: ColumnGrid = { min: view.min, max: view.max, width: Math.max(1, Math.round(this.width)), log: this.log }
    const sameGrid = this.view !== null && this.view.min === view.min && this.view.max === view.max && this.decimators[0]?.grid.width === grid.width
    this.view = view
    this.decimators = data.lines.map((line, i) => {
      const old = this.decimators[i]
      const same = sameGrid && old && previous?.lines[i] && previous.series[i].label === data.series[i].label && extendsLine(previous.lines[i], line)
      const decimator = same ? old : new ColumnDecimator(grid)
      this.examined += line.x.length - decimator.length
      decimator.append(line.x, line.y)
      return decimator
    })
    this.table = alignColumns(data.lines, this.decimators.map((d) => d.result()), grid)
    return this.table
  }
}

/**
 * The same chart with more points (a live update), not another axis, loss, smoothing or run: the same series, and
 * each line still has its old first and last point where they were. Cheap: the view decision needs no more.
 */
function sameLines(a: LossChartData, b: LossChartData): boolean {
  if (a.series.length !== b.series.length || a.series.some((s, i) => s.label !== b.series[i].label)) return false
  return a.lines.every((old, i) => {
    const line = b.lines[i]
    const last = old.x.length - 1
    return last < 0 || (line.x.length > last && [0, last].every((j) => line.x[j] === old.x[j] && line.y[j] === old.y[j]))
  })
}

/** The view of an unzoomed live chart that outgrew its view: the extent plus headroom on the right (log: in decades). */
function grown(extent: XRange, log: boolean): XRange {
  if (!log) return { min: extent.min, max: extent.max + LIVE_HEADROOM * (extent.max - extent.min) }
  const [t0, t1] = [Math.log10(extent.min), Math.log10(extent.max)]
  return { min: extent.min, max: 10 ** (t1 + LIVE_HEADROOM * (t1 - t0)) }
}

/** The point of a line nearest to x (the hover read-out), or null when the line has none. */
export function nearestPoint(line: ChartLine, x: number): { x: number; y: number } | null {
  let best = -1
  for (let i = 0; i < line.x.length; i++) {
    const y = line.y[i]
    if (y === null || !Number.isFinite(y)) continue
    if (best < 0 || Math.abs(line.x[i] - x) < Math.abs(line.x[best] - x)) best = i
  }
  return best < 0 ? null : { x: line.x[best], y: line.y[best] as number }
}
