/**
 * Parameter initialisation with a seeded RNG, following the reference implementations:
 *   weights, embeddings, position tables, CLS/DIST tokens: normal(0, initializerRange) (HF _init_weights; timm
 *     uses trunc_normal(std=.02) with ±2 absolute bounds, i.e. effectively the same normal);
 *   biases: 0; LayerNorm weights: 1; LayerScale (CaiT attn_scale/mlp_scale): layerScaleInit;
 *   BERT/RoBERTa: the padding row of embed.tok is 0 (nn.Embedding padding_idx);
 *   GPT-2: attn.out and mlp.down weights use std / √(2L) (GPT-2 paper §2.3, HF "scaled init").
 * The RNG runs in JS (tf.randomNormal), so a seed gives the same values on every backend.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ModelConfig } from './config'
import type { ParamMap } from './layers/params'
import { parameterShapes } from './shapes'

/** FNV-1a over the name, mixed with the seed: one independent, stable stream per parameter. */
export function parameterSeed(seed: number, name: string): number {
  let h = (2166136261 ^ (seed >>> 0)) >>> 0
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0
  return h
}

export type InitRule = { kind: 'zeros' } | { kind: 'ones' } | { kind: 'constant'; value: number } | { kind: 'normal'; std: number }

/** How one parameter is initialised (exported so the rule table itself can be tested and shown). */
export function initRule(config: ModelConfig, name: string): InitRule {
  if (name.endsWith('.bias')) return { kind: 'zeros' }
  if (/(^|\.)(norm|attn_norm|mlp_norm|final_norm)\.weight$/.test(name)) return { kind: 'ones' }
  if (name.endsWith('attn_scale') || name.endsWith('mlp_scale'))
    return { kind: 'constant', value: config.family === 'cait' ? config.layerScaleInit : 1 }
  if (config.family === 'gpt2' && /\.(attn\.out|mlp\.down)\.weight$/.test(name))
    return { kind: 'normal', std: config.initializerRange / Math.sqrt(2 * config.numLayers) }
  return { kind: 'normal', std: config.initializerRange }
}

/** One parameter drawn by its family's rule (initRule), seeded per name so the order of creation does not matter. */
export function initTensor(config: ModelConfig, name: string, shape: number[], seed: number): tf.Tensor {
  const rule = initRule(config, name)
  switch (rule.kind) {
    case 'zeros':
      return tf.zeros(shape)
    case 'ones':
      return tf.ones(shape)
    case 'constant':
      return tf.fill(shape, rule.value)
    case 'normal':
      return tf.randomNormal(shape, 0, rule.std, 'float32', parameterSeed(seed, name))
  }
}

/** Zero row `row` of a [V, H] table (BERT/RoBERTa padding token). */
function zeroRow(table: tf.Tensor, row: number): tf.Tensor {
  return tf.tidy(() => {
    const [rows] = table.shape
    const keep = tf.reshape(tf.oneHot(tf.tensor1d([row], 'int32'), rows), [rows, 1]) // [V, 1], 1 at `row`
    return tf.mul(table, tf.sub(1, keep))
  })
}

/** A fresh parameter map for the config; the caller owns (and disposes) the tensors. */
export function initParameters(config: ModelConfig, seed: number): ParamMap {
  const params: ParamMap = {}
  for (const [name, shape] of Object.entries(parameterShapes(config))) {
    let t = initTensor(config, name, shape, seed)
    if ((config.family === 'bert' || config.family === 'roberta') && name === 'embed.tok.weight') {
      const zeroed = zeroRow(t, config.padTokenId)
      t.dispose()
      t = zeroed
    }
    params[name] = t
  }
  return params
}
