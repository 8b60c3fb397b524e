/**
 * From a growth method's descriptor (growth/methods/) to its large model's training run: its settings resolved, its
 * initial weights prepared (a learned growth phase, LiGO's operator, trained by train/trainer.ts like every other
 * training: docs/growth/ligo.md "Training"), and its hooks on the trainer (FLOPs per step, stages, distillation).
 * Nothing here names a method: every difference between methods is in their descriptors.
 */
import type * as tf from '@tensorflow/tfjs-core'
import { hash32 } from '../data'
import { getGrowthMethod, resolveSettings, type GrowthMethod, type GrowthPhaseResult, type GrowthPhaseTraining, type MethodSettings, type PreparedGrowth, type TrainingHooks } from '../growth'
import type { ModelConfig } from '../models/config'
import type { ParamMap } from '../models/layers/params'
import { StudioError } from '../../shared/errors'
import { train } from '../train/trainer'
import type { TrainingData } from '../train/training-data'

/** Dropout stream of growth-phase steps, apart from the main run's hash32(seed, step). */
const GROWTH_PHASE_SEED_KEY = 0x4c69474f

/** Every method's resolved settings, for the methods of a run; unknown methods or settings fail naming them. */
export function resolveMethodSettings(methods: readonly string[], given: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {}): Record<string, MethodSettings> {
  const stray = Object.keys(given).filter((name) => !methods.includes(name))
  if (stray.length > 0) throw new StudioError('invalid_request', `\`settings\` names method(s) not in this run: ${stray.join(', ')} (methods: ${methods.join(', ')})`)
  return Object.fromEntries(methods.map((name) => [name, resolveSettings(getGrowthMethod(name), given[name])]))
}

const seqLenOf = (data: TrainingData): number | undefined => (data.kind === 'text' ? (data.description.seqLen ?? undefined) : undefined)

/** The method's hooks on the large model's training (no tensors created: a resumed run needs only these). */
export function methodHooks(method: GrowthMethod, settings: MethodSettings, small: ModelConfig, smallParams: ParamMap, large: ModelConfig, data: TrainingData): TrainingHooks {
  return method.hooks({ small, large, smallParams, settings, batchSize: data.batchSize, seqLen: seqLenOf(data) })
}

export interface GrowthPhaseOptions {
  seed: number
  signal?: AbortSignal
  onStep?(step: number, steps: number): void
}

/**
 * A growth phase through the one trainer: the phase's variables trained through the large model's loss on the
 * training stream's first batches, which are then put back, so the large model's own training sees the same data
 * as every other method's. A cancelled phase is a `cancelled` error (no stack trace; nothing to resume).
 */
export function growthPhaseTrainer(large: ModelConfig, data: TrainingData, options: GrowthPhaseOptions): (phase: GrowthPhaseTraining) => Promise<GrowthPhaseResult> {
  return async (phase) => {
    const start = data.train.state
    const losses: number[] = []
    try {
      const outcome = await train({
        config: large,
        data,
        steps: phase.steps,
        learningRate: phase.learningRate,
        warmupSteps: phase.warmupSteps,
        schedule: phase.schedule,
        weightDecay: phase.weightDecay,
        clipNorm: phase.clipNorm,
        seed: hash32(options.seed, GROWTH_PHASE_SEED_KEY),
        evalEvery: 0,
        evalBatches: 1,
        logEvery: 1,
        checkpointEvery: 0,
        keepCheckpoints: 1,
        stepFlops: () => phase.stepFlops,
        reparameterized: phase,
        signal: options.signal,
        onMetrics: (record) => losses.push(record.trainLoss),
        onProgress: (p) => options.onStep?.(p.step, p.steps),
      })
      if (outcome.cancelled) throw new StudioError('cancelled', `The growth phase was cancelled at step ${outcome.step} of ${phase.steps}`)
      return { steps: outcome.step, flops: outcome.counters.flops, wallSeconds: outcome.counters.wallSeconds, lossFirst: losses[0] ?? null, lossLast: losses.at(-1) ?? null }
    } finally {
      data.train.restore(start)
    }
  }
}

export interface PrepareOptions extends GrowthPhaseOptions {
  settings: MethodSettings
  /** The growth phase's data; without it a learned phase keeps its initialisation. */
  data?: TrainingData
}

/** The method's starting weights for the large model and its growth phase's cost. */
export function prepareMethod(method: GrowthMethod, smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: PrepareOptions): Promise<PreparedGrowth> {
  const { data } = options
  return method.prepare({
    smallParams,
    small,
    large,
    seed: options.seed,
    settings: options.settings,
    batchSize: data?.batchSize ?? 1,
    seqLen: data ? seqLenOf(data) : undefined,
    trainGrowthPhase: data ? growthPhaseTrainer(large, data, options) : undefined,
  })
}

export function disposePrepared(prepared: PreparedGrowth): void {
  const tensors: tf.Tensor[] = Object.values(prepared.initialParams)
  if (prepared.operator) tensors.push(...Object.values(prepared.operator.tensors))
  for (const t of tensors) if (!t.isDisposed) t.dispose()
}
