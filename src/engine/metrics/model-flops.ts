/**
 * The one adapter from a model config (models/config.ts) to the FLOPs counter's FlopsShape (flops.ts), so the
 * trainer, `ligo flops` and growth runs count the same model the same way.
 */
import { prefixTokens, type ModelConfig } from '../models/config'
import { FlopsShapeError, type FlopsShape } from './flops'

export interface FlopsRunShape {
  /** Tokens per sequence; text models only (defaults to the model's position table). */
  seqLen?: number
}

export function flopsShapeOf(config: ModelConfig, run: FlopsRunShape = {}): FlopsShape {
  const sizes = { layers: config.numLayers, hidden: config.hiddenSize, heads: config.numHeads, ffn: config.intermediateSize }
  switch (config.family) {
    case 'bert':
    case 'roberta':
    case 'gpt2': {
      const seqLen = run.seqLen ?? config.maxPositions - (config.family === 'roberta' ? config.padTokenId + 1 : 0)
      if (!(Number.isInteger(seqLen) && seqLen >= 1)) throw new FlopsShapeError(`sequence length must be an integer >= 1, got ${seqLen}`)
      return { family: config.family === 'gpt2' ? 'decoder' : 'encoder', ...sizes, vocab: config.vocabSize, seqLen }
    }
    case 'vit':
    case 'deit':
      return { family: 'vit', ...sizes, ...imageSizes(config), prefixTokens: prefixTokens(config) }
    case 'cait':
      return { family: 'cait', ...sizes, ...imageSizes(config), classAttentionLayers: config.numClassLayers }
  }
}

function imageSizes(config: Extract<ModelConfig, { imageSize: number }>) {
  return { imageSize: config.imageSize, patchSize: config.patchSize, channels: config.numChannels, numClasses: config.numClasses }
}
