/**
 * Tiny configs of every family for fast tests (here and in growth/train tests): a forward + backward pass takes
 * milliseconds on the cpu backend. Not for training anything.
 */
import * as tf from '@tensorflow/tfjs-core'
import { makeConfig, type FamilyName, type ModelConfig } from './config'

const sizes = { hiddenSize: 8, numHeads: 2, intermediateSize: 12, numLayers: 2 } as const
const image = { imageSize: 8, patchSize: 4, numChannels: 2, numClasses: 3 } as const

export const TINY_CONFIGS: { [F in FamilyName]: ModelConfig } = {
  bert: makeConfig('bert', { ...sizes, vocabSize: 13, maxPositions: 6, tieWordEmbeddings: true, addPooler: true }),
  roberta: makeConfig('roberta', { ...sizes, vocabSize: 13, maxPositions: 8, tieWordEmbeddings: false }),
  gpt2: makeConfig('gpt2', { ...sizes, vocabSize: 11, maxPositions: 6 }),
  vit: makeConfig('vit', { ...sizes, ...image }),
  deit: makeConfig('deit', { ...sizes, ...image }),
  cait: makeConfig('cait', { ...sizes, ...image, numClassLayers: 2, layerScaleInit: 0.1 }),
}

export function tinyConfig<C extends ModelConfig>(family: FamilyName, overrides: Partial<C> = {}): C {
  return { ...TINY_CONFIGS[family], ...overrides } as C
}

/** A batch for a tiny config: text [2, 5] ids avoiding the pad token; vision [2, S, S, C] NHWC pixels. */
export function tinyInputs(config: ModelConfig, seed = 1): { inputIds: tf.Tensor } | { pixels: tf.Tensor } {
  if ('vocabSize' in config) {
    const pad = 'padTokenId' in config ? config.padTokenId : -1
    const ids = tf.randomUniform([2, 5], 0, config.vocabSize, 'int32', seed)
    return { inputIds: tf.where(tf.equal(ids, pad), tf.fill([2, 5], (pad + 1) % config.vocabSize, 'int32'), ids) }
  }
  return { pixels: tf.randomNormal([2, config.imageSize, config.imageSize, config.numChannels], 0, 1, 'float32', seed) }
}
