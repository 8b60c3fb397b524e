/**
 * Pieces of a standalone SVG chart shared by the renderer's chart exports (renderer charts/chart-svg.ts) and the
 * benchmarks' charts (bench/growth-chart.ts), which cannot import renderer code.
 */

export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Tick values: 1-2-5 steps on linear axes, powers of ten on log axes. */
export function ticks(min: number, max: number, log: boolean, count = 6): number[] {
  if (!(max > min)) return [min]
  if (log) {
    const out: number[] = []
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) if (10 ** e >= min && 10 ** e <= max) out.push(10 ** e)
    return out.length >= 2 ? out : [min, max]
  }
  const raw = (max - min) / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!
  const out: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}
