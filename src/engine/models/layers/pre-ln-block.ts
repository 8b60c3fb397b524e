/**
 * The pre-LN transformer block of ViT, DeiT and GPT-2: x2 = x + drop(Attn(LN1(x))); y = x2 + drop(MLP(LN2(x2))).
 * Where the native block kernels are registered (backend/native-block.ts) the whole block is one kernel per
 * direction with the same values; otherwise, and for MSG's masked LayerNorms, it runs op by op.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive } from '../../backend/kernel-availability'
import { BLOCK_WEIGHTS, preLnBlockFused, type BlockWeightName } from '../../backend/native-ops'
import { selfAttention, type AttentionSettings } from './attention'
import { gelu, geluNew } from './gelu'
import { layerNorm } from './layer-norm'
import { mlp } from './mlp'
import type { ParamReader } from './params'

/** The block kernels' weights under the block's canonical parameter names. */
const PARAM_OF: Record<BlockWeightName, string> = {
  ln1Gamma: 'attn_norm.weight', ln1Beta: 'attn_norm.bias',
  wq: 'attn.q.weight', bq: 'attn.q.bias', wk: 'attn.k.weight', bk: 'attn.k.bias', wv: 'attn.v.weight', bv: 'attn.v.bias',
  wo: 'attn.out.weight', bo: 'attn.out.bias',
  ln2Gamma: 'mlp_norm.weight', ln2Beta: 'mlp_norm.bias',
  w1: 'mlp.up.weight', b1: 'mlp.up.bias', w2: 'mlp.down.weight', b2: 'mlp.down.bias',
}

export interface PreLnBlockOptions {
  eps: number
  /** Dropout after the attention and after the MLP (the probabilities' rate is settings.probsDropout). */
  hiddenDropout: number
  /** 'gelu' (exact, ViT/DeiT) or 'gelu_new' (GPT-2's tanh approximation). */
  activation: 'gelu' | 'gelu_new'
  /** MSG's live units (models/growth-masks.ts): masked LayerNorms, op by op. */
  live?: tf.Tensor
}

/** Every weight of the fused kernels, or undefined when one is missing (e.g. a model without q/k/v biases). */
function blockWeights(p: ParamReader, prefix: string): Record<BlockWeightName, tf.Tensor> | undefined {
  const entries = BLOCK_WEIGHTS.map((name) => [name, p.optional(`${prefix}.${PARAM_OF[name]}`)] as const)
  if (entries.some(([, t]) => t === undefined || t.dtype !== 'float32')) return undefined
  return Object.fromEntries(entries) as Record<BlockWeightName, tf.Tensor>
}

/** x [B, T, H] -> [B, T, H]; parameters {prefix}.attn_norm.*, {prefix}.attn.{q,k,v,out}.*, {prefix}.mlp_norm.*, {prefix}.mlp.{up,down}.*. */
export function preLnBlock(p: ParamReader, prefix: string, x: tf.Tensor, settings: AttentionSettings, o: PreLnBlockOptions): tf.Tensor {
  const weights = o.live === undefined && settings.bias === undefined && x.rank === 3 && x.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.preLnBlock) ? blockWeights(p, prefix) : undefined
  if (weights) {
    // The sites in the op-by-op order: the probabilities (inside the attention), its output, the MLP's output.
    const probs = settings.dropout.site(settings.probsDropout)
    const attention = settings.dropout.site(o.hiddenDropout)
    const mlpSite = settings.dropout.site(o.hiddenDropout)
    return preLnBlockFused(x, weights, {
      numHeads: settings.numHeads, eps: o.eps, tanhGelu: o.activation === 'gelu_new', causal: settings.causal ?? false, keyMask: settings.keyMask,
      dropouts: { probs, attention, mlp: mlpSite },
    })
  }
  const normed1 = layerNorm(x, p(`${prefix}.attn_norm.weight`), p(`${prefix}.attn_norm.bias`), o.eps, o.live)
  const x2 = tf.add(x, settings.dropout(selfAttention(p, `${prefix}.attn`, normed1, settings), o.hiddenDropout))
  const normed2 = layerNorm(x2, p(`${prefix}.mlp_norm.weight`), p(`${prefix}.mlp_norm.bias`), o.eps, o.live)
  return tf.add(x2, settings.dropout(mlp(p, `${prefix}.mlp`, normed2, o.activation === 'gelu_new' ? geluNew : gelu), o.hiddenDropout))
}
