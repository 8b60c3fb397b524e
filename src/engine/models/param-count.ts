/**
 * Parameter count and a training-memory estimate (fp32, AdamW) for a config.
 *
 * Exact: weights, gradients (one per weight), AdamW's first and second moments (m, v): 4 × 4 bytes per parameter.
 * Estimated: activations the gradient tape keeps alive until the backward pass. TF.js keeps every intermediate
 * that some gradient needs, so we count, per token and block, the tensors our forward creates:
 *   ~16·H floats (LayerNorm inputs/normalised/outputs, q, k, v, split/merged heads, attention and MLP outputs,
 *   residual sums), 3·I (MLP pre-activation, activation, its output before down-projection),
 *   3·A·T' (scores, probabilities, dropped probabilities; T' = tokens attended to; +2·A·T' with talking heads),
 * plus the embeddings (4·H per token) and the head (3·V per token for text: logits, log-softmax, their gradient;
 * 3·K per image for vision). Real peaks vary by backend (wasm may hold extra copies); treat it as ±50 %.
 */
import { numPatches, prefixTokens, type ModelConfig } from './config'
import { parameterShapes } from './shapes'

const FLOAT_BYTES = 4

export function parameterCount(config: ModelConfig): number {
  let total = 0
  for (const shape of Object.values(parameterShapes(config))) total += shape.reduce((a, b) => a * b, 1)
  return total
}

export interface MemoryEstimate {
  parameters: number
  weightsBytes: number
  gradientsBytes: number
  /** AdamW m and v. */
  optimizerBytes: number
  /** Estimated; see the module comment. */
  activationsBytes: number
  totalBytes: number
  /** Tokens per example the estimate assumed. */
  tokensPerExample: number
  batchSize: number
}

/** Tokens one example carries through the blocks: text = sequence length; vision = patches + prefix tokens. */
export function tokensPerExample(config: ModelConfig, sequenceLength?: number): number {
  switch (config.family) {
    case 'bert':
    case 'roberta':
    case 'gpt2':
      return sequenceLength ?? config.maxPositions - (config.family === 'roberta' ? config.padTokenId + 1 : 0)
    default:
      return numPatches(config) + prefixTokens(config)
  }
}

export function estimateTrainingMemory(config: ModelConfig, options: { batchSize: number; sequenceLength?: number }): MemoryEstimate {
  const parameters = parameterCount(config)
  const { batchSize } = options
  const T = tokensPerExample(config, options.sequenceLength)
  const H = config.hiddenSize
  const talking = config.family === 'cait' ? 2 : 0
  const perTokenPerBlock = 16 * H + 3 * config.intermediateSize + (3 + talking) * config.numHeads * T
  let floats = batchSize * T * (config.numLayers * perTokenPerBlock + 4 * H)
  if (config.family === 'cait') floats += batchSize * config.numClassLayers * ((16 * H + 3 * config.intermediateSize) + 3 * config.numHeads * (T + 1))
  floats += 'vocabSize' in config ? batchSize * T * 3 * config.vocabSize : batchSize * 3 * config.numClasses * (config.family === 'deit' ? 2 : 1)
  const weightsBytes = parameters * FLOAT_BYTES
  const activationsBytes = floats * FLOAT_BYTES
  return {
    parameters,
    weightsBytes,
    gradientsBytes: weightsBytes,
    optimizerBytes: 2 * weightsBytes,
    activationsBytes,
    totalBytes: 4 * weightsBytes + activationsBytes,
    tokensPerExample: T,
    batchSize,
  }
}
