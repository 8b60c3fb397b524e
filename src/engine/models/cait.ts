/**
 * CaiT (Touvron et al. 2021; timm cait.py; docs/formats/checkpoints.md §2.6) as pure functions of the canonical map.
 *
 *   1. Self-attention stage on patch tokens only (positions have no CLS row): numLayers LayerScale blocks with
 *      talking-heads attention,  x += γ1 ⊙ Attn(LN1(x));  x += γ2 ⊙ MLP(LN2(x)).
 *   2. Class-attention stage: numClassLayers blocks that update only the CLS token, reading [CLS; patches]:
 *      u = [cls; x];  cls += γ1 ⊙ ClassAttn(LN1(u));  cls += γ2 ⊙ MLP(LN2(cls)).
 *   3. final LN and head.cls on the CLS token.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { CaiTConfig } from './config'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive } from '../backend/kernel-availability'
import { CLASS_BLOCK_WEIGHTS, classAttentionBlockFused } from '../backend/native-ops'
import { classAttention, resolveAttentionImpl, type AttentionSettings } from './layers/attention'
import { makeDropout } from './layers/dropout'
import { gelu } from './layers/gelu'
import { liveUnits } from './growth-masks'
import { layerNorm } from './layers/layer-norm'
import { linear } from './layers/linear'
import { mlp } from './layers/mlp'
import { paramReader, type ParamMap, type ParamReader } from './layers/params'
import { fusedBlockWeights, preLnBlock } from './layers/pre-ln-block'
import { checkPixels, patchEmbed } from './layers/patch-embed'
import type { ForwardOptions, VisionInputs } from './types'
import { tokenAt, tokenRows } from './vit'

function settingsFor(config: CaiTConfig, options: ForwardOptions, dropout = makeDropout(options.training, options.dropoutSeed)): AttentionSettings {
  return { numHeads: config.numHeads, impl: resolveAttentionImpl(options.attention), probsDropout: config.attentionDropout, dropout }
}

/** Stage 1: patch tokens [B, N, H] after the talking-heads self-attention blocks. */
export function caitPatchTokens(p: ParamReader, config: CaiTConfig, inputs: VisionInputs, settings: AttentionSettings, live?: tf.Tensor): tf.Tensor {
  const layout = inputs.layout ?? 'NHWC'
  checkPixels('cait', inputs.pixels, layout, config.imageSize, config.numChannels)
  const eps = config.layerNormEps
  const patches = patchEmbed(inputs.pixels, p('embed.patch.weight'), p('embed.patch.bias'), layout) // [B, N, H]
  let x = settings.dropout(tf.add(patches, p('embed.pos.weight')), config.hiddenDropout) // [B, N, H]
  for (let i = 0; i < config.numLayers; i++) {
    x = preLnBlock(p, `blocks.${i}`, x, settings, { eps, hiddenDropout: config.hiddenDropout, activation: 'gelu', live, cait: true })
  }
  return x
}

/**
 * One class-attention block: CLS [B, 1, H] and patches [B, N, H] -> the new CLS [B, 1, H]. Patches are read only.
 * Where the native class-block kernels are registered (backend/native-class-block.ts) the block is one kernel per
 * direction with the same values; otherwise, and for MSG's masked LayerNorms, it runs op by op.
 */
export function classAttentionBlock(p: ParamReader, prefix: string, config: CaiTConfig, cls: tf.Tensor, patches: tf.Tensor, settings: AttentionSettings, live?: tf.Tensor): tf.Tensor {
  const eps = config.layerNormEps
  const fusable = live === undefined && settings.bias === undefined && cls.dtype === 'float32' && patches.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.classBlock)
  const weights = fusable ? fusedBlockWeights(p, prefix, CLASS_BLOCK_WEIGHTS) : undefined
  if (weights) {
    // The sites in the op-by-op order: the probabilities (inside the attention), its output, the MLP's output.
    const probs = settings.dropout.site(settings.probsDropout)
    const attention = settings.dropout.site(config.hiddenDropout)
    const mlpSite = settings.dropout.site(config.hiddenDropout)
    return classAttentionBlockFused(cls, patches, weights, { numHeads: settings.numHeads, eps, dropouts: { probs, attention, mlp: mlpSite } })
  }
  const u = tf.concat([cls, patches], 1) // [B, 1+N, H]
  const normedU = layerNorm(u, p(`${prefix}.attn_norm.weight`), p(`${prefix}.attn_norm.bias`), eps, live)
  const attended = settings.dropout(classAttention(p, `${prefix}.attn`, normedU, settings), config.hiddenDropout) // [B, 1, H]
  let c = tf.add(cls, tf.mul(p(`${prefix}.attn_scale`), attended))
  const normedC = layerNorm(c, p(`${prefix}.mlp_norm.weight`), p(`${prefix}.mlp_norm.bias`), eps, live)
  c = tf.add(c, tf.mul(p(`${prefix}.mlp_scale`), settings.dropout(mlp(p, `${prefix}.mlp`, normedC, gelu), config.hiddenDropout)))
  return c // [B, 1, H]
}

/** Stage 2: tokens [B, 1+N, H] = [CLS after the class-attention blocks; patches unchanged]. */
export function classAttentionStage(params: ParamMap, config: CaiTConfig, patches: tf.Tensor, options: ForwardOptions, settings = settingsFor(config, options)): tf.Tensor {
  const p = paramReader(params, 'cait')
  let cls = tokenRows(p('embed.cls'), patches.shape[0]) // [B, 1, H]
  const live = liveUnits(options.growthMasks) // MSG's masked LayerNorms (growth-masks.ts); undefined otherwise
  for (let j = 0; j < config.numClassLayers; j++) cls = classAttentionBlock(p, `cls_blocks.${j}`, config, cls, patches, settings, live)
  return tf.concat([cls, patches], 1) // [B, 1+N, H]
}

/** Final-normed tokens [B, 1+N, H]. */
export function caitHidden(params: ParamMap, config: CaiTConfig, inputs: VisionInputs, options: ForwardOptions): tf.Tensor {
  const p = paramReader(params, 'cait')
  const settings = settingsFor(config, options)
  const live = liveUnits(options.growthMasks)
  const patches = caitPatchTokens(p, config, inputs, settings, live)
  const tokens = classAttentionStage(params, config, patches, options, settings)
  return layerNorm(tokens, p('final_norm.weight'), p('final_norm.bias'), config.layerNormEps, live)
}

/** Class logits [B, K] from the CLS token. */
export function caitForward(params: ParamMap, config: CaiTConfig, inputs: VisionInputs, options: ForwardOptions): tf.Tensor {
  const p = paramReader(params, 'cait')
  const cls = tokenAt(caitHidden(params, config, inputs, options), 0) // [B, H]
  return linear(cls, p('head.cls.weight'), p('head.cls.bias')) // [B, K]
}
