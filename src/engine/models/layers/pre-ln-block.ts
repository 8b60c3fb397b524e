/**
 * The pre-LN transformer block of ViT, DeiT and GPT-2: x2 = x + drop(Attn(LN1(x))); y = x2 + drop(MLP(LN2(x2))), and
 * CaiT's self-attention block (talking-heads attention, each branch scaled by its LayerScale vector before the add).
 * Where the native block kernels are registered (backend/native-block.ts) the whole block is one kernel per
 * direction with the same values; otherwise, and for MSG's masked LayerNorms, it runs op by op.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive } from '../../backend/kernel-availability'
import { BLOCK_WEIGHTS, CAIT_BLOCK_WEIGHTS, preLnBlockFused, type BlockWeightName } from '../../backend/native-ops'
import { selfAttention, type AttentionSettings } from './attention'
import { gelu, geluNew } from './gelu'
import { layerNorm } from './layer-norm'
import { mlp } from './mlp'
import type { ParamReader } from './params'

/** The block kernels' weights under the block's canonical parameter names (CaiT's class-attention block uses the same names). */
const PARAM_OF: Record<BlockWeightName, string> = {
  ln1Gamma: 'attn_norm.weight', ln1Beta: 'attn_norm.bias',
  wq: 'attn.q.weight', bq: 'attn.q.bias', wk: 'attn.k.weight', bk: 'attn.k.bias', wv: 'attn.v.weight', bv: 'attn.v.bias',
  wo: 'attn.out.weight', bo: 'attn.out.bias',
  ln2Gamma: 'mlp_norm.weight', ln2Beta: 'mlp_norm.bias',
  w1: 'mlp.up.weight', b1: 'mlp.up.bias', w2: 'mlp.down.weight', b2: 'mlp.down.bias',
  tPreW: 'attn.talk_pre.weight', tPreB: 'attn.talk_pre.bias', tPostW: 'attn.talk_post.weight', tPostB: 'attn.talk_post.bias',
  gamma1: 'attn_scale', gamma2: 'mlp_scale',
}

export interface PreLnBlockOptions {
  eps: number
  /** Dropout after the attention and after the MLP (the probabilities' rate is settings.probsDropout). */
  hiddenDropout: number
  /** 'gelu' (exact, ViT/DeiT) or 'gelu_new' (GPT-2's tanh approximation). */
  activation: 'gelu' | 'gelu_new'
  /** MSG's live units (models/growth-masks.ts): masked LayerNorms, op by op. */
  live?: tf.Tensor
  /** CaiT's self-attention block: talking heads ({prefix}.attn.talk_pre/talk_post.*) and LayerScale ({prefix}.attn_scale, {prefix}.mlp_scale). */
  cait?: boolean
}

/**
 * The named weights of a fused block kernel (the pre-LN block's, or CaiT's class-attention block's), or undefined when
 * one is missing or not float32 (e.g. a model without q/k/v biases): then the block runs op by op.
 */
export function fusedBlockWeights<N extends BlockWeightName>(p: ParamReader, prefix: string, names: readonly N[]): Record<N, tf.Tensor> | undefined {
  const entries = names.map((name) => [name, p.optional(`${prefix}.${PARAM_OF[name]}`)] as const)
  if (entries.some(([, t]) => t === undefined || t.dtype !== 'float32')) return undefined
  return Object.fromEntries(entries) as Record<N, tf.Tensor>
}

/** x [B, T, H] -> [B, T, H]; parameters {prefix}.attn_norm.*, {prefix}.attn.{q,k,v,out}.*, {prefix}.mlp_norm.*, {prefix}.mlp.{up,down}.*. */
export function preLnBlock(p: ParamReader, prefix: string, x: tf.Tensor, settings: AttentionSettings, o: PreLnBlockOptions): tf.Tensor {
  const weights = o.live === undefined && settings.bias === undefined && x.rank === 3 && x.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.preLnBlock) ? fusedBlockWeights(p, prefix, o.cait ? [...BLOCK_WEIGHTS, ...CAIT_BLOCK_WEIGHTS] : BLOCK_WEIGHTS) : undefined
  if (weights) {
    // The sites in the op-by-op order: the probabilities (inside the attention), its output, the MLP's output.
    const probs = settings.dropout.site(settings.probsDropout)
    const attention = settings.dropout.site(o.hiddenDropout)
    const mlpSite = settings.dropout.site(o.hiddenDropout)
    return preLnBlockFused(x, weights, {
      numHeads: settings.numHeads, eps: o.eps, tanhGelu: o.activation === 'gelu_new', causal: settings.causal ?? false, keyMask: settings.keyMask,
      cait: o.cait, dropouts: { probs, attention, mlp: mlpSite },
    })
  }
  const scaled = (name: string, branch: tf.Tensor) => (o.cait ? tf.mul(p(`${prefix}.${name}`), branch) : branch) // LayerScale
  const normed1 = layerNorm(x, p(`${prefix}.attn_norm.weight`), p(`${prefix}.attn_norm.bias`), o.eps, o.live)
  const x2 = tf.add(x, scaled('attn_scale', settings.dropout(selfAttention(p, `${prefix}.attn`, normed1, settings, o.cait), o.hiddenDropout)))
  const normed2 = layerNorm(x2, p(`${prefix}.mlp_norm.weight`), p(`${prefix}.mlp_norm.bias`), o.eps, o.live)
  return tf.add(x2, scaled('mlp_scale', settings.dropout(mlp(p, `${prefix}.mlp`, normed2, o.activation === 'gelu_new' ? geluNew : gelu), o.hiddenDropout)))
}
