/**
 * A model's card for the zoo (shared/models.ts ModelSummary): sizes, parameters, forward FLOPs per token or image
 * (engine/metrics/flops.ts, the one FLOPs counter) and whether training it at the default batch fits this
 * machine's memory (engine/models/param-count.ts estimate).
 */
import type { ModelSizes, ModelSource, ModelSummary, TrainingFit } from '../../shared/models'
import { TRAIN_DEFAULTS } from '../../shared/train'
import { forwardFlopsPerExample } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import { isTextConfig, maxSequenceLength, type ModelConfig } from '../models/config'
import { estimateTrainingMemory, parameterCount } from '../models/param-count'

export function modelSizes(config: ModelConfig): ModelSizes {
  const sizes: ModelSizes = { layers: config.numLayers, hidden: config.hiddenSize, heads: config.numHeads, ffn: config.intermediateSize }
  if (isTextConfig(config)) {
    sizes.vocabSize = config.vocabSize
    sizes.maxPositions = config.maxPositions
  } else {
    sizes.imageSize = config.imageSize
    sizes.patchSize = config.patchSize
    sizes.numClasses = config.numClasses
    if (config.family === 'cait') sizes.classLayers = config.numClassLayers
  }
  return sizes
}

/** Forward FLOPs per token (text, over a full-length sequence) or per image. */
export function forwardFlops(config: ModelConfig): { flops: number; unit: 'token' | 'image' } {
  if (isTextConfig(config)) {
    const seqLen = maxSequenceLength(config)
    return { flops: forwardFlopsPerExample(flopsShapeOf(config, { seqLen })) / seqLen, unit: 'token' }
  }
  return { flops: forwardFlopsPerExample(flopsShapeOf(config)), unit: 'image' }
}

/** Training memory at TRAIN_DEFAULTS' batch (and sequence length, for text) against `availableBytes`. */
export function trainingFit(config: ModelConfig, availableBytes: number | null): TrainingFit {
  const batchSize = TRAIN_DEFAULTS.batchSize
  const sequenceLength = isTextConfig(config) ? Math.min(TRAIN_DEFAULTS.seqLen, maxSequenceLength(config)) : undefined
  const estimate = estimateTrainingMemory(config, { batchSize, sequenceLength })
  return {
    batchSize,
    tokensPerExample: estimate.tokensPerExample,
    estimatedBytes: estimate.totalBytes,
    availableBytes,
    fits: availableBytes === null ? null : estimate.totalBytes <= availableBytes,
  }
}

export interface CardInput {
  id: string
  name: string
  config: ModelConfig
  source: ModelSource
  sizeBytes: number | null
  addedAt: string | null
  warnings?: string[]
  availableBytes: number | null
}

export function modelCard(input: CardInput): ModelSummary {
  const { config } = input
  const flops = forwardFlops(config)
  return {
    id: input.id,
    name: input.name,
    family: config.family,
    modality: isTextConfig(config) ? 'text' : 'image',
    sizes: modelSizes(config),
    parameters: parameterCount(config),
    forwardFlops: flops.flops,
    forwardFlopsUnit: flops.unit,
    sizeBytes: input.sizeBytes,
    source: input.source,
    addedAt: input.addedAt,
    training: trainingFit(config, input.availableBytes),
    warnings: input.warnings ?? [],
  }
}
