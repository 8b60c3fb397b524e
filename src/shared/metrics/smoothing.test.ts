import { describe, expect, it } from 'vitest'
import { smoothEma } from './smoothing'

describe('smoothEma (TensorBoard de-biased EMA)', () => {
  it('matches a reference computed independently as a weighted mean of the past', () => {
    // Reference, computed by hand in Python as the weighted mean Σ w^(n-i) y_i / Σ w^(n-i) (not as an EMA):
    //   ys = [6.9, 6.5, 6.8, 6.1, 5.9, 6.3, 5.2, 5.0]; w = 0.6
    //   [round(sum(w**(n-i)*ys[i] for i in range(n+1)) / sum(w**(n-i) for i in range(n+1)), 10) for n in range(len(ys))]
    const reference = [6.9, 6.65, 6.7265306122, 6.4386029412, 6.2049965302, 6.2448576799, 5.8148779267, 5.4833585027]
    const smoothed = smoothEma([6.9, 6.5, 6.8, 6.1, 5.9, 6.3, 5.2, 5.0], 0.6)
    smoothed.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 9))
  })

  it('keeps the first point (no pull towards zero) and is the raw series at weight 0', () => {
    expect(smoothEma([3, 1], 0.9)[0]).toBe(3)
    expect(smoothEma([3, 1, 2], 0)).toEqual([3, 1, 2])
  })

  it('passes gaps and non-finite points through without letting them into the average', () => {
    const out = smoothEma([4, null, Number.NaN, 2], 0.5)
    expect(out[1]).toBeNull()
    expect(out[2]).toBeNaN()
    // 2 points averaged: (0.5·4 + 1·2) / 1.5
    expect(out[3]).toBeCloseTo(8 / 3, 12)
  })

  it('returns a constant series unchanged', () => {
    expect(smoothEma([0.1, 0.1, 0.1], 0.95)).toEqual([0.1, 0.1, 0.1])
  })

  it('rejects weights outside [0, 0.999]', () => {
    expect(() => smoothEma([1], 1)).toThrow(/smoothing weight/)
    expect(() => smoothEma([1], -0.1)).toThrow(/smoothing weight/)
  })
})
