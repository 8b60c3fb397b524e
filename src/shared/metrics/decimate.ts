/**
 * Min/max decimation of a line per pixel column (M4: the first, lowest, highest and last point of each column), so a
 * chart draws a few points per column instead of every point and looks the same: a canvas rasterises every point of
 * a column on that column's pixel, and what it shows there is the vertical extent (lowest to highest) joined to the
 * neighbours through the column's first and last points. The kept points are real points (index into the caller's
 * arrays), so values, hover read-outs and exports stay exact.
 *
 * Columns follow the chart's rounding: the chart maps x to a device pixel position p = width · (t(x) − t(min)) /
 * (t(max) − t(min)) (t = log10 on a log axis) and draws the point at round(p), so column k holds the points drawn on
 * pixel k, for k in 0..width. Points left or right of the view are not drawn, but the nearest one on each side is
 * kept so the line still enters and leaves the plot.
 *
 * Appending (a live run logs a point per second) updates only the columns the new points fall in: for a line whose x
 * only grows (steps, FLOPs, seconds, joules are cumulative) that is the last column or a new one.
 */

/** The x range of a chart and its width in device pixels. */
export interface ColumnGrid {
  min: number
  max: number
  /** Plot width in device pixels; columns are 0..width. */
  width: number
  log: boolean
}

export interface Decimation {
  /** Kept point indices in increasing order (each column's first, lowest, highest, last without repeats). */
  indices: number[]
  /** Column of each kept index (same length as indices). */
  columns: number[]
  /** The last point left of the view and the first right of it (by index), or null: they carry the line to the edges. */
  before: number | null
  after: number | null
}

const NONE = -1

/** Scale transform of the axis (uPlot's distr 3 is log10). */
const transform = (log: boolean) => (log ? Math.log10 : (x: number) => x)

/** The pixel column of x on the grid: < 0 left of the view, > width right of it, NaN when it cannot be drawn. */
export function columnOf(grid: ColumnGrid, x: number): number {
  const t = transform(grid.log)
  if (!Number.isFinite(x) || (grid.log && !(x > 0))) return NaN
  const t0 = t(grid.min)
  const span = t(grid.max) - t0
  if (!(span > 0)) return x < grid.min ? -1 : x > grid.max ? grid.width + 1 : 0
  // the same arithmetic as ColumnDecimator's loop, so both place a point on the same column
  return Math.round((t(x) - t0) * (grid.width / span))
}

/** The x value drawn at device pixel position `position` of the grid (the inverse of columnOf before rounding). */
export function xAtPosition(grid: ColumnGrid, position: number): number {
  const t = transform(grid.log)
  const t0 = t(grid.min)
  const tx = t0 + ((t(grid.max) - t0) * position) / (grid.width || 1)
  return grid.log ? 10 ** tx : tx
}

/**
 * An M4 decimation of one line on a fixed grid that can grow as points are appended. Per column it holds the indices
 * of the first, lowest, highest and last point (typed arrays of width + 1 entries); append() looks at new points only.
 */
export class ColumnDecimator {
  readonly grid: ColumnGrid
  /** Points looked at so far (the line's length at the last append). */
  length = 0
  private readonly first: Int32Array
  private readonly low: Int32Array
  private readonly high: Int32Array
  private readonly last: Int32Array
  private before = NONE
  private after = NONE
  /** columnOf(grid, x) = round((t(x) − origin) · scale), with the grid's constants computed once (the hot loop). */
  private readonly origin: number
  private readonly scale: number

  constructor(grid: ColumnGrid) {
    this.grid = grid
    const t = transform(grid.log)
    this.origin = t(grid.min)
    const span = t(grid.max) - this.origin
    this.scale = span > 0 ? grid.width / span : NaN
    const n = Math.max(0, Math.floor(grid.width)) + 1
    this.first = new Int32Array(n).fill(NONE)
    this.low = new Int32Array(n).fill(NONE)
    this.high = new Int32Array(n).fill(NONE)
    this.last = new Int32Array(n).fill(NONE)
  }

  /** Takes in points [this.length, x.length) of the line; y null or not finite is a gap (not drawn). */
  append(x: ArrayLike<number>, y: ArrayLike<number | null>): void {
    const width = this.first.length - 1
    const { origin, scale, grid } = this
    const log = grid.log
    for (let i = this.length; i < x.length; i++) {
      const v = y[i]
      if (v === null || !Number.isFinite(v)) continue
      const xi = x[i]
      // columnOf(grid, xi), inlined
      const c = Number.isNaN(scale) || !Number.isFinite(xi) || (log && !(xi > 0)) ? columnOf(grid, xi) : Math.round(((log ? Math.log10(xi) : xi) - origin) * scale)
      if (Number.isNaN(c)) continue
      if (c < 0) {
        this.before = i
        continue
      }
      if (c > width) {
        if (this.after === NONE) this.after = i
        continue
      }
      if (this.first[c] === NONE) {
        this.first[c] = this.low[c] = this.high[c] = this.last[c] = i
        continue
      }
      this.last[c] = i
      if (v < (y[this.low[c]] as number)) this.low[c] = i
      if (v > (y[this.high[c]] as number)) this.high[c] = i
    }
    this.length = x.length
  }

  result(): Decimation {
    const indices: number[] = []
    const columns: number[] = []
    for (let c = 0; c < this.first.length; c++) {
      const first = this.first[c]
      if (first === NONE) continue
      // first <= low, high <= last: only the middle two may need swapping (no array per column: a live chart asks
      // for the result at every update)
      const a = Math.min(this.low[c], this.high[c])
      const b = Math.max(this.low[c], this.high[c])
      const last = this.last[c]
      indices.push(first), columns.push(c)
      if (a !== first) indices.push(a), columns.push(c)
      if (b !== a) indices.push(b), columns.push(c)
      if (last !== b) indices.push(last), columns.push(c)
    }
    // a line whose x goes back (not one of ours: x is cumulative) visits columns out of order: keep index order
    if (!isIncreasing(indices)) {
      const order = indices.map((_, k) => k).sort((a, b) => indices[a] - indices[b])
      const sorted = { indices: order.map((k) => indices[k]), columns: order.map((k) => columns[k]) }
      return { ...sorted, before: this.before === NONE ? null : this.before, after: this.after === NONE ? null : this.after }
    }
    return { indices, columns, before: this.before === NONE ? null : this.before, after: this.after === NONE ? null : this.after }
  }
}

function isIncreasing(values: readonly number[]): boolean {
  for (let k = 1; k < values.length; k++) if (values[k] <= values[k - 1]) return false
  return true
}

/** Decimates a whole line on the grid. */
export function decimateLine(x: ArrayLike<number>, y: ArrayLike<number | null>, grid: ColumnGrid): Decimation {
  const decimator = new ColumnDecimator(grid)
  decimator.append(x, y)
  return decimator.result()
}
