import { describe, expect, it } from 'vitest'
import { isTie, meanCurve, percentSaving, seedSpread } from './seed-stats'

describe('seedSpread', () => {
  it('gives the mean and the sample standard deviation', () => {
    // numpy: np.mean([40, 44, 48]) = 44, np.std([40, 44, 48], ddof=1) = 4
    expect(seedSpread([40, 44, 48])).toEqual({ mean: 44, spread: 4, n: 3 })
  })
  it('has no spread with one seed and nothing without values', () => {
    expect(seedSpread([12])).toEqual({ mean: 12, spread: null, n: 1 })
    expect(seedSpread([])).toBeNull()
  })
})

describe('isTie', () => {
  it('is a tie when the spread covers zero, not otherwise', () => {
    expect(isTie({ mean: 3, spread: 4, n: 3 })).toBe(true)
    expect(isTie({ mean: -3, spread: 4, n: 3 })).toBe(true)
    expect(isTie({ mean: 44.7, spread: 2, n: 3 })).toBe(false)
    expect(isTie({ mean: 0.1, spread: null, n: 1 })).toBe(false)
  })
})

describe('percentSaving', () => {
  it('is 100 × (scratch − method) / scratch', () => {
    expect(percentSaving(200, 110)).toBe(45)
    expect(percentSaving(100, 120)).toBe(-20)
    expect(percentSaving(0, 1)).toBeNull()
  })
})

describe('meanCurve', () => {
  it('averages the seeds position by position, with a band of ± one spread', () => {
    const { mean, low, high } = meanCurve([
      [6, 5, null],
      [8, 3, 2],
    ])
    expect(mean).toEqual([7, 4, 2])
    // std(ddof=1) of [6, 8] and of [5, 3] is √2
    expect(low[0]).toBeCloseTo(7 - Math.SQRT2, 12)
    expect(high[1]).toBeCloseTo(4 + Math.SQRT2, 12)
    expect([low[2], high[2]]).toEqual([2, 2])
  })
})
