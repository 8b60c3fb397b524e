/**
 * ViT and distilled DeiT (docs/formats/checkpoints.md §2.4, §2.5) as pure functions of the canonical parameter map.
 * Tokens [CLS, (DIST), patches] + learned positions; pre-LN blocks: x += Attn(LN1(x)); x += MLP(LN2(x));
 * final LN; head.cls reads CLS, DeiT's head.dist reads DIST; DeiT inference averages the two heads.
 */
import * as tf from '@tensorflow/tfjs-core'
import { prefixTokens, type ViTConfig } from './config'
import { resolveAttentionImpl, type AttentionSettings } from './layers/attention'
import { makeDropout } from './layers/dropout'
import { liveUnits } from './growth-masks'
import { layerNorm } from './layers/layer-norm'
import { linear } from './layers/linear'
import { paramReader, type ParamMap } from './layers/params'
import { preLnBlock } from './layers/pre-ln-block'
import { checkPixels, patchEmbed } from './layers/patch-embed'
import type { ForwardOptions, VisionInputs } from './types'

/**
 * Learned tokens [H] broadcast to [B, 1, H]. As a broadcasting add, whose gradient is one Sum over the batch:
 * tf.tile's (and tf.broadcastTo's, a Tile too) gradient is a slice and an add per batch item, 64 kernel calls per
 * token for a batch of 32 (tfjs-core 4.22 Tile_grad).
 */
export function tokenRows(token: tf.Tensor, batch: number): tf.Tensor {
  const h = token.shape[0]
  return tf.add(tf.zeros([batch, 1, h]), tf.reshape(token, [1, 1, h])) // [B, 1, H]
}

/** Final-normed tokens [B, prefix + N, H]. */
export function vitHidden(params: ParamMap, config: ViTConfig, inputs: VisionInputs, options: ForwardOptions): tf.Tensor {
  const layout = inputs.layout ?? 'NHWC'
  checkPixels(config.family, inputs.pixels, layout, config.imageSize, config.numChannels)
  const p = paramReader(params, config.family)
  const dropout = makeDropout(options.training, options.dropoutSeed)
  const settings: AttentionSettings = { numHeads: config.numHeads, impl: resolveAttentionImpl(options.attention), probsDropout: config.attentionDropout, dropout }
  const live = liveUnits(options.growthMasks) // MSG's masked LayerNorms (growth-masks.ts); undefined otherwise
  const batch = inputs.pixels.shape[0]
  const patches = patchEmbed(inputs.pixels, p('embed.patch.weight'), p('embed.patch.bias'), layout) // [B, N, H]
  const prefix = [tokenRows(p('embed.cls'), batch)]
  if (config.family === 'deit') prefix.push(tokenRows(p('embed.dist'), batch))
  let x = tf.add(tf.concat([...prefix, patches], 1), p('embed.pos.weight')) // [B, prefix + N, H]
  x = dropout(x, config.hiddenDropout)
  for (let i = 0; i < config.numLayers; i++) {
    x = preLnBlock(p, `blocks.${i}`, x, settings, { eps: config.layerNormEps, hiddenDropout: config.hiddenDropout, activation: 'gelu', live })
  }
  return layerNorm(x, p('final_norm.weight'), p('final_norm.bias'), config.layerNormEps, live)
}

/** Token `index` of [B, T, H] -> [B, H]. */
export function tokenAt(x: tf.Tensor, index: number): tf.Tensor {
  const [batch, , h] = x.shape
  return tf.reshape(tf.slice(x, [0, index, 0], [batch, 1, h]), [batch, h])
}

/**
 * Class logits: ViT [B, K]; DeiT [B, K] = mean of the two heads (deitHeads 'average', default)
 * or [2, B, K] = [CLS head, DIST head] (deitHeads 'both').
 */
export function vitForward(params: ParamMap, config: ViTConfig, inputs: VisionInputs, options: ForwardOptions): tf.Tensor {
  const p = paramReader(params, config.family)
  const x = vitHidden(params, config, inputs, options)
  const clsLogits = linear(tokenAt(x, 0), p('head.cls.weight'), p('head.cls.bias')) // [B, K]
  if (config.family === 'vit') return clsLogits
  const distLogits = linear(tokenAt(x, prefixTokens(config) - 1), p('head.dist.weight'), p('head.dist.bias')) // [B, K]
  if (options.deitHeads === 'both') return tf.stack([clsLogits, distLogits]) // [2, B, K]
  return tf.div(tf.add(clsLogits, distLogits), 2)
}
