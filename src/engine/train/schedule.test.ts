import { describe, expect, it } from 'vitest'
import { checkSchedule, learningRateAt } from './schedule'

describe('learning-rate schedule', () => {
  const linear = { peak: 1e-3, warmupSteps: 10, totalSteps: 110, kind: 'linear' as const }
  const cosine = { ...linear, kind: 'cosine' as const }

  it('warms up linearly from 0 to the peak', () => {
    expect(learningRateAt(0, linear)).toBe(0)
    expect(learningRateAt(5, linear)).toBeCloseTo(5e-4, 12)
    expect(learningRateAt(10, linear)).toBeCloseTo(1e-3, 12)
    expect(learningRateAt(5, cosine)).toBeCloseTo(5e-4, 12)
  })

  it('decays linearly to 0 at the last step', () => {
    expect(learningRateAt(60, linear)).toBeCloseTo(5e-4, 12) // half-way through the 100 decay steps
    expect(learningRateAt(110, linear)).toBe(0)
    expect(learningRateAt(200, linear)).toBe(0)
  })

  it('decays along half a cosine', () => {
    expect(learningRateAt(10, cosine)).toBeCloseTo(1e-3, 12)
    expect(learningRateAt(35, cosine)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.SQRT1_2), 12) // a quarter: cos(π/4)
    expect(learningRateAt(60, cosine)).toBeCloseTo(5e-4, 12)
    expect(learningRateAt(110, cosine)).toBeCloseTo(0, 12)
  })

  it('without warmup starts at the peak', () => {
    expect(learningRateAt(0, { ...linear, warmupSteps: 0 })).toBe(1e-3)
  })

  it('refuses bad settings with the value', () => {
    expect(() => checkSchedule({ ...linear, warmupSteps: -1 })).toThrow('Warmup steps must be an integer >= 0, got -1')
    expect(() => checkSchedule({ ...linear, kind: 'step' as never })).toThrow('Unknown schedule "step". Expected one of: linear, cosine')
  })
})
