/**
 * The growth phase's share of scratch's budget (issue 14): the paper's LiGO trains its operator for 100 steps of
 * runs hundreds of thousands of steps long, about 3% of scratch's FLOPs (docs/growth/ligo.md §3.3); at desktop budgets
 * the same 100 steps cost 10-47% and decide the comparison (docs/growth/savings.md point 8). The growth benchmark caps
 * the phase at MAX_GROWTH_SHARE of scratch's FLOPs by choosing the operator steps, and checks every run against it.
 */
import { ligoGrowthStepFlops, trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import type { ModelConfig } from '../models/config'

/** The most a growth phase may cost, as a share of scratch's FLOPs budget. */
export const MAX_GROWTH_SHARE = 0.05

export interface OperatorStepsPlan {
  /** Operator steps that fit the cap (at most `wanted`). */
  steps: number
  /** FLOPs of one operator step, of scratch's whole budget, and of the chosen phase. */
  stepFlops: number
  scratchFlops: number
  phaseFlops: number
  /** phaseFlops / scratchFlops. */
  share: number
}

/**
 * The operator steps (at most `wanted`) whose FLOPs stay within `maxShare` of a scratch run of `budgetSteps` steps at
 * the same batch shape. `seqLen`: text models' tokens per sequence (images: undefined).
 */
export function operatorStepsWithin(small: ModelConfig, large: ModelConfig, run: { budgetSteps: number; batchSize: number; seqLen?: number; wanted: number; maxShare?: number }): OperatorStepsPlan {
  const maxShare = run.maxShare ?? MAX_GROWTH_SHARE
  if (!(Number.isInteger(run.budgetSteps) && run.budgetSteps >= 1)) throw new Error(`operatorStepsWithin: budgetSteps must be a positive integer, got ${run.budgetSteps}`)
  if (!(maxShare > 0 && maxShare <= 1)) throw new Error(`operatorStepsWithin: maxShare must be in (0, 1], got ${maxShare}`)
  const seq = { seqLen: run.seqLen }
  const stepFlops = ligoGrowthStepFlops(flopsShapeOf(small, seq), flopsShapeOf(large, seq), run.batchSize)
  const scratchFlops = run.budgetSteps * trainingStepFlops(flopsShapeOf(large, seq), run.batchSize)
  const steps = Math.max(0, Math.min(run.wanted, Math.floor((maxShare * scratchFlops) / stepFlops)))
  return { steps, stepFlops, scratchFlops, phaseFlops: steps * stepFlops, share: (steps * stepFlops) / scratchFlops }
}

/** Runs whose growth phase cost more than `maxShare` of their seed's scratch run: "ligo seed 1: 7.2%". */
export function growthShareViolations(runs: ReadonlyArray<{ method: string; seed: number; status: string; flops?: number; growth?: { flops: number } }>, maxShare = MAX_GROWTH_SHARE): string[] {
  const out: string[] = []
  for (const run of runs) {
    if (run.status !== 'done' || !run.growth || run.growth.flops === 0) continue
    const scratch = runs.find((r) => r.method === 'scratch' && r.seed === run.seed && r.status === 'done')
    if (!scratch?.flops) {
      out.push(`${run.method} seed ${run.seed}: no finished scratch run to compare its growth phase with`)
      continue
    }
    const share = run.growth.flops / scratch.flops
    if (share > maxShare) out.push(`${run.method} seed ${run.seed}: growth phase ${(100 * share).toFixed(1)}% of scratch's FLOPs (cap ${(100 * maxShare).toFixed(0)}%)`)
  }
  return out
}
