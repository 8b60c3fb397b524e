/**
 * uPlot's `paths` for the chart's thin lines (seeds and raw series, 1 px): the same polyline uPlot's linear builder
 * strokes, through the series' device-pixel points (pixel-lines.ts), built without its per-cell work. uPlot still
 * strokes it (style, width, clip to the plot and drawing order are its own).
 */
import type uPlot from 'uplot'
import { pixelLine, tracePixelLine } from './pixel-lines'

export const thinLinePaths: uPlot.Series.PathBuilder = (u, i, i0, i1) => {
  const stroke = new Path2D()
  tracePixelLine(stroke, pixelLine(u, i, i0, i1))
  return { stroke, fill: null, clip: null, band: null, flags: 0 }
}
