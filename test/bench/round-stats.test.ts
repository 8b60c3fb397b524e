/** bench/round-stats.ts: per-round ratios pair samples of the same round only, spreads and their printed form. */
import { describe, expect, it } from 'vitest'
import { formatSpread, median, roundRatios, spreadOf } from '../../bench/round-stats'

describe('round statistics of bench:engine', () => {
  it('median is the middle sample (the mean of the two middles for an even count) and refuses no samples', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([10, 30])).toBe(20)
    expect(() => median([])).toThrow(/no samples/)
  })

  it('a ratio is taken within each round, so a load change that slows both sides leaves it alone', () => {
    // Round 2 ran under three times the load: both sides three times slower, the ratio unchanged.
    const engine = new Map([[1, 300], [2, 100], [3, 290]])
    const torch = new Map([[1, 150], [2, 50], [3, 145]])
    const ratios = roundRatios(engine, torch)
    expect(ratios).toEqual([2, 2, 2])
    // The ratio of the medians would have been 290 / 145 = 2 only by luck; mixing rounds gives 300 / 50 = 6.
    expect(spreadOf(ratios)).toEqual({ median: 2, min: 2, max: 2, count: 3 })
  })

  it('a round in which one side has no sample (a failed peer) is left out, not paired with another round', () => {
    expect(roundRatios(new Map([[1, 10], [2, 20], [3, 30]]), new Map([[1, 5], [3, 10]]))).toEqual([2, 3])
    expect(roundRatios(new Map([[1, 10]]), new Map([[1, 0]]))).toEqual([])
  })

  it('prints the median with its range, or the median alone for one round', () => {
    const int = (v: number) => Math.round(v).toLocaleString('en-US')
    expect(formatSpread(spreadOf([1204, 1100, 1310]), int)).toBe('1,204 (1,100–1,310)')
    expect(formatSpread(spreadOf([57]), int)).toBe('57')
    expect(formatSpread(undefined, int)).toBe('–')
  })
})
