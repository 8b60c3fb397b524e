/**
 * Knowledge Inheritance (docs/growth/baselines.md): a random init distilled from the frozen small model, the
 * distillation weight fading to 0 over the first share of the budget; each of those steps is charged the teacher's
 * forward too.
 */
import { kiStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { ki, kiSchedule } from '../ki'
import type { GrowthMethod } from '../method'
import { oneShotPrepare, operatorInfo, plainStepFlops } from './one-shot'

/** KI's default: α decays to 0 over the first half of the budget (the KI example: 55K of 125K steps). */
export const KI_DEFAULT_DISTILL_FRACTION = 0.5

/** Steps of a `horizon`-step run during which α > 0. */
export const kiDistillSteps = (horizon: number, fraction: number): number => Math.max(1, Math.round(horizon * fraction))

export const kiMethod: GrowthMethod = {
  ...operatorInfo(ki),
  docs: 'docs/growth/baselines.md',
  schedule: 'scratch',
  growthPhase: false,
  settings: [
    { name: 'distillFraction', type: 'number', default: KI_DEFAULT_DISTILL_FRACTION, min: 0, max: 1, help: 'Share of the budget over which the distillation weight fades out' },
  ],
  supports: ki.supports,
  async prepare(input) {
    const prepared = await oneShotPrepare(ki)(input)
    return { ...prepared, notes: ['KI grows nothing: this is the random init; its distillation happens in training (ligo compare)'] }
  },
  hooks(input) {
    const fraction = input.settings.distillFraction as number
    const plain = plainStepFlops(input.large, input)
    const withTeacher = kiStepFlops(flopsShapeOf(input.small, { seqLen: input.seqLen }), flopsShapeOf(input.large, { seqLen: input.seqLen }), input.batchSize)
    return {
      stepFlops: (step, horizon) => (step < kiDistillSteps(horizon, fraction) ? withTeacher : plain),
      distillation: { config: input.small, params: input.smallParams, scheduleFor: (horizon) => kiSchedule(kiDistillSteps(horizon, fraction)) },
    }
  },
}
