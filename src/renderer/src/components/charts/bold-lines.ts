/**
 * The bold lines of a chart (the 2.5 px mean of each method), drawn as uPlot would stroke them but filled as one
 * outline. uPlot strokes a line as one path with round joins (no option changes them); a decimated dense line turns
 * back at almost every point (each pixel column is entered, drawn to its lowest and highest point and left), and the
 * rasteriser's stroke of such a path, thick and crossing itself in every column, was the most expensive part of a
 * 100,000-point redraw in Chromium (bench:chart; src/renderer/README.md "Charts").
 *
 * A round-joined stroke of width w = 2r is the union of its segments each drawn as a capsule (the points within r of
 * the segment). In a pixel column the line's points share one x (after uPlot's rounding), so the capsules of the
 * segments inside the column make one vertical capsule from its lowest to its highest point; the segments between
 * columns run from a column's last point to the next column's first. The line never goes back in x, so the union's
 * cross-section at every x is one interval (the points of the line within r of that x form one connected piece, and
 * so do their discs): the stroke is the region between a top and a bottom outline. `outline` computes both at
 * SAMPLES_PER_PIXEL positions per device pixel, each the extreme of the capsules that reach it: a column's capsule
 * (a disc's height above its lowest point, below its highest) and a between-column segment's straight edges (the
 * segment moved by r along its normal). The line is then one filled polygon, along the top and back along the bottom,
 * which the rasteriser fills far faster than it strokes the turning path. The pixels differ from uPlot's own stroke
 * only by anti-aliasing (bench:chart --screenshots compares them).
 *
 * The positions are uPlot's (pixel-lines.ts). uPlot is given no path to stroke; its drawSeries hook, fired right after
 * the series' turn, fills the outline, so the drawing order (bands, seeds, means, method after method) is kept.
 */
import type uPlot from 'uplot'
import { clipX, pixelLine, ScratchArrays, tracePixelLine, type PixelLine } from './pixel-lines'

/** Lines at least this wide (CSS px) are drawn here; thin ones stay strokes (a 1 px stroke is a cheap hairline). */
export const BOLD_WIDTH = 2

/** Outline samples per device pixel: a disc of radius 1.25 px is then followed to within 0.01 px. */
export const SAMPLES_PER_PIXEL = 4

export interface BoldLines {
  /** uPlot's `paths` for a bold series: builds its outline and gives uPlot none to stroke. */
  paths: uPlot.Series.PathBuilder
  /** uPlot's drawSeries hook: fills series i's outline. */
  drawSeries: (u: uPlot, i: number) => void
}

/** A line's pixel columns: its points grouped by x (consecutive points at one x), with where it enters and leaves. */
export interface PixelColumn {
  x: number
  first: number
  last: number
  low: number
  high: number
}

/** The columns of a line whose points (in drawing order) are at device pixels (x[j], y[j]), j < count. */
export function pixelColumns(x: ArrayLike<number>, y: ArrayLike<number>, count: number): PixelColumn[] {
  const out: PixelColumn[] = []
  for (let j = 0; j < count; ) {
    const column = { x: x[j], first: y[j], last: y[j], low: y[j], high: y[j] }
    for (j++; j < count && x[j] === column.x; j++) {
      column.last = y[j]
      if (y[j] < column.low) column.low = y[j]
      if (y[j] > column.high) column.high = y[j]
    }
    out.push(column)
  }
  return out
}

/** The stroke's extent at sample positions x[m], m < count: from top[m] to bottom[m] (top <= bottom; y grows
 *  downwards; infinite where nothing is drawn). */
export interface Outline {
  x: Float64Array
  top: Float64Array
  bottom: Float64Array
  count: number
}

/**
 * The top and bottom of a round-joined, round-capped stroke of radius r along the columns (whole-pixel x, never
 * going back), sampled SAMPLES_PER_PIXEL times per pixel from r left of the first column to r right of the last.
 */
export function outline(columns: readonly PixelColumn[], radius: number, scratch = new ScratchArrays()): Outline {
  const S = SAMPLES_PER_PIXEL
  const reach = Math.floor(radius * S + 1e-9) // samples a column's disc reaches on each side
  const origin = columns.length > 0 ? columns[0].x - reach / S : 0
  const count = columns.length > 0 ? Math.round((columns[columns.length - 1].x - columns[0].x) * S) + 2 * reach + 1 : 0
  const x = scratch.get('outline x', count)
  const top = scratch.get('outline top', count).fill(Infinity, 0, count)
  const bottom = scratch.get('outline bottom', count).fill(-Infinity, 0, count)
  for (let m = 0; m < count; m++) x[m] = origin + m / S
  const disc = new Float64Array(reach + 1)
  for (let j = 0; j <= reach; j++) disc[j] = Math.sqrt(Math.max(0, radius * radius - (j / S) ** 2))
  for (let k = 0; k < columns.length; k++) {
    const c = columns[k]
    const centre = Math.round((c.x - origin) * S)
    for (let j = -reach; j <= reach; j++) {
      const m = centre + j
      const d = disc[j < 0 ? -j : j]
      if (c.low - d < top[m]) top[m] = c.low - d
      if (c.high + d > bottom[m]) bottom[m] = c.high + d
    }
    if (k === 0) continue
    // the segment from the previous column's last point to this column's first: its edges, r above and below it
    const p = columns[k - 1]
    const dx = c.x - p.x
    if (!(dx > 0)) continue // only for a line that goes back, which uPlot's sorted table never draws
    const dy = c.first - p.last
    const length = Math.sqrt(dx * dx + dy * dy)
    const slope = dy / dx
    const rise = (radius * length) / dx // the edges' vertical distance from the segment
    const shift = (radius * dy) / length // the top edge's horizontal shift (along the normal; the bottom's is −shift)
    const topTo = Math.min(count - 1, Math.floor((c.x + shift - origin) * S + 1e-9))
    for (let m = Math.max(0, Math.ceil((p.x + shift - origin) * S - 1e-9)); m <= topTo; m++) {
      const y = p.last + (x[m] - p.x) * slope - rise
      if (y < top[m]) top[m] = y
    }
    const bottomTo = Math.min(count - 1, Math.floor((c.x - shift - origin) * S + 1e-9))
    for (let m = Math.max(0, Math.ceil((p.x - shift - origin) * S - 1e-9)); m <= bottomTo; m++) {
      const y = p.last + (x[m] - p.x) * slope + rise
      if (y > bottom[m]) bottom[m] = y
    }
  }
  return { x, top, bottom, count }
}

/** Largest distance (device px, vertically) of a left-out outline sample from the polygon's edge: far below what
 *  anti-aliasing shows (a pixel's coverage changes by at most this share). */
export const OUTLINE_TOLERANCE = 0.05

/**
 * The outline as one polygon's corners: along the top, back along the bottom. A sample is left out where the edge
 * from the corner before to a later corner passes within OUTLINE_TOLERANCE of it (each corner bounds the slopes
 * that keep every sample since the last corner in reach), so straight and gently curved runs take few corners: the
 * rasteriser's and the path's cost grow with them.
 */
export function outlineCorners(o: Outline, scratch = new ScratchArrays()): PixelLine {
  const n = o.count
  const xs = o.x
  const x = scratch.get('corners x', 2 * n)
  const y = scratch.get('corners y', 2 * n)
  let count = 0
  for (const ys of [o.top, o.bottom]) {
    const backwards = ys === o.bottom
    let anchor = -1 // the last corner on this edge
    let previous = -1 // the last sample taken in since
    let low = -Infinity // the slopes from the anchor that pass every sample since within the tolerance
    let high = Infinity
    for (let k = 0; k < n; k++) {
      const m = backwards ? n - 1 - k : k
      const v = ys[m]
      if (!(v > -Infinity && v < Infinity)) continue
      if (anchor >= 0) {
        const slope = (v - ys[anchor]) / (xs[m] - xs[anchor])
        if (!(slope < low || slope > high) || previous === anchor) {
          const a = (v - OUTLINE_TOLERANCE - ys[anchor]) / (xs[m] - xs[anchor])
          const b = (v + OUTLINE_TOLERANCE - ys[anchor]) / (xs[m] - xs[anchor])
          low = Math.max(low, Math.min(a, b))
          high = Math.min(high, Math.max(a, b))
          previous = m
          continue
        }
        // this sample is out of reach: the last one taken in becomes a corner, and the anchor
        x[count] = xs[previous]
        y[count++] = ys[previous]
        anchor = previous
        const a = (v - OUTLINE_TOLERANCE - ys[anchor]) / (xs[m] - xs[anchor])
        const b = (v + OUTLINE_TOLERANCE - ys[anchor]) / (xs[m] - xs[anchor])
        low = Math.min(a, b)
        high = Math.max(a, b)
        previous = m
        continue
      }
      x[count] = xs[m]
      y[count++] = v
      anchor = previous = m
      low = -Infinity
      high = Infinity
    }
    if (previous !== anchor) {
      x[count] = xs[previous]
      y[count++] = ys[previous]
    }
  }
  return { x, y, count }
}

/** The polygon of the corners, closed. */
export function outlinePolygon(o: Outline, scratch = new ScratchArrays()): Path2D {
  const path = new Path2D()
  tracePixelLine(path, outlineCorners(o, scratch))
  path.closePath()
  return path
}

export function boldLines(): BoldLines {
  const kept = new Map<number, Path2D>()
  const scratch = new ScratchArrays() // each outline is made into a path before the next one is computed
  return {
    paths: (u, i, i0, i1) => {
      const radius = lineWidth(u, i) / 2
      // what can reach the plot (clipped at half a width outside it), so the outline's size follows the plot's
      const margin = Math.ceil(2 * radius) + 1
      const line = clipX(pixelLine(u, i, i0, i1), Math.floor(u.bbox.left) - margin, Math.ceil(u.bbox.left + u.bbox.width) + margin)
      kept.set(i, outlinePolygon(outline(pixelColumns(line.x, line.y, line.count), radius, scratch), scratch))
      return null
    },
    drawSeries: (u, i) => {
      const polygon = kept.get(i)
      const series = u.series[i]
      if (!polygon || !series.show) return
      const ctx = u.ctx
      const width = lineWidth(u, i)
      // uPlot's clip to the plot plus half a line width, and its shift of odd widths onto the pixel grid
      const { left, top, width: w, height: h } = u.bbox
      ctx.save()
      ctx.beginPath()
      ctx.rect(left - width / 2, top - width / 2, w + width, h + width)
      ctx.clip()
      ctx.translate((width % 2) / 2, (width % 2) / 2)
      ctx.fillStyle = typeof series.stroke === 'function' ? (series.stroke(u, i) as string) : (series.stroke as string)
      ctx.fill(polygon)
      ctx.restore()
    },
  }
}

/** The series' line width in device pixels, rounded as uPlot rounds it. */
function lineWidth(u: uPlot, i: number): number {
  return Math.round((u.series[i].width ?? 1) * (window.devicePixelRatio || 1) * 1000) / 1000
}
