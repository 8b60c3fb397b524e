/**
 * BERT and RoBERTa encoders with the MLM head (docs/formats/checkpoints.md §2.1, §2.2), as pure functions of the
 * canonical parameter map. Post-LN blocks: x = LN(x + Attn(x)); x = LN(x + FFN(x)), exact-erf GELU.
 */
import * as tf from '@tensorflow/tfjs-core'
import { maxSequenceLength, type EncoderConfig } from './config'
import { resolveAttentionImpl, selfAttention, type AttentionSettings } from './layers/attention'
import { makeDropout, type Dropout } from './layers/dropout'
import { blendBlock, blockMask, liveUnits } from './growth-masks'
import { embedding } from './layers/embedding'
import { gelu } from './layers/gelu'
import { layerNorm } from './layers/layer-norm'
import { linear } from './layers/linear'
import { mlp } from './layers/mlp'
import { paramReader, type ParamMap, type ParamReader } from './layers/params'
import type { ForwardOptions, TextInputs } from './types'

/**
 * Position ids [B, T]. BERT: 0..T-1. RoBERTa (HF create_position_ids_from_input_ids): real tokens count up from
 * padTokenId + 1, padding tokens get padTokenId, so position rows 0..pad are never used by real tokens.
 */
export function positionIds(config: EncoderConfig, inputIds: tf.Tensor): tf.Tensor {
  const [batch, length] = inputIds.shape
  if (config.family === 'bert') return tf.tile(tf.reshape(tf.range(0, length, 1, 'int32'), [1, length]), [batch, 1]) // [B, T]
  const real = tf.cast(tf.notEqual(tf.cast(inputIds, 'int32'), config.padTokenId), 'int32') // [B, T]
  return tf.add(tf.mul(tf.cumsum(real, 1), real), tf.scalar(config.padTokenId, 'int32')) // [B, T]
}

function embeddings(p: ParamReader, c: EncoderConfig, inputs: TextInputs, dropout: Dropout, live?: tf.Tensor): tf.Tensor {
  const ids = inputs.inputIds
  const words = embedding(p('embed.tok.weight'), ids) // [B, T, H]
  const positions = embedding(p('embed.pos.weight'), positionIds(c, ids)) // [B, T, H]
  const typeIds = inputs.tokenTypeIds ?? tf.zeros(ids.shape, 'int32')
  const types = embedding(p('embed.type.weight'), typeIds) // [B, T, H]
  const x = layerNorm(tf.addN([words, positions, types]), p('embed.norm.weight'), p('embed.norm.bias'), c.layerNormEps, live)
  return dropout(x, c.hiddenDropout)
}

function checkInputs(c: EncoderConfig, inputs: TextInputs): void {
  const ids = inputs.inputIds
  if (ids.rank !== 2) throw new Error(`${c.family} forward: inputIds must be [batch, seq], got shape [${ids.shape}]`)
  const maxLength = maxSequenceLength(c)
  const length = ids.shape[ids.rank - 1]
  if (length > maxLength) throw new Error(`${c.family} forward: sequence length ${length} exceeds the ${maxLength} positions of this model`)
  for (const [name, t] of [['attentionMask', inputs.attentionMask], ['tokenTypeIds', inputs.tokenTypeIds]] as const) {
    if (t !== undefined && (t.rank !== 2 || t.shape[0] !== ids.shape[0] || t.shape[1] !== ids.shape[1]))
      throw new Error(`${c.family} forward: ${name} shape [${t.shape}] does not match inputIds [${ids.shape}]`)
  }
}

/** Final hidden states [B, T, H] of the encoder (after the last post-LN block). */
export function encoderHidden(params: ParamMap, config: EncoderConfig, inputs: TextInputs, options: ForwardOptions): tf.Tensor {
  checkInputs(config, inputs)
  const p = paramReader(params, config.family)
  const dropout = makeDropout(options.training, options.dropoutSeed)
  const settings: AttentionSettings = {
    numHeads: config.numHeads,
    impl: resolveAttentionImpl(options.attention),
    probsDropout: config.attentionDropout,
    dropout,
    keyMask: inputs.attentionMask, // [B, T], applied inside the softmax
  }
  const masks = options.growthMasks // MSG (growth-masks.ts); absent in every other use
  const live = liveUnits(masks)
  let x = embeddings(p, config, inputs, dropout, live) // [B, T, H]
  for (let i = 0; i < config.numLayers; i++) {
    const b = `blocks.${i}`
    // A new block at mask 0 leaves the stream as it is, but still runs: its weights get their (zero) gradients, as
    // the pre-LN families' masked branches do, and MSG is charged the whole large model's step.
    const m = blockMask(masks, i)
    const input = x
    const attended = dropout(selfAttention(p, `${b}.attn`, x, settings), config.hiddenDropout)
    x = layerNorm(tf.add(x, attended), p(`${b}.attn_norm.weight`), p(`${b}.attn_norm.bias`), config.layerNormEps, live)
    const transformed = dropout(mlp(p, `${b}.mlp`, x, gelu), config.hiddenDropout)
    x = layerNorm(tf.add(x, transformed), p(`${b}.mlp_norm.weight`), p(`${b}.mlp_norm.bias`), config.layerNormEps, live)
    x = blendBlock(input, x, m)
  }
  return x
}

/** MLM head: transform (dense, GELU, LN), then decoder (embed.tok or head.lm) + head.mlm.bias. [B, T, H] -> [B, T, V] */
export function mlmHead(params: ParamMap, config: EncoderConfig, hidden: tf.Tensor, live?: tf.Tensor): tf.Tensor {
  const p = paramReader(params, config.family)
  const transformed = gelu(linear(hidden, p('head.mlm.dense.weight'), p('head.mlm.dense.bias')))
  const normed = layerNorm(transformed, p('head.mlm.norm.weight'), p('head.mlm.norm.bias'), config.layerNormEps, live)
  const decoder = config.tieWordEmbeddings ? p('embed.tok.weight') : p('head.lm.weight') // [V, H]
  return linear(normed, decoder, p('head.mlm.bias')) // [B, T, V]
}

/** BertPooler: tanh(dense(first token)). [B, T, H] -> [B, H]. Needs addPooler. */
export function pooledOutput(params: ParamMap, config: EncoderConfig, hidden: tf.Tensor): tf.Tensor {
  const p = paramReader(params, config.family)
  const [batch, , h] = hidden.shape
  const first = tf.reshape(tf.slice(hidden, [0, 0, 0], [batch, 1, h]), [batch, h]) // [B, H]
  return tf.tanh(linear(first, p('pooler.weight'), p('pooler.bias')))
}

/** MLM logits [B, T, V], or [N, V] at options.outputPositions. */
export function encoderForward(params: ParamMap, config: EncoderConfig, inputs: TextInputs, options: ForwardOptions): tf.Tensor {
  const hidden = encoderHidden(params, config, inputs, options) // [B, T, H]
  const live = liveUnits(options.growthMasks) // the MLM transform is D wide: its LayerNorm is masked as the stream's
  if (!options.outputPositions) return mlmHead(params, config, hidden, live)
  const [batch, length, h] = hidden.shape
  return mlmHead(params, config, tf.gather(tf.reshape(hidden, [batch * length, h]), options.outputPositions), live) // [N, V]
}
