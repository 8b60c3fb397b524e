/**
 * The growth benchmark's chart (issue 14: "a chart of loss against FLOPs for every method; an SVG until the studio's
 * report exists"): validation loss against cumulative FLOPs, one line per method (the mean over seeds at each
 * evaluation, shared/metrics/seed-stats.ts meanCurve, of the points shared/metrics/run-points.ts makes from each run's
 * metrics log and its grown model's start), the source model's loss and scratch's final loss as dashed lines.
 * Standalone: the renderer's chart code (uPlot, its SVG export) stays in the renderer.
 */
import { loadSeries, type ExperimentRecord } from '../src/engine/experiments/compare'
import { runPoints } from '../src/shared/metrics/run-points'
import { meanCurve } from '../src/shared/metrics/seed-stats'
import { escapeXml, ticks } from '../src/shared/metrics/svg-axis'

/** Okabe & Ito's colour-blind-safe colours; past eight, dashes tell the methods apart. */
const COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#999999', '#F0E442']
const DASHES = ['', '6 3', '2 3']

export interface MethodCurve {
  method: string
  /** Mean over seeds at each evaluation (the seeds share the evaluation steps). */
  flops: number[]
  loss: number[]
  seeds: number
}

/** Every finished method's mean curve, scratch first. */
export function methodCurves(record: ExperimentRecord): MethodCurve[] {
  const series = loadSeries(record)
  const methods = [...new Set(series.map((s) => s.method))].sort((a, b) => Number(b === 'scratch') - Number(a === 'scratch'))
  return methods.map((method) => {
    const runs = series.filter((s) => s.method === method).map((s) => runPoints(s.records, s.initial).filter((p) => p.valLoss !== null))
    const x = meanCurve(runs.map((r) => r.map((p) => p.flops))).mean
    const y = meanCurve(runs.map((r) => r.map((p) => p.valLoss))).mean
    const keep = x.map((_, i) => i).filter((i) => x[i] !== null && y[i] !== null)
    return { method, flops: keep.map((i) => x[i]!), loss: keep.map((i) => y[i]!), seeds: runs.length }
  })
}

/**
 * The SVG. The y range runs from the lowest loss to a little above the source's loss and scratch's final loss, so the
 * part where the methods differ fills the plot (a random init's first losses are far above and are clipped).
 */
export function lossFlopsSvg(curves: readonly MethodCurve[], options: { title: string; sourceLoss: number; scratchFinal: number; width?: number; height?: number }): string {
  const width = options.width ?? 820
  const height = options.height ?? 460
  const legendRows = Math.ceil(curves.length / 3)
  const plot = { left: 64, top: 34, right: width - 16, bottom: height - 48 - 16 * legendRows }
  const all = curves.flatMap((c) => c.loss)
  const lo = Math.min(...all, options.scratchFinal)
  const hi = Math.max(options.sourceLoss + 1.5 * Math.max(options.sourceLoss - lo, 0.05), options.scratchFinal + 0.5 * (options.scratchFinal - lo))
  const xMax = Math.max(...curves.flatMap((c) => c.flops), 1)
  const px = (x: number) => plot.left + (x / xMax) * (plot.right - plot.left)
  const py = (y: number) => plot.bottom - ((y - lo) / (hi - lo)) * (plot.bottom - plot.top)
  const f = (v: number) => v.toFixed(1)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot"><rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}"/></clipPath></defs>`,
    `<text x="${plot.left}" y="20" font-size="14" fill="#1d232b">${escapeXml(options.title)}</text>`,
  ]
  for (const t of ticks(0, xMax, false, 6))
    out.push(`<line x1="${f(px(t))}" y1="${plot.bottom}" x2="${f(px(t))}" y2="${plot.bottom + 4}" stroke="#5b6573"/>`, `<text x="${f(px(t))}" y="${plot.bottom + 16}" text-anchor="middle" fill="#5b6573">${t === 0 ? '0' : t.toExponential(1)}</text>`)
  for (const t of ticks(lo, hi, false, 6))
    out.push(`<line x1="${plot.left}" y1="${f(py(t))}" x2="${plot.right}" y2="${f(py(t))}" stroke="#e3e6ea"/>`, `<text x="${plot.left - 6}" y="${f(py(t) + 4)}" text-anchor="end" fill="#5b6573">${t.toFixed(2)}</text>`)
  out.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#5b6573"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 32}" text-anchor="middle" fill="#1d232b">FLOPs (growth phase included)</text>`,
    `<text transform="translate(16 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#1d232b">validation loss</text>`,
  )
  const target = (y: number, label: string, dash: string) =>
    out.push(`<line x1="${plot.left}" y1="${f(py(y))}" x2="${plot.right}" y2="${f(py(y))}" stroke="#1d232b" stroke-dasharray="${dash}"/>`, `<text x="${plot.right - 4}" y="${f(py(y) - 4)}" text-anchor="end" fill="#1d232b">${escapeXml(label)}</text>`)
  target(options.sourceLoss, `source ${options.sourceLoss.toFixed(3)}`, '8 4')
  target(options.scratchFinal, `scratch final ${options.scratchFinal.toFixed(3)}`, '2 4')
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length]
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length]
    const points = c.flops.map((x, k) => `${f(px(x))},${f(py(c.loss[k]))}`).join(' ')
    out.push(`<polyline clip-path="url(#plot)" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points}"><title>${escapeXml(c.method)}</title></polyline>`)
    const lx = plot.left + (i % 3) * 250
    const ly = plot.bottom + 48 + Math.floor(i / 3) * 16
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`, `<text x="${lx + 28}" y="${ly}" fill="#1d232b">${escapeXml(`${c.method} (${c.seeds} seed${c.seeds === 1 ? '' : 's'})`)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}
