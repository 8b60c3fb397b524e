/**
 * LiGO (docs/growth/ligo.md): the learned width x depth operator. prepare() trains its coefficients through the
 * large model's loss with the caller's trainer (§3 of the paper: ~100 steps), charging ligoGrowthStepFlops per step,
 * then materialises a plain large checkpoint and hands back the coefficients to save beside it.
 */
import { ligoGrowthStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { ligo, LIGO_DEFAULTS, LIGO_TRAINING_DEFAULTS, type LigoOptions } from '../ligo'
import { ligoPicture } from '../design/pictures'
import { NO_GROWTH_PHASE, type GrowthCostInput, type GrowthMethod } from '../method'
import type { LigoParameterization } from '../types'
import { operatorInfo, plainHooks } from './one-shot'

const t = LIGO_TRAINING_DEFAULTS

/** FLOPs of one operator-training step (metrics/flops.ts): what prepare() charges and the designer shows. */
const operatorStepFlops = (input: Pick<GrowthCostInput, 'small' | 'large' | 'batchSize' | 'seqLen'>): number =>
  ligoGrowthStepFlops(flopsShapeOf(input.small, { seqLen: input.seqLen }), flopsShapeOf(input.large, { seqLen: input.seqLen }), input.batchSize)

export const ligoMethod: GrowthMethod = {
  ...operatorInfo(ligo),
  docs: 'docs/growth/ligo.md',
  schedule: 'grown',
  growthPhase: true,
  settings: [
    { name: 'parameterization', type: 'choice', default: LIGO_DEFAULTS.parameterization, choices: ['official', 'paper'], help: "Operator form: official [I; C] or the paper's full B" },
    { name: 'operatorSteps', type: 'integer', default: t.steps, min: 0, max: 1_000_000, help: 'Operator-training steps (0 keeps the initialisation)' },
    { name: 'operatorLr', type: 'number', default: t.learningRate, min: 0, help: 'Operator peak learning rate' },
    { name: 'operatorWarmup', type: 'integer', default: t.warmupSteps, min: 0, help: "Operator warmup steps (the official 10K would leave it untrained)" },
    { name: 'operatorWeightDecay', type: 'number', default: t.weightDecay, min: 0, help: 'Operator AdamW weight decay (every coefficient)' },
    { name: 'operatorClip', type: 'number', default: t.clipNorm, min: 0, help: 'Operator gradient clipping, 0 = off' },
    {
      name: 'widthInit',
      type: 'choice',
      default: LIGO_DEFAULTS.widthInit,
      choices: ['random-convex', 'select', 'zero'],
      help: 'New width units start as random convex combinations of the old (official rand), copies of one (sel) or zero',
    },
    {
      name: 'depthInit',
      type: 'choice',
      default: LIGO_DEFAULTS.depthInit,
      choices: ['stack', 'interpolate', 'net2net'],
      help: "New layers start from StackBERT's or interpolation's layer, or as Net2Net's identity blocks (function preserving in depth)",
    },
    { name: 'depthNoise', type: 'number', default: LIGO_DEFAULTS.depthNoise, min: 0, max: 1, help: 'U(0, noise) added to each depth row before normalising (official 0.03; 0 = exact copies)' },
  ],
  supports: ligo.supports,
  async prepare(input) {
    const s = input.settings
    const op = ligo.createOperator(input.smallParams, input.small, input.large, {
      seed: input.seed,
      parameterization: s.parameterization as LigoParameterization,
      widthInit: s.widthInit as LigoOptions['widthInit'],
      depthInit: s.depthInit as LigoOptions['depthInit'],
      depthNoise: s.depthNoise as number,
    })
    try {
      const steps = s.operatorSteps as number
      const notes: string[] = []
      let growth = { ...NO_GROWTH_PHASE }
      if (steps > 0 && input.trainGrowthPhase) {
        growth = await input.trainGrowthPhase({
          variables: op.variables,
          materialize: () => op.materialize(),
          stepFlops: operatorStepFlops(input),
          steps,
          learningRate: s.operatorLr as number,
          weightDecay: s.operatorWeightDecay as number,
          clipNorm: s.operatorClip as number,
          warmupSteps: s.operatorWarmup as number,
          schedule: t.schedule,
        })
      } else notes.push('operator kept at its initialisation (0 steps)')
      return { initialParams: op.materializeKept(), growth, operator: op.exportCoefficients(), notes }
    } finally {
      op.dispose()
    }
  },
  hooks: plainHooks,
  growthCost(input) {
    const steps = input.settings.operatorSteps as number
    return { steps, flops: steps * operatorStepFlops(input) }
  },
  picture: ligoPicture,
}
