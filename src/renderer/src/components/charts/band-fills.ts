/**
 * The spread bands (mean ± spread of each method) filled as one polygon each: along the upper edge and back along the
 * lower one. uPlot fills a band as the upper edge's path closed down to the axis, clipped by a copy of the lower
 * edge's path closed up to the top; with the upper edge never below the lower one (mean + spread, mean − spread)
 * that is the same region, without the two path copies and the clip (bench:chart; src/renderer/README.md "Charts").
 *
 * The edges' paths are built from their device-pixel points (pixel-lines.ts), each pixel column's first and last
 * (the turns between are vertical and enclose nothing), and give uPlot nothing to stroke (they are transparent); the fill is drawn in the upper edge's drawSeries hook, where uPlot fills a band, so the drawing
 * order is kept. Series indices here are uPlot's (data series i is uPlot series i + 1).
 */
import type uPlot from 'uplot'
import { pixelLine, tracePixelLine, type PixelLine } from './pixel-lines'

export interface Band {
  upper: number
  lower: number
  fill: string
}

export interface BandFills {
  /** uPlot's `paths` for a band edge: keeps its points, gives uPlot no path. */
  paths: uPlot.Series.PathBuilder
  /** uPlot's drawSeries hook: fills the band whose upper edge is series i. */
  drawSeries: (u: uPlot, i: number) => void
}

export function bandFills(bands: readonly Band[]): BandFills {
  const edges = new Map<number, PixelLine>()
  return {
    paths: (u, i, i0, i1) => {
      edges.set(i, pixelLine(u, i, i0, i1, false))
      return null
    },
    drawSeries: (u, i) => {
      const band = bands.find((b) => b.upper === i)
      const upper = edges.get(i)
      const lower = band && edges.get(band.lower)
      if (!band || !upper || !lower || !u.series[band.lower].show || upper.count === 0 || lower.count === 0) return
      const polygon = new Path2D()
      tracePixelLine(polygon, upper)
      tracePixelLine(polygon, lower, true)
      polygon.closePath()
      const ctx = u.ctx
      const { left, top, width, height } = u.bbox
      ctx.save()
      ctx.beginPath()
      ctx.rect(left, top, width, height)
      ctx.clip()
      ctx.fillStyle = band.fill
      ctx.fill(polygon)
      ctx.restore()
    },
  }
}
