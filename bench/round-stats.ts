/**
 * Statistics of a benchmark measured in interleaved rounds on a shared machine (bench/engine-families.ts).
 *
 * A cell's figure is the median over rounds, printed with its range so a reader sees how much the load moved it.
 * A ratio between two cells (engine / PyTorch, a family's FLOP rate / the reference model's) is taken within each
 * round, where both sides ran minutes apart under about the same load, and the median of those per-round ratios is
 * reported: a load change between rounds then moves both sides of a ratio alike instead of only one of them.
 */

/** Median, min and max of one cell's samples (one per round). */
export interface Spread {
  median: number
  min: number
  max: number
  count: number
}

/** The middle sample; for an even count the mean of the two middle ones (with 2 rounds, not simply the larger). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no samples')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function spreadOf(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), count: values.length }
}

/**
 * Per-round ratios numerator[r] / denominator[r] over the rounds both sides have (rounds are keyed by number, so
 * a round in which one side failed is left out rather than pairing samples of different rounds).
 */
export function roundRatios(numerator: ReadonlyMap<number, number>, denominator: ReadonlyMap<number, number>): number[] {
  const ratios: number[] = []
  for (const [round, value] of numerator) {
    const other = denominator.get(round)
    if (other !== undefined && other > 0) ratios.push(value / other)
  }
  return ratios
}

/** "1,204 (1,100–1,310)", or the median alone for a single round. */
export function formatSpread(s: Spread | undefined, format: (v: number) => string): string {
  if (!s) return '–'
  return s.count > 1 ? `${format(s.median)} (${format(s.min)}–${format(s.max)})` : format(s.median)
}
