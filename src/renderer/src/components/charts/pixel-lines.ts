/**
 * A series of the chart's table (decimated-chart.ts) as the device-pixel points its path goes through, placed as
 * uPlot's linear paths place them (valToPos in canvas pixels, rounded to whole pixels: its default pxAlign 1). The
 * chart's own path builders (thin-lines.ts, band-fills.ts, bold-lines.ts) start from these.
 *
 * Why not uPlot's builder: the table holds up to four rows per pixel column, fewer than the four points per pixel
 * from which uPlot merges a column itself, so it calls valToPos twice and lineTo once for every one of the ~90,000
 * cells of a 24-series chart, copies each band edge's path twice for its clips, and this was most of a
 * 100,000-point redraw's script time (bench:chart; src/renderer/README.md "Charts"). Here the x positions, which
 * every series shares, are computed once per redraw, and a point on the same pixel as the one before it is dropped
 * (a zero-length segment draws nothing). The points are written into arrays kept per chart and series, valid until
 * the series' next redraw.
 */
import type uPlot from 'uplot'

/** A line's points in device pixels, in drawing order: (x[j], y[j]) for j < count (the arrays may be longer). */
export interface PixelLine {
  x: Float64Array
  y: Float64Array
  count: number
}

/**
 * Float64Arrays kept from one redraw to the next, by name: writing into a freshly allocated typed array of a few
 * thousand entries costs several times more than the computation that fills it (the first touch of new memory; in
 * Chromium it was most of a path's build time, bench:chart), so each builder refills its own arrays.
 */
export class ScratchArrays {
  private readonly arrays = new Map<string, Float64Array>()

  /** An array of at least `length` entries under `name` (its contents are whatever was left there). */
  get(name: string, length: number): Float64Array {
    let array = this.arrays.get(name)
    if (!array || array.length < length) this.arrays.set(name, (array = new Float64Array(Math.ceil(length * 1.25))))
    return array
  }
}

interface RowPositions {
  xs: uPlot.AlignedData[0]
  min: number
  max: number
  left: number
  width: number
  px: Float64Array
}

/** The table's x column in device pixels, per chart: one computation per redraw serves every series. */
const rowPositions = new WeakMap<uPlot, RowPositions>()
/** Each chart's arrays for its series' points. */
const scratchOf = new WeakMap<uPlot, ScratchArrays>()

function positionsOf(u: uPlot): Float64Array {
  const xs = u.data[0]
  const { min = NaN, max = NaN } = u.scales.x
  const { left, width } = u.bbox
  const kept = rowPositions.get(u)
  if (kept && kept.xs === xs && kept.min === min && kept.max === max && kept.left === left && kept.width === width) return kept.px
  const px = kept?.px.length === xs.length ? kept.px : new Float64Array(xs.length)
  const valToPos = u.valToPos // unbound, as uPlot itself uses it: a lookup on the chart object per point is slow
  for (let j = 0; j < xs.length; j++) px[j] = Math.round(valToPos(xs[j], 'x', true))
  rowPositions.set(u, { xs, min, max, left, width, px })
  return px
}

/**
 * The y scale's value -> canvas pixel map: on a linear scale (uPlot's distr 1) an affine map read off valToPos
 * once, which the loop evaluates inline; on a log scale valToPos itself.
 */
function yPosition(u: uPlot) {
  const valToPos = u.valToPos // unbound, as uPlot itself uses it: a lookup on the chart object per point is slow
  const linear = u.scales.y.distr === 1
  const at0 = linear ? valToPos(0, 'y', true) : 0
  return { valToPos, linear, at0, perUnit: linear ? valToPos(1, 'y', true) - at0 : 0 }
}

/**
 * Series i's drawable points between rows i0 and i1 (uPlot's visible range); null cells are drawn across. With
 * `turns` false only each pixel column's first and last point are kept: what a fill bounded by the line covers (its
 * turns inside a column are vertical, there and back, and enclose nothing).
 */
export function pixelLine(u: uPlot, i: number, i0: number, i1: number, turns = true): PixelLine {
  const px = positionsOf(u)
  const ys = u.data[i]
  const toY = yPosition(u)
  const size = Math.max(0, i1 - i0 + 1)
  let scratch = scratchOf.get(u)
  if (!scratch) scratchOf.set(u, (scratch = new ScratchArrays()))
  const x = scratch.get(`${i} x`, size)
  const y = scratch.get(`${i} y`, size)
  let count = 0
  for (let j = i0; j <= i1; j++) {
    const v = ys[j]
    if (v === null || v === undefined || !Number.isFinite(v)) continue
    const py = Math.round(toY.linear ? toY.at0 + toY.perUnit * v : toY.valToPos(v, 'y', true))
    if (!(py > -Infinity && py < Infinity)) continue // a value a log scale cannot place (<= 0)
    if (count > 0 && x[count - 1] === px[j] && y[count - 1] === py) continue
    if (!turns && count > 1 && x[count - 1] === px[j] && x[count - 2] === px[j]) {
      y[count - 1] = py // the column's last point so far replaces the one before
      continue
    }
    x[count] = px[j]
    y[count++] = py
  }
  return { x, y, count }
}

/**
 * The part of a line (x never going back) between x = from and x = to: points outside are dropped, and a segment
 * crossing a bound is cut there (a point on it at the bound). A zoomed chart keeps each line's nearest point outside
 * the view, which may lie any number of pixels away; what is drawn per pixel must not grow with that. Works in place:
 * the line's arrays are reused.
 */
export function clipX(line: PixelLine, from: number, to: number): PixelLine {
  const { x, y } = line
  let count = 0
  let px = NaN
  let py = NaN
  const cut = (at: number, cx: number, cy: number) => ((x[count] = at), (y[count++] = py + ((cy - py) * (at - px)) / (cx - px)))
  for (let j = 0; j < line.count; j++) {
    const cx = x[j]
    const cy = y[j]
    if (px < from && cx > from) cut(from, cx, cy) // entering from the left (written where points were already read)
    if (cx >= from && cx <= to) (x[count] = cx), (y[count++] = cy)
    if (cx > to) {
      if (px < to) cut(to, cx, cy)
      break
    }
    px = cx
    py = cy
  }
  return { x, y, count }
}

/** Appends the line's points to a path (the first point starts it, as uPlot's lineTo on an empty path does). */
export function tracePixelLine(path: Path2D, line: PixelLine, reverse = false): void {
  for (let k = 0; k < line.count; k++) {
    const j = reverse ? line.count - 1 - k : k
    path.lineTo(line.x[j], line.y[j])
  }
}
