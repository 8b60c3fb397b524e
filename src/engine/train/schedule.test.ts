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
    expect(() => checkSchedule({ ...linear, kind: 'step' as never })).toThrow('Unknown schedule "step". Expected one of: linear, cosine, wsd-linear, wsd-cosine, accelerated')
    expect(() => checkSchedule({ ...linear, kind: 'wsd-linear', decayFraction: 0 })).toThrow('Decay fraction must be a number in (0, 1], got 0')
    expect(() => checkSchedule({ ...linear, kind: 'wsd-linear', floor: 1.5 })).toThrow('Learning-rate floor must be a number in [0, 1], got 1.5')
    expect(() => checkSchedule({ ...linear, kind: 'accelerated', horizonFactor: Number.NaN })).toThrow('Decay horizon factor must be a number in (0, 1], got NaN')
  })
})

describe('warmup-stable-decay', () => {
  // 10 warmup + 100 after it; decayFraction 0.2 -> the last 20 updates (steps 90..110) decay to floor 0.1 * peak.
  const wsd = { peak: 1e-3, warmupSteps: 10, totalSteps: 110, kind: 'wsd-linear' as const, floor: 0.1 }
  const wsdCos = { ...wsd, kind: 'wsd-cosine' as const }

  it('warms up like the others, then holds the peak until the decay starts', () => {
    expect(learningRateAt(0, wsd)).toBe(0)
    expect(learningRateAt(5, wsd)).toBeCloseTo(5e-4, 12)
    for (const s of [10, 50, 89, 90]) expect(learningRateAt(s, wsd)).toBe(1e-3)
    expect(learningRateAt(90, wsdCos)).toBe(1e-3)
  })

  it('decays over the last fraction to the floor, exactly at the phase boundaries', () => {
    expect(learningRateAt(100, wsd)).toBeCloseTo(1e-4 + 9e-4 * 0.5, 12) // half-way down the line
    expect(learningRateAt(95, wsdCos)).toBeCloseTo(1e-4 + 9e-4 * 0.5 * (1 + Math.SQRT1_2), 12) // a quarter: cos(π/4)
    expect(learningRateAt(110, wsd)).toBeCloseTo(1e-4, 15)
    expect(learningRateAt(110, wsdCos)).toBeCloseTo(1e-4, 15)
    expect(learningRateAt(500, wsd)).toBeCloseTo(1e-4, 15)
  })

  it('defaults: the last 20% of the post-warmup steps, down to 0', () => {
    const plain = { peak: 1, warmupSteps: 0, totalSteps: 1000, kind: 'wsd-cosine' as const }
    expect(learningRateAt(800, plain)).toBe(1)
    expect(learningRateAt(801, plain)).toBeLessThan(1)
    expect(learningRateAt(1000, plain)).toBeCloseTo(0, 15)
  })
})

describe('accelerated decay (LEMON)', () => {
  // 10 warmup + 100 after it; horizonFactor 0.4 -> the cosine from the peak ends 40 updates after warmup (step 50).
  const fast = { peak: 2e-3, warmupSteps: 10, totalSteps: 110, kind: 'accelerated' as const, horizonFactor: 0.4, floor: 0.05 }

  it('keeps the peak at the end of warmup and reaches the floor at the shortened horizon, then stays there', () => {
    expect(learningRateAt(10, fast)).toBe(2e-3)
    expect(learningRateAt(30, fast)).toBeCloseTo(1e-4 + 1.9e-3 * 0.5, 12) // half-way: cos(π/2) = 0
    expect(learningRateAt(50, fast)).toBeCloseTo(1e-4, 15)
    for (const s of [51, 80, 110]) expect(learningRateAt(s, fast)).toBeCloseTo(1e-4, 15)
  })

  it('defaults: half of the post-warmup steps', () => {
    expect(learningRateAt(500, { peak: 1, warmupSteps: 0, totalSteps: 1000, kind: 'accelerated' })).toBeCloseTo(0, 15)
    expect(learningRateAt(250, { peak: 1, warmupSteps: 0, totalSteps: 1000, kind: 'accelerated' })).toBeCloseTo(0.5, 12)
  })
})

describe('every schedule', () => {
  const kinds = ['linear', 'cosine', 'wsd-linear', 'wsd-cosine', 'accelerated'] as const
  const base = { peak: 3e-4, warmupSteps: 7, totalSteps: 93, floor: 0.1 }

  it('rises during warmup and never rises after it', () => {
    for (const kind of kinds) {
      const o = { ...base, kind }
      for (let s = 1; s <= 7; s++) expect(learningRateAt(s, o)).toBeGreaterThan(learningRateAt(s - 1, o))
      for (let s = 8; s <= 120; s++) expect(learningRateAt(s, o)).toBeLessThanOrEqual(learningRateAt(s - 1, o))
    }
  })

  it('gives a resumed run the same rate as an uninterrupted one (a pure function of the step)', () => {
    for (const kind of kinds) {
      const o = { ...base, kind }
      const uninterrupted = Array.from({ length: 94 }, (_, s) => learningRateAt(s, o))
      // Resume mid-decay: a fresh options object, as read back from the run's manifest, from step 85 on.
      const resumed = Array.from({ length: 9 }, (_, i) => learningRateAt(85 + i, JSON.parse(JSON.stringify(o)) as typeof o))
      expect(resumed).toEqual(uninterrupted.slice(85))
    }
  })
})
