/**
 * Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008; docs/product/anchors.md §1.5 point 9, §3 point 15),
 * without black, which is the axes' colour. Methods keep their colour across charts: scratch is always the first.
 */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'] as const

/** Colours by method, in the order the methods are given (scratch first when present). */
export function methodColors(methods: readonly string[]): Map<string, string> {
  const ordered = [...new Set(methods)].sort((a, b) => Number(b === 'scratch') - Number(a === 'scratch'))
  return new Map(ordered.map((m, i) => [m, OKABE_ITO[i % OKABE_ITO.length]]))
}

/** '#RRGGBB' + alpha in [0, 1] as an rgba() string (canvas and SVG both take it). */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}
