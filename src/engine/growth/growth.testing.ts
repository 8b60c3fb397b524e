/** Test helpers for growth: tiny (small, large) pairs per family and "trained-looking" small parameters. */
import * as tf from '@tensorflow/tfjs-core'
import { getFamily, parameterSeed, tinyConfig, TINY_CONFIGS, type FamilyName, type ModelConfig, type ParamMap } from '../models'

/** Depth ×2 at equal width. */
export function depthPair(family: FamilyName): { small: ModelConfig; large: ModelConfig } {
  const small = TINY_CONFIGS[family]
  return { small, large: tinyConfig(family, { numLayers: small.numLayers * 2 }) }
}

/** Depth ×2, width ×1.5 (H 8 -> 12), heads 2 -> 3 at head size 4, FFN 12 -> 18; CaiT also 2 -> 3 class blocks. */
export function fullPair(family: FamilyName): { small: ModelConfig; large: ModelConfig } {
  const small = TINY_CONFIGS[family]
  const extra = family === 'cait' ? { numClassLayers: 3 } : {}
  return { small, large: tinyConfig(family, { numLayers: small.numLayers * 2, hiddenSize: 12, numHeads: 3, intermediateSize: 18, ...extra }) }
}

/** Depth ×2, width ×2 (H 8 -> 16, heads 2 -> 4, FFN 12 -> 24): for operators that grow by whole factors only. */
export function wholeFactorPair(family: FamilyName): { small: ModelConfig; large: ModelConfig } {
  const small = TINY_CONFIGS[family]
  return { small, large: tinyConfig(family, { numLayers: small.numLayers * 2, hiddenSize: 16, numHeads: 4, intermediateSize: 24 }) }
}

/** Width ×1.5 at equal depth. */
export function widthPair(family: FamilyName): { small: ModelConfig; large: ModelConfig } {
  const small = TINY_CONFIGS[family]
  return { small, large: tinyConfig(family, { hiddenSize: 12, numHeads: 3, intermediateSize: 18 }) }
}

/**
 * The family init plus N(0, 0.1) noise on every tensor, so biases, LayerNorm β and LayerScale are non-trivial
 * (a fresh init has zero biases, which would hide mistakes in how biases are grown).
 */
export function trainedLikeParams(config: ModelConfig, seed = 7): ParamMap {
  const base = getFamily(config.family).init(config, seed)
  const out: ParamMap = {}
  for (const [name, t] of Object.entries(base)) {
    out[name] = tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 0.1, 'float32', parameterSeed(seed + 1, name))))
    t.dispose()
  }
  return out
}

export function disposeAll(params: ParamMap): void {
  Object.values(params).forEach((t) => t.dispose())
}

/** Largest |a - b| over two tensors of the same shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])
}
