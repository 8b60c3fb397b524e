import { describe, expect, it } from 'vitest'
import { splitIndices, splitItems, splitOf } from './splits'

describe('splits', () => {
  it('is deterministic, disjoint, complete and close to the fraction', () => {
    const a = splitIndices(10_000, { seed: 7, validationFraction: 0.05 })
    const b = splitIndices(10_000, { seed: 7, validationFraction: 0.05 })
    expect(a).toEqual(b)
    const all = new Set([...a.train, ...a.validation])
    expect(all.size).toBe(10_000)
    expect(a.train.length + a.validation.length).toBe(10_000)
    expect(Math.abs(a.validation.length - 500)).toBeLessThan(70)
    for (const i of a.validation) expect(splitOf(i, { seed: 7, validationFraction: 0.05 })).toBe('validation')
  })

  it('a different seed gives a different split; growing the data keeps old assignments', () => {
    const a = splitIndices(1000, { seed: 1 })
    expect(splitIndices(1000, { seed: 2 }).validation).not.toEqual(a.validation)
    const grown = splitIndices(2000, { seed: 1 })
    expect(grown.validation.filter((i) => i < 1000)).toEqual(a.validation)
  })

  it('never leaves validation empty for two or more items', () => {
    const { train, validation } = splitItems(['a', 'b', 'c'], { seed: 0, validationFraction: 0.01 })
    expect(validation.length).toBe(1)
    expect(train.length).toBe(2)
    expect(() => splitIndices(5, { validationFraction: 1 })).toThrow('validationFraction must be in [0, 1), got 1')
  })
})
