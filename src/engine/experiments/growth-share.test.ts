/** The growth-phase cap: the most operator steps within the share of scratch's budget, and the check of finished runs. */
import { describe, expect, it } from 'vitest'
import { ligoGrowthStepFlops, trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import { getPreset } from '../models/presets'
import { makeConfig, type ModelConfig } from '../models/config'
import { growthShareViolations, MAX_GROWTH_SHARE, operatorStepsWithin } from './growth-share'

const small = getPreset('gpt2-seed').config
const large: ModelConfig = makeConfig('gpt2', { ...small, numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 } as never)

describe('operatorStepsWithin', () => {
  it('takes the most operator steps whose FLOPs stay within 5% of scratch budget (one more would not)', () => {
    for (const budgetSteps of [300, 1500, 3000, 20_000]) {
      const plan = operatorStepsWithin(small, large, { budgetSteps, batchSize: 16, seqLen: 64, wanted: 100 })
      const seq = { seqLen: 64 }
      const step = ligoGrowthStepFlops(flopsShapeOf(small, seq), flopsShapeOf(large, seq), 16)
      const scratch = budgetSteps * trainingStepFlops(flopsShapeOf(large, seq), 16)
      expect(plan.stepFlops).toBe(step)
      expect(plan.scratchFlops).toBe(scratch)
      expect(plan.steps * step).toBeLessThanOrEqual(MAX_GROWTH_SHARE * scratch)
      if (plan.steps < 100) expect((plan.steps + 1) * step).toBeGreaterThan(MAX_GROWTH_SHARE * scratch)
      expect(plan.share).toBeCloseTo((plan.steps * step) / scratch, 12)
    }
    // the issue's case: 100 operator steps cost ~10% of a 1,500-step budget, so the cap halves them
    const issue = operatorStepsWithin(small, large, { budgetSteps: 1500, batchSize: 16, seqLen: 64, wanted: 100 })
    expect(issue.steps).toBeLessThan(100)
    expect(issue.steps).toBeGreaterThan(0)
    // long budgets keep the wanted steps
    expect(operatorStepsWithin(small, large, { budgetSteps: 1_000_000, batchSize: 16, seqLen: 64, wanted: 100 }).steps).toBe(100)
    // a budget too short for one step gets none
    expect(operatorStepsWithin(small, large, { budgetSteps: 3, batchSize: 16, seqLen: 64, wanted: 100 }).steps).toBe(0)
  })

  it('refuses a budget or share out of range', () => {
    expect(() => operatorStepsWithin(small, large, { budgetSteps: 0, batchSize: 16, seqLen: 64, wanted: 100 })).toThrow('budgetSteps must be a positive integer, got 0')
    expect(() => operatorStepsWithin(small, large, { budgetSteps: 10, batchSize: 16, seqLen: 64, wanted: 100, maxShare: 2 })).toThrow('maxShare must be in (0, 1], got 2')
  })
})

describe('growthShareViolations', () => {
  it("names each run whose growth phase exceeds the share of its seed's scratch FLOPs", () => {
    const runs = [
      { method: 'scratch', seed: 0, status: 'done', flops: 1000 },
      { method: 'scratch', seed: 1, status: 'done', flops: 1000 },
      { method: 'ligo', seed: 0, status: 'done', flops: 1000, growth: { flops: 50 } },
      { method: 'ligo', seed: 1, status: 'done', flops: 1000, growth: { flops: 72 } },
      { method: 'net2net', seed: 1, status: 'done', flops: 1000, growth: { flops: 0 } },
      { method: 'ligo', seed: 2, status: 'done', flops: 1000, growth: { flops: 1 } },
    ]
    expect(growthShareViolations(runs)).toEqual([
      "ligo seed 1: growth phase 7.2% of scratch's FLOPs (cap 5%)",
      'ligo seed 2: no finished scratch run to compare its growth phase with',
    ])
  })
})
