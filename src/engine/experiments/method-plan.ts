/**
 * What each growth method needs for its large model's training run: the starting weights (the growth itself,
 * with LiGO's operator training), the growth phase's cost, the per-step FLOPs it is charged (ligo-method.md §3.3:
 * every method pays all its work: LiGO its operator steps, KI its teacher's forward, MSLT its frozen layers'
 * forward), its stages (MSLT), its teacher (KI), and which learning-rate schedule it follows (grown models have
 * their own, growth-calibration.md point 3). The small model's pretraining is never charged (the paper's accounting).
 */
import type * as tf from '@tensorflow/tfjs-core'
import { getGrowthOperator, kiSchedule, msltSchedule, stageAt, MSLT_DEFAULT_NEW_LAYERS_FRACTION, type GrowthOperator, type LigoOperator } from '../growth'
import { frozenLayersStepFlops, kiStepFlops, trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import type { ModelConfig } from '../models/config'
import type { ParamMap } from '../models/layers/params'
import type { GrowthPhaseCost, OperatorTrainingSettings } from '../../shared/growth'
import type { TrainingData } from '../train/training-data'
import { trainLigoOperator } from './ligo-training'
import type { StageSpec, TeacherSpec } from './method-trainer'

/** KI's default: α decays to 0 over the first half of the budget (the KI example: 55K of 125K steps). */
export const KI_DEFAULT_DISTILL_FRACTION = 0.5

/** Methods that start from the random init follow scratch's schedule; every other one the grown models'. */
export const SCRATCH_SCHEDULE_METHODS: readonly string[] = ['scratch', 'ki']

export interface MethodCosts {
  stepFlops(step: number, horizon: number): number
  stageAt?(step: number, horizon: number): StageSpec
}

export interface MethodPlanOptions {
  seed: number
  data: TrainingData
  operator: OperatorTrainingSettings
  parameterization?: 'paper' | 'official'
  kiDistillFraction?: number
  msltNewLayersFraction?: number
  signal?: AbortSignal
  onOperatorStep?(step: number, steps: number): void
}

export interface PreparedMethod extends MethodCosts {
  initialParams: ParamMap
  growth: GrowthPhaseCost
  teacher?: TeacherSpec
  /** LiGO: the trained coefficients (caller disposes) and their description. */
  coefficients?: ReturnType<LigoOperator['exportCoefficients']>
  schedule: 'scratch' | 'grown'
}

const NO_GROWTH: GrowthPhaseCost = { steps: 0, flops: 0, wallSeconds: 0, lossFirst: null, lossLast: null }

/** Why the method cannot grow this pair, or null when it can. */
export function unsupportedReason(method: string, small: ModelConfig, large: ModelConfig): string | null {
  const result = getGrowthOperator(method).supports(small, large)
  return result.ok ? null : result.reason
}

/** Per-step FLOPs and stages of a method (no tensors involved: a resumed run needs only these). */
export function methodCosts(method: string, small: ModelConfig, large: ModelConfig, data: TrainingData, options: Pick<MethodPlanOptions, 'kiDistillFraction' | 'msltNewLayersFraction'> = {}): MethodCosts {
  const seqLen = data.kind === 'text' ? (data.description.seqLen ?? undefined) : undefined
  const largeShape = flopsShapeOf(large, { seqLen })
  const plain = trainingStepFlops(largeShape, data.batchSize)
  if (method === 'ki') {
    const withTeacher = kiStepFlops(flopsShapeOf(small, { seqLen }), largeShape, data.batchSize)
    const fraction = options.kiDistillFraction ?? KI_DEFAULT_DISTILL_FRACTION
    return { stepFlops: (step, horizon) => (step < kiDistillSteps(horizon, fraction) ? withTeacher : plain) }
  }
  if (method === 'mslt') {
    const schedule = msltSchedule(small, large, { newLayersFraction: options.msltNewLayersFraction ?? MSLT_DEFAULT_NEW_LAYERS_FRACTION })
    const frozen = frozenLayersStepFlops(largeShape, data.batchSize, { frozenLayers: small.numLayers })
    return {
      stepFlops: (step, horizon) => (stageAt(schedule, step, horizon).name === 'new-top-layers' ? frozen : plain),
      stageAt: (step, horizon) => {
        const stage = stageAt(schedule, step, horizon)
        return { name: stage.name, trainable: stage.trainable }
      },
    }
  }
  return { stepFlops: () => plain }
}

export const kiDistillSteps = (horizon: number, fraction: number): number => Math.max(1, Math.round(horizon * fraction))

/** Grows the large model's starting weights for `method` (LiGO: operator training included) and its run's hooks. */
export async function prepareMethod(method: string, smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: MethodPlanOptions): Promise<PreparedMethod> {
  const operator: GrowthOperator = getGrowthOperator(method)
  const costs = methodCosts(method, small, large, options.data, options)
  const schedule = SCRATCH_SCHEDULE_METHODS.includes(method) ? 'scratch' : 'grown'
  if (operator.kind === 'learned') {
    const op = operator.createOperator(smallParams, small, large, { seed: options.seed, ...(options.parameterization ? { parameterization: options.parameterization } : {}) })
    try {
      const growth = await trainLigoOperator(op, options.data, options.operator, { seed: options.seed, signal: options.signal, onStep: options.onOperatorStep })
      return { ...costs, initialParams: op.materializeKept(), growth, coefficients: op.exportCoefficients(), schedule }
    } finally {
      op.dispose()
    }
  }
  const initialParams = operator.grow(smallParams, small, large, { seed: options.seed })
  if (operator.kind === 'distillation') {
    const fraction = options.kiDistillFraction ?? KI_DEFAULT_DISTILL_FRACTION
    const teacher: TeacherSpec = { config: small, params: smallParams, scheduleFor: (horizon) => kiSchedule(kiDistillSteps(horizon, fraction)) }
    return { ...costs, initialParams, growth: NO_GROWTH, teacher, schedule }
  }
  return { ...costs, initialParams, growth: NO_GROWTH, schedule }
}

export function disposePrepared(prepared: PreparedMethod): void {
  const tensors: tf.Tensor[] = Object.values(prepared.initialParams)
  if (prepared.coefficients) tensors.push(...Object.values(prepared.coefficients.tensors))
  for (const t of tensors) if (!t.isDisposed) t.dispose()
}
