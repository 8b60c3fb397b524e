/**
 * The before -> after figures of a designed growth: parameters, training FLOPs per step at the chosen batch and
 * sequence, training memory and whether it fits this machine, the step time predicted from the measured matmul
 * speed, and the growth phase's own cost as the method's descriptor charges it (LiGO's operator steps as
 * `ligo flops --grow-from --grow-steps` charges them, docs/growth/accounting.md §3.3). One formula per figure, all from engine/models and engine/metrics.
 */
import type { GrowthPhaseFigures, ModelFigures } from '../../../shared/growth-design'
import { trainingStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { isTextConfig, type ModelConfig } from '../../models/config'
import { estimateTrainingMemory, parameterCount } from '../../models/param-count'
import type { GrowthMethod, MethodSettings } from '../method'

export interface FigureRun {
  batchSize: number
  /** Tokens per sequence; text models only. */
  seqLen: number
  /** Bytes this machine can train in. */
  memoryBytes: number
  /** Measured matmul speed, GFLOP/s; null = no prediction. */
  measuredGflops: number | null
}

const seconds = (flops: number, gflops: number | null): number | null => (gflops === null ? null : flops / (gflops * 1e9))

export function modelFigures(config: ModelConfig, run: FigureRun): ModelFigures {
  const seqLen = isTextConfig(config) ? run.seqLen : undefined
  const stepFlops = trainingStepFlops(flopsShapeOf(config, { seqLen }), run.batchSize)
  const memoryBytes = estimateTrainingMemory(config, { batchSize: run.batchSize, sequenceLength: seqLen }).totalBytes
  return { parameters: parameterCount(config), stepFlops, memoryBytes, fits: memoryBytes <= run.memoryBytes, secondsPerStep: seconds(stepFlops, run.measuredGflops) }
}

/** The growth phase's cost as the method's descriptor charges it (LiGO's operator steps, G_stack's base tokens); 0 without one. */
export function growthPhaseFigures(method: GrowthMethod, small: ModelConfig, large: ModelConfig, settings: MethodSettings, run: FigureRun): GrowthPhaseFigures {
  const seqLen = isTextConfig(large) ? run.seqLen : undefined
  const cost = method.growthCost?.({ small, large, settings, batchSize: run.batchSize, seqLen }) ?? { steps: 0, flops: 0 }
  return { method: method.name, steps: cost.steps, flops: cost.flops, secondsEstimate: cost.flops === 0 ? 0 : seconds(cost.flops, run.measuredGflops) }
}
