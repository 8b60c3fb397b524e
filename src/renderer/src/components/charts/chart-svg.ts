/**
 * A chart as a standalone SVG document: the "SVG" export of each chart and the charts of the HTML report. It draws
 * the same data as the canvas chart (loss-chart-data.ts) without a browser: axes with ticks (powers of ten on log
 * axes), the bands, every line, the target lines and the crossing markers, and a legend. Lines are reduced to at most
 * four points per pixel column (first, lowest, highest, last: shared/metrics/decimate.ts, as on the canvas), so a
 * 100,000-point series stays a small file that looks the same (W&B's SVG exports are too big to use, docs/product/anchors.md §1.6 point 6).
 */
import { decimateLine, type ColumnGrid } from '../../../../shared/metrics/decimate'
import { escapeXml, ticks } from '../../../../shared/metrics/svg-axis'
import type { ChartLine, LossChartData } from './loss-chart-data'

export interface SvgChartOptions {
  title: string
  xLabel: string
  yLabel: string
  logX: boolean
  logY: boolean
  width?: number
  height?: number
  formatX?: (x: number) => string
  formatY?: (y: number) => string
  /** Text and axis colours (the export follows the theme it was made in). */
  ink?: string
  muted?: string
  background?: string
}

const defaultFormat = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))))

function extent(values: Iterable<number | null>, log: boolean): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (lo === Infinity) return log ? [1, 10] : [0, 1]
  if (lo === hi) return log ? [lo / 2, hi * 2] : [lo - 1, hi + 1]
  return [lo, hi]
}

let clipCounter = 0

export function lossChartSvg(data: LossChartData, options: SvgChartOptions): string {
  const width = options.width ?? 800
  const height = options.height ?? 420
  const ink = options.ink ?? '#1d232b'
  const muted = options.muted ?? '#5b6573'
  const fx = options.formatX ?? defaultFormat
  const fy = options.formatY ?? defaultFormat
  const legendRows = data.series.filter((s) => s.role === 'mean')
  const plot = { left: 70, top: 36, right: width - 16, bottom: height - 56 - 18 * Math.ceil(legendRows.length / 3) }
  const [x0, x1] = extent(data.lines.flatMap((l) => l.x), options.logX)
  const [y0, y1] = extent([...data.lines.flatMap((l) => l.y), ...data.targets.map((t) => t.loss)], options.logY)
  const tx = options.logX ? Math.log10 : (v: number) => v
  const ty = options.logY ? Math.log10 : (v: number) => v
  const px = (x: number) => plot.left + ((tx(x) - tx(x0)) / (tx(x1) - tx(x0))) * (plot.right - plot.left)
  const py = (y: number) => plot.bottom - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (plot.bottom - plot.top)
  const drawable = (x: number, y: number | null): y is number => y !== null && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0)
  const f = (v: number) => v.toFixed(1)

  // unique per document: several charts share one HTML report
  const clip = `plot-${++clipCounter}`
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`)
  parts.push(`<title>${escapeXml(options.title)}</title>`)
  if (options.background) parts.push(`<rect width="100%" height="100%" fill="${options.background}"/>`)
  parts.push(`<text x="${plot.left}" y="20" fill="${ink}" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`)
  // axes and ticks
  for (const t of ticks(x0, x1, options.logX)) {
    parts.push(`<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${plot.top}" y2="${plot.bottom}" stroke="${muted}" stroke-opacity="0.25"/>`)
    parts.push(`<text x="${f(px(t))}" y="${plot.bottom + 16}" fill="${muted}" text-anchor="middle">${escapeXml(fx(t))}</text>`)
  }
  for (const t of ticks(y0, y1, options.logY)) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="${muted}" stroke-opacity="0.25"/>`)
    parts.push(`<text x="${plot.left - 6}" y="${f(py(t) + 4)}" fill="${muted}" text-anchor="end">${escapeXml(fy(t))}</text>`)
  }
  parts.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="${muted}"/>`)
  parts.push(`<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 34}" fill="${ink}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`)
  parts.push(`<text transform="translate(16 ${(plot.top + plot.bottom) / 2}) rotate(-90)" fill="${ink}" text-anchor="middle">${escapeXml(options.yLabel)}</text>`)
  parts.push(`<clipPath id="${clip}"><rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}"/></clipPath><g clip-path="url(#${clip})">`)
  // bands: upper edge forwards, lower edge back
  for (const band of data.bands) {
    const points = (line: ChartLine) => line.x.map((x, j) => [x, line.y[j]] as const).filter(([x, y]) => drawable(x, y))
    const upper = points(data.lines[band.upper])
    const lower = points(data.lines[band.lower]).reverse()
    if (upper.length < 2) continue
    const d = [...upper, ...lower].map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${f(px(x))} ${f(py(y as number))}`).join('')
    parts.push(`<path d="${d}Z" fill="${band.fill}" stroke="none"/>`)
  }
  data.series.forEach((s, i) => {
    if (s.role === 'band-high' || s.role === 'band-low') return
    const d = decimatedPath(data.lines[i], { min: x0, max: x1, width: Math.round(plot.right - plot.left), log: options.logX }, px, py, drawable)
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}" stroke-linejoin="round"><title>${escapeXml(s.label)}</title></path>`)
  })
  for (const t of data.targets) {
    if (!drawable(x0, t.loss)) continue
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${f(py(t.loss))}" y2="${f(py(t.loss))}" stroke="${ink}" stroke-dasharray="6 4"/>`)
    parts.push(`<text x="${plot.right - 4}" y="${f(py(t.loss) - 4)}" fill="${ink}" text-anchor="end">${escapeXml(`${t.label} ${fy(t.loss)}`)}</text>`)
  }
  for (const c of data.crossings) {
    if (!drawable(c.x, c.loss)) continue
    parts.push(`<circle cx="${f(px(c.x))}" cy="${f(py(c.loss))}" r="5" fill="${c.color}" stroke="${ink}"><title>${escapeXml(`${c.method} reaches ${c.target} at ${fx(c.x)}`)}</title></circle>`)
  }
  parts.push('</g>')
  legendRows.forEach((s, k) => {
    const lx = plot.left + (k % 3) * ((plot.right - plot.left) / 3)
    const ly = plot.bottom + 52 + 18 * Math.floor(k / 3)
    parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.stroke}" stroke-width="3"/>`)
    parts.push(`<text x="${lx + 26}" y="${ly}" fill="${ink}">${escapeXml(s.label)}</text>`)
  })
  parts.push('</svg>')
  return parts.join('\n')
}

/** A polyline through the drawable points, at most first/lowest/highest/last per pixel column; undrawable points break it. */
function decimatedPath(line: ChartLine, grid: ColumnGrid, px: (x: number) => number, py: (y: number) => number, drawable: (x: number, y: number | null) => y is number): string {
  const out: string[] = []
  let from = 0
  for (let i = 0; i <= line.x.length; i++) {
    const y = line.y[i]
    if (i < line.x.length && (y === null || drawable(line.x[i], y))) continue // null: no value there, the line spans it
    const kept = decimateLine(line.x.slice(from, i), line.y.slice(from, i), grid)
    kept.indices.forEach((k, n) => out.push(`${n === 0 ? 'M' : 'L'}${px(line.x[from + k]).toFixed(1)} ${py(line.y[from + k] as number).toFixed(1)}`))
    from = i + 1
  }
  return out.join('')
}
