/**
 * The before -> after figures of a designed growth: parameters, training FLOPs per step at the chosen batch and
 * sequence, training memory and whether it fits this machine, the step time predicted from the measured matmul
 * speed, and the growth phase's own cost charged as `ligo flops --grow-from --grow-steps` charges it
 * (docs/growth/accounting.md §3.3). One formula per figure, all from engine/models and engine/metrics.
 */
import type { GrowthPhaseFigures, ModelFigures } from '../../../shared/growth-design'
import { ligoGrowthStepFlops, trainingStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { isTextConfig, type ModelConfig } from '../../models/config'
import { estimateTrainingMemory, parameterCount } from '../../models/param-count'

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

/** LiGO charges its operator steps (large step + operator surcharge); one-shot maps cost nothing to grow. */
export function growthPhaseFigures(method: string, small: ModelConfig, large: ModelConfig, operatorSteps: number, run: FigureRun): GrowthPhaseFigures {
  if (method !== 'ligo') return { method, steps: 0, flops: 0, secondsEstimate: 0 }
  const seqLen = isTextConfig(large) ? run.seqLen : undefined
  const flops = operatorSteps * ligoGrowthStepFlops(flopsShapeOf(small, { seqLen }), flopsShapeOf(large, { seqLen }), run.batchSize)
  return { method, steps: operatorSteps, flops, secondsEstimate: seconds(flops, run.measuredGflops) }
}
