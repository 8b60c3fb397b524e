/**
 * LiGO operator training, the "grow" phase (ligo-method.md §3): the large model's own loss, computed through
 * weights materialised from the frozen small weights by the operator, minimised over the operator's coefficients
 * only, for ~100 AdamW steps. Then the caller materialises a plain large checkpoint (§4).
 *
 * Settings come explicitly (OperatorTrainingSettings, defaults LIGO_TRAINING_DEFAULTS): lr 1e-3, weight decay 0.1
 * on every coefficient (the official code's no-decay group holds only biases and LayerNorm weights of the model,
 * and the operator has none), clip 1.0, linear decay and no warmup: the official config's 10K-step warmup would
 * leave a 100-step operator at 1% of its lr (§3.2's quirk; growth-calibration.md point 2).
 * Cost per step: ligoGrowthStepFlops (the large step plus the materialisation surcharge, charged per sequence).
 * The batches are the training stream's first ones; the iterator is put back afterwards, so the large model's own
 * training sees the same data as every other method.
 */
import * as tf from '@tensorflow/tfjs-core'
import { hash32 } from '../data'
import { LIGO_TRAINING_DEFAULTS, type LigoOperator } from '../growth'
import { ligoGrowthStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import { getFamily } from '../models/registry'
import type { ModelInputs } from '../models/types'
import type { GrowthPhaseCost, OperatorTrainingSettings } from '../../shared/growth'
import { AdamW } from '../train/adamw'
import { batchTensors } from '../train/batch-tensors'
import { checkSchedule, learningRateAt } from '../train/schedule'
import type { TrainingData } from '../train/training-data'
import { updateStep } from '../train/update-step'

/** Dropout stream of operator steps, apart from the main run's hash32(seed, step). */
const OPERATOR_DROPOUT_KEY = 0x4c69474f

export function operatorSettings(overrides: Partial<OperatorTrainingSettings> = {}): OperatorTrainingSettings {
  const d = LIGO_TRAINING_DEFAULTS
  const settings: OperatorTrainingSettings = {
    steps: overrides.steps ?? d.steps,
    learningRate: overrides.learningRate ?? d.learningRate,
    weightDecay: overrides.weightDecay ?? d.weightDecay,
    clipNorm: overrides.clipNorm ?? d.clipNorm,
    warmupSteps: overrides.warmupSteps ?? d.warmupSteps,
    schedule: overrides.schedule ?? d.schedule,
  }
  if (!(Number.isInteger(settings.steps) && settings.steps >= 0)) throw new Error(`Operator steps must be an integer >= 0, got ${settings.steps}`)
  if (settings.steps > 0) checkSchedule({ peak: settings.learningRate, warmupSteps: settings.warmupSteps, totalSteps: settings.steps, kind: settings.schedule })
  return settings
}

/** FLOPs of one operator step for this pair and batch (metrics/flops.ts, §3.3). */
export function operatorStepFlops(op: Pick<LigoOperator, 'smallConfig' | 'largeConfig'>, data: TrainingData): number {
  const seqLen = data.kind === 'text' ? (data.description.seqLen ?? undefined) : undefined
  return ligoGrowthStepFlops(flopsShapeOf(op.smallConfig, { seqLen }), flopsShapeOf(op.largeConfig, { seqLen }), data.batchSize)
}

export async function trainLigoOperator(
  op: LigoOperator,
  data: TrainingData,
  settings: OperatorTrainingSettings,
  options: { seed: number; signal?: AbortSignal; onStep?(step: number, steps: number): void } = { seed: 0 },
): Promise<GrowthPhaseCost> {
  const config = op.largeConfig
  const family = getFamily(config.family)
  const stepFlops = operatorStepFlops(op, data)
  const optimizer = new AdamW(op.variables, { weightDecay: settings.weightDecay, noDecay: () => false })
  const schedule = { peak: settings.learningRate, warmupSteps: settings.warmupSteps, totalSteps: Math.max(1, settings.steps), kind: settings.schedule }
  const names = new Map(Object.entries(op.variables).map(([name, v]) => [v.name, name]))
  const start = data.train.state
  const t0 = performance.now()
  const losses: tf.Scalar[] = []
  try {
    for (let step = 0; step < settings.steps; step++) {
      if (options.signal?.aborted) throw new Error('LiGO operator training was cancelled')
      const batch = data.train.next()
      const lr = learningRateAt(step, schedule)
      const loss = tf.tidy(() => {
        const t = batchTensors(data.kind, batch, family.objective, config.family)
        const forwardOptions = { training: true, dropoutSeed: hash32(options.seed, OPERATOR_DROPOUT_KEY, step), ...t.forward }
        // The large model's loss through weights computed from the coefficients: gradients reach only them.
        const lossOf = () => family.loss(family.forward(op.materialize(), config, t.inputs as ModelInputs, forwardOptions), t.targets)
        return updateStep(lossOf, { trained: op.trainableVariables(), parameterOf: names, clipNorm: settings.clipNorm, optimizer, learningRate: lr }).loss
      })
      // Keep only the first and the latest loss on the device; read back once at the end.
      if (losses.length === 2) losses.pop()!.dispose()
      losses.push(loss)
      options.onStep?.(step + 1, settings.steps)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    const [first, lastLoss] = await Promise.all(losses.map((l) => l.data()))
    return {
      steps: settings.steps,
      flops: settings.steps * stepFlops,
      wallSeconds: (performance.now() - t0) / 1000,
      lossFirst: first ? first[0] : null,
      lossLast: lastLoss ? lastLoss[0] : first ? first[0] : null,
    }
  } finally {
    tf.dispose(losses)
    optimizer.dispose()
    data.train.restore(start)
  }
}
