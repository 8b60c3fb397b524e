/**
 * Shared by the descriptors of one-shot methods (a weight map or a fresh init, no growth phase): prepare() is the
 * operator's grow(), the large model trains at its plain step cost (docs/growth/accounting.md).
 */
import { trainingStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import type { ModelConfig } from '../../models'
import { NO_GROWTH_PHASE, type GrowthMethod, type GrowthMethodInfo, type HooksInput, type PreparedGrowth, type PrepareInput, type TrainingHooks } from '../method'
import type { GrowthOperator } from '../types'

/** FLOPs of one plain training step of the large model at the run's batch shape. */
export const plainStepFlops = (large: ModelConfig, input: Pick<HooksInput, 'batchSize' | 'seqLen'>): number => trainingStepFlops(flopsShapeOf(large, { seqLen: input.seqLen }), input.batchSize)

export const plainHooks = (input: HooksInput): TrainingHooks => {
  const plain = plainStepFlops(input.large, input)
  return { stepFlops: () => plain }
}

/** The descriptor fields an operator already states (name, label, paper, growth, function preservation). */
export const operatorInfo = (op: GrowthOperator): Pick<GrowthMethodInfo, 'name' | 'label' | 'paper' | 'grows' | 'functionPreserving'> => ({
  name: op.name,
  label: op.label,
  paper: op.paper,
  grows: { ...op.grows },
  functionPreserving: op.functionPreserving,
})

export function oneShotPrepare(op: GrowthOperator): (input: PrepareInput) => Promise<PreparedGrowth> {
  return async (input) => ({ initialParams: op.grow(input.smallParams, input.small, input.large, { seed: input.seed }), growth: { ...NO_GROWTH_PHASE }, notes: [] })
}

/** A weight-map baseline: its grown model follows the grown models' schedule; `picture` draws its map in the designer. */
export function weightMapMethod(op: GrowthOperator, docs: string, picture: GrowthMethod['picture']): GrowthMethod {
  return { ...operatorInfo(op), docs, schedule: 'grown', growthPhase: false, settings: [], supports: op.supports, prepare: oneShotPrepare(op), hooks: plainHooks, picture }
}
