/**
 * gstack (docs/growth/gstack.md): a one-shot depth map with settings (pattern, noise) and, as the paper does, the
 * base model's own training charged to the method when the user says how many tokens it trained on.
 */
import { trainingStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { gstack, gstackFactorNote, GSTACK_PATTERNS, type GStackPattern } from '../gstack'
import { NO_GROWTH_PHASE, type GrowthMethod } from '../method'
import { operatorInfo, plainHooks } from './one-shot'

export const gstackMethod: GrowthMethod = {
  ...operatorInfo(gstack),
  docs: 'docs/growth/gstack.md',
  // The paper starts the stacked model on a fresh warmup and schedule, as a model trained from its init would.
  schedule: 'scratch',
  growthPhase: false,
  settings: [
    { name: 'pattern', type: 'choice', default: 'all', choices: GSTACK_PATTERNS, help: 'Which blocks are repeated: the whole stack (the paper) or a front/middle/back half' },
    { name: 'noise', type: 'number', default: 0, min: 0, max: 1, help: 'Blend the repeated copies toward a fresh init by this share (the paper found 0.2 slightly better)' },
    {
      name: 'baseTokens',
      type: 'integer',
      default: 0,
      min: 0,
      help: "Tokens (images) the source model trained on, charged to G_stack as its paper does; 0 charges nothing, as LiGO's tables",
    },
  ],
  supports: gstack.supports,
  async prepare(input) {
    const { settings, small, large } = input
    const initialParams = gstack.grow(input.smallParams, small, large, { seed: input.seed, pattern: settings.pattern as GStackPattern, noise: settings.noise as number })
    const baseTokens = settings.baseTokens as number
    // Training FLOPs per token (per image) of the base model at the run's sequence length.
    const perExample = trainingStepFlops(flopsShapeOf(small, { seqLen: input.seqLen }), 1)
    const perToken = perExample / (input.seqLen ?? 1)
    const factorNote = gstackFactorNote(small.numLayers, large.numLayers)
    const notes = factorNote ? [factorNote] : []
    notes.push(baseTokens > 0 ? `the base model's ${baseTokens.toLocaleString('en-US')} training tokens are charged (${(baseTokens * perToken).toExponential(2)} FLOPs)` : "the base model's own training is not charged (baseTokens 0)")
    return { initialParams, growth: { ...NO_GROWTH_PHASE, flops: baseTokens * perToken }, notes }
  },
  hooks: plainHooks,
}
