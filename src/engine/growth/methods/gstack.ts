/**
 * gstack (docs/growth/gstack.md): a one-shot depth map with settings (pattern, noise) and, as the paper does, the
 * base model's own training charged to the method when the user says how many tokens it trained on.
 */
import { trainingStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { parameterCount } from '../../models/param-count'
import { mapPicture } from '../design/pictures'
import { gstack, gstackDepthMap, gstackFactorNote, GSTACK_MAX_BASE_FRACTION, GSTACK_PATTERNS, planGStack, type GStackPattern } from '../gstack'
import { NO_GROWTH_PHASE, type GrowthCostInput, type GrowthMethod } from '../method'
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
    const flops = baseModelFlops(input)
    const factorNote = gstackFactorNote(small.numLayers, large.numLayers)
    const notes = factorNote ? [factorNote] : []
    notes.push(baseTokens > 0 ? `the base model's ${baseTokens.toLocaleString('en-US')} training tokens are charged (${flops.toExponential(2)} FLOPs)` : "the base model's own training is not charged (baseTokens 0)")
    return { initialParams, growth: { ...NO_GROWTH_PHASE, flops }, notes }
  },
  hooks: plainHooks,
  growthCost: (input) => ({ steps: 0, flops: baseModelFlops(input) }),
  picture: mapPicture({
    depth: (_stage, i, l1, l2) => ({ layer: gstackDepthMap(l1, l2, 'all')[i].layer }),
    copiesUnits: true,
    notes: ['G_stack with its default pattern "all": large block l copies small block l mod L1; a wider target widens by Net2Net copies first'],
  }),
  plan({ small, large, targetTokens }) {
    const plan = planGStack({ targetParameters: parameterCount(large), targetTokens, maxBaseFraction: GSTACK_MAX_BASE_FRACTION, baseLayers: small.numLayers, targetLayers: large.numLayers })
    return { setting: 'baseTokens', ruleValue: plan.ruleBaseTokens, value: Math.round(plan.baseTokens), clamped: plan.clamped, growthFactor: plan.g, factorInRange: plan.gInRange, notes: plan.notes }
  },
}

/** The base model's training charged to G_stack: baseTokens × its training FLOPs per token (per image) at the run's sequence length. */
function baseModelFlops(input: Pick<GrowthCostInput, 'small' | 'settings' | 'seqLen'>): number {
  const perExample = trainingStepFlops(flopsShapeOf(input.small, { seqLen: input.seqLen }), 1)
  return (input.settings.baseTokens as number) * (perExample / (input.seqLen ?? 1))
}
