/**
 * The bold lines of a chart (the 2.5 px mean of each method), drawn as uPlot would draw them but about ten times
 * cheaper. uPlot strokes a line as one path with round joins (no option changes them); a decimated dense line turns
 * back at almost every point (each pixel column is entered, drawn to its lowest and highest point and left), and the
 * rasteriser's stroke of such a path, thick and crossing itself in every column, cost ~170 ms of a 100,000-point
 * redraw in Chromium, ten times the thin lines (bench:chart; src/renderer/README.md "Charts").
 *
 * A round-joined stroke of width w is the union of its segments each drawn as a capsule (a w-wide band with a
 * half-disc at both ends). In a pixel column the line's points share one x (after uPlot's rounding), so the capsules
 * of the segments inside the column make one vertical capsule from its lowest to its highest point; the segments
 * between columns run from a column's last point to the next column's first. So the same union is drawn by two cheap
 * strokes: (1) per column a vertical segment lowest → highest with round caps (a disc for a column of one point), and
 * (2) one polyline through each column's first and last point with bevel joins: its joins and its in-column pieces
 * lie inside the capsules of (1), so only its between-column bands add to them. The pixels differ from uPlot's own
 * stroke only by anti-aliasing where the two strokes overlap (bench:chart --screenshots compares them).
 *
 * The positions are uPlot's: its paths callback gets the series' visible range, and x and y are rounded to device
 * pixels as its linear builder rounds them. uPlot is given no path to stroke; its drawSeries hook, fired right after
 * the series' turn, strokes the two paths, so the drawing order (bands, seeds, means, method after method) is kept.
 */
import type uPlot from 'uplot'

/** Lines at least this wide (CSS px) are drawn here; thin ones stay uPlot's (a 1 px stroke is a cheap hairline). */
export const BOLD_WIDTH = 2

export interface BoldLines {
  /** uPlot's `paths` for a bold series: builds its two paths and gives uPlot none to stroke. */
  paths: uPlot.Series.PathBuilder
  /** uPlot's drawSeries hook: strokes series i's paths. */
  drawSeries: (u: uPlot, i: number) => void
}

interface ColumnPaths {
  /** Lowest → highest point of every pixel column (round caps). */
  columns: Path2D
  /** Each column's first and last point, column after column (bevel joins). */
  between: Path2D
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

function columnPaths(columns: readonly PixelColumn[]): ColumnPaths {
  const spans = new Path2D()
  const between = new Path2D()
  columns.forEach((c, k) => {
    spans.moveTo(c.x, c.low)
    spans.lineTo(c.x, c.high)
    if (k === 0) between.moveTo(c.x, c.first)
    else between.lineTo(c.x, c.first)
    if (c.last !== c.first) between.lineTo(c.x, c.last)
  })
  return { columns: spans, between }
}

export function boldLines(): BoldLines {
  const kept = new Map<number, ColumnPaths>()
  return {
    paths: (u, i, i0, i1) => {
      const xs = u.data[0]
      const ys = u.data[i]
      const px = new Float64Array(i1 - i0 + 1)
      const py = new Float64Array(i1 - i0 + 1)
      let n = 0
      for (let j = i0; j <= i1; j++) {
        const v = ys[j]
        if (v === null || v === undefined || !Number.isFinite(v)) continue // spanGaps: drawn across
        px[n] = Math.round(u.valToPos(xs[j], 'x', true))
        py[n++] = Math.round(u.valToPos(v, 'y', true))
      }
      kept.set(i, columnPaths(pixelColumns(px, py, n)))
      return null
    },
    drawSeries: (u, i) => {
      const paths = kept.get(i)
      const series = u.series[i]
      if (!paths || !series.show) return
      const ctx = u.ctx
      const width = Math.round((series.width ?? 1) * (window.devicePixelRatio || 1) * 1000) / 1000
      // uPlot's clip to the plot plus half a line width, and its shift of odd widths onto the pixel grid
      const { left, top, width: w, height: h } = u.bbox
      ctx.save()
      ctx.beginPath()
      ctx.rect(left - width / 2, top - width / 2, w + width, h + width)
      ctx.clip()
      ctx.translate((width % 2) / 2, (width % 2) / 2)
      ctx.lineWidth = width
      ctx.setLineDash([])
      ctx.strokeStyle = typeof series.stroke === 'function' ? (series.stroke(u, i) as string) : (series.stroke as string)
      ctx.lineCap = 'round'
      ctx.stroke(paths.columns)
      ctx.lineCap = 'butt'
      ctx.lineJoin = 'bevel'
      ctx.stroke(paths.between)
      ctx.restore()
    },
  }
}
