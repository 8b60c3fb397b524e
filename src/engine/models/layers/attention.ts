/**
 * Multi-head attention, in the shapes all families share:
 *   self-attention (BERT/RoBERTa/GPT-2/ViT/DeiT/CaiT SA blocks), with an optional additive bias that carries the
 *   padding mask and/or the causal mask, optional talking heads (CaiT: head-mixing linear maps before and after the
 *   softmax, Shazeer et al. 2020), and class attention (CaiT: only the CLS token asks, every token answers).
 *
 * Heads are computed either as one batched matmul over [B·A] (fast on cpu/tensorflow) or as one 2-D matmul per
 * (example, head) (fast on wasm, whose batched matmul is a naive loop: docs/engine/measurements.md §3.4). Both give the
 * same values; 'auto' picks per-head on wasm, unless the native BLAS BatchMatMul (engine/backend/native-kernels.ts)
 * serves it, which makes the batched product fast there too.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only module of engine/backend (kernel-availability.ts explains why models may import it).
import { FUSED_KERNELS, fusedKernelActive, nativeMatMulActive } from '../../backend/kernel-availability'
import { MASKED_LOGIT, fusedAttention, fusedTalkingAttention, maskBias, maskedSoftmax, type AttentionMasks, type TalkingHeadWeights } from '../../backend/native-ops'
import { fastMatMul, linear } from './linear'
import type { Dropout } from './dropout'
import type { ParamReader } from './params'

export type AttentionImpl = 'batched' | 'per-head'
export type AttentionImplChoice = AttentionImpl | 'auto'

export function resolveAttentionImpl(choice: AttentionImplChoice = 'auto'): AttentionImpl {
  if (choice !== 'auto') return choice
  return tf.getBackend() === 'wasm' && !nativeMatMulActive() ? 'per-head' : 'batched'
}

/** A large negative logit: exp() of it is exactly 0 in float32, unlike -Infinity it never produces NaN. */
export { MASKED_LOGIT }

/** Padding mask [B, Tk] (1 = attend, 0 = padding) -> additive bias [B, 1, 1, Tk]. */
export function paddingBias(attentionMask: tf.Tensor): tf.Tensor {
  return maskBias({ causal: false, keyMask: attentionMask }, 1, attentionMask.shape[1] as number)!
}

/** Causal mask: query t may see keys 0..t. Additive bias [1, 1, T, T]. */
export function causalBias(length: number): tf.Tensor {
  return maskBias({ causal: true }, length, length)!
}

export interface AttentionSettings {
  numHeads: number
  impl: AttentionImpl
  /** Dropout on attention probabilities. */
  probsDropout: number
  dropout: Dropout
  /** Query t sees keys 0..t only (GPT-2). Applied inside the softmax kernel, no mask tensor (native-ops.ts). */
  causal?: boolean
  /** Padding mask [B, Tk] (1 = attend, 0 = padding), applied the same way. */
  keyMask?: tf.Tensor
  /** Any other additive bias broadcastable to [B, A, Tq, Tk] (added to the scaled scores before the masks). */
  bias?: tf.Tensor
}

/** [B, T, H] -> [B·A, T, d] (head-contiguous columns, as HF/timm reshape(B, T, A, d)). */
export function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor3D {
  const [batch, length, hidden] = x.shape
  const d = hidden / numHeads
  const heads = tf.transpose(tf.reshape(x, [batch, length, numHeads, d]), [0, 2, 1, 3]) // [B, A, T, d]
  return tf.reshape(heads, [batch * numHeads, length, d]) // [B·A, T, d]
}

/** [B·A, T, d] -> [B, T, H] */
export function mergeHeads(x: tf.Tensor, batch: number, numHeads: number): tf.Tensor {
  const [, length, d] = x.shape
  const heads = tf.reshape(x, [batch, numHeads, length, d]) // [B, A, T, d]
  return tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [batch, length, numHeads * d]) // [B, T, H]
}

/** q [B·A, Tq, d] · k [B·A, Tk, d]ᵀ -> [B·A, Tq, Tk] */
function headScores(q: tf.Tensor3D, k: tf.Tensor3D, impl: AttentionImpl): tf.Tensor3D {
  if (impl === 'batched') return tf.matMul(q, k, false, true)
  const qs = tf.unstack(q) as tf.Tensor2D[] // B·A × [Tq, d]
  const ks = tf.unstack(k) as tf.Tensor2D[] // B·A × [Tk, d]
  return tf.stack(qs.map((qi, i) => fastMatMul(qi, ks[i], false, true))) as tf.Tensor3D // [B·A, Tq, Tk]
}

/** probs [B·A, Tq, Tk] · v [B·A, Tk, d] -> [B·A, Tq, d] */
function headContext(probs: tf.Tensor3D, v: tf.Tensor3D, impl: AttentionImpl): tf.Tensor3D {
  if (impl === 'batched') return tf.matMul(probs, v)
  const ps = tf.unstack(probs) as tf.Tensor2D[]
  const vs = tf.unstack(v) as tf.Tensor2D[]
  return tf.stack(ps.map((pi, i) => fastMatMul(pi, vs[i]))) as tf.Tensor3D
}

/** Add a bias broadcastable to [B, A, Tq, Tk] to scores [B·A, Tq, Tk]. */
function addBias(scores: tf.Tensor3D, bias: tf.Tensor, batch: number, numHeads: number): tf.Tensor3D {
  const [, tq, tk] = scores.shape
  const biased = tf.add(tf.reshape(scores, [batch, numHeads, tq, tk]), bias) // [B, A, Tq, Tk]
  return tf.reshape(biased, [batch * numHeads, tq, tk]) as tf.Tensor3D
}

/**
 * Talking heads: a linear map over the head axis, out[b, a', q, k] = Σ_a W[a', a]·s[b, a, q, k] + bias[a']
 * (timm proj_l / proj_w applied after permute(0, 2, 3, 1)). With the native BatchMatMul: W broadcast over the batch,
 * W [A, A] · S_b [A, Tq·Tk] for every b, no transposes (headMixMatMul). Elsewhere one 2-D matmul
 * W [A, A] · S [A, B·Tq·Tk] between two transposes (2-D matmuls are the fast ones on plain wasm).
 */
export function mixHeads(scores: tf.Tensor3D, weight: tf.Tensor, bias: tf.Tensor, batch: number): tf.Tensor3D {
  const [batchHeads, tq, tk] = scores.shape
  const numHeads = batchHeads / batch
  const perItem = tf.reshape(scores, [batch, numHeads, tq * tk]) as tf.Tensor3D // [B, A, Tq·Tk]
  if (nativeMatMulActive()) {
    return tf.reshape(headMix(weight as tf.Tensor2D, bias as tf.Tensor1D, perItem), [batchHeads, tq, tk]) as tf.Tensor3D
  }
  const byHead = tf.transpose(perItem, [1, 0, 2]) // [A, B, Tq·Tk]
  const flat = tf.reshape(byHead, [numHeads, batch * tq * tk]) as tf.Tensor2D // [A, B·Tq·Tk]
  const mixed = tf.add(fastMatMul(weight as tf.Tensor2D, flat), tf.reshape(bias, [numHeads, 1])) // [A, B·Tq·Tk]
  const back = tf.transpose(tf.reshape(mixed, [numHeads, batch, tq * tk]), [1, 0, 2]) // [B, A, Tq·Tk]
  return tf.reshape(back, [batchHeads, tq, tk]) as tf.Tensor3D
}

/**
 * W [A, A] · S [B, A, M] + bias [A, 1] -> [B, A, M], W broadcast over B. tf.matMul's own gradient cannot sum a
 * broadcast batch (tfjs 4.22), so it is written out: dS = Wᵀ · dY per item, dW = Σ_b dY_b · S_bᵀ, and the bias
 * gradient sums the trailing axis then the leading one (two native reductions instead of a transposing one).
 */
const headMix = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [w, bias, x, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor3D, tf.GradSaveFunc]
  save([w, x])
  const broadcastW = (t: tf.Tensor) => tf.reshape(t, [1, t.shape[0], t.shape[1] as number]) as tf.Tensor3D // [1, A, A]
  return {
    value: tf.add(tf.matMul(broadcastW(w), x), tf.reshape(bias, [bias.shape[0], 1])),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.sum(tf.matMul(dy as tf.Tensor3D, saved[1] as tf.Tensor3D, false, true), 0), // [A, A]
      tf.sum(tf.sum(dy, 2), 0), // [A]
      tf.matMul(broadcastW(saved[0]), dy as tf.Tensor3D, true, false), // [B, A, M]
    ],
  }
}) as unknown as (w: tf.Tensor2D, bias: tf.Tensor1D, x: tf.Tensor3D) => tf.Tensor3D

/** CaiT's head-mixing maps, as the native kernel takes them (native-ops.ts). */
export type TalkingHeads = TalkingHeadWeights

/**
 * dropout(softmax(q·kᵀ/√d + bias))·v per head. q [B, Tq, H], k and v [B, Tk, H] (already projected) -> [B, Tq, H].
 * Attention without talking heads or an extra bias runs as one native kernel per direction where it is registered
 * (native-ops.ts fusedAttention), the masks and the dropout of the probabilities inside it: on the small vision
 * models the op-by-op core (three head splits, two batched matmuls, the softmax, the merge, and their gradients) was
 * ~30 kernel calls per block, a large share of a step that is mostly TF.js bookkeeping at this size; on the text
 * models the dropout of the probabilities alone was as slow (native/README.md). Both paths drop the same entries.
 */
export function scaledDotProductAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, s: AttentionSettings, talking?: TalkingHeads): tf.Tensor {
  const plain = s.bias === undefined && s.causal !== true && s.keyMask === undefined && q.dtype === 'float32'
  if (talking && plain && fusedKernelActive(FUSED_KERNELS.talkingAttention)) {
    // CaiT: the head mixing before and after the softmax inside one kernel per direction (native-ops.ts).
    return fusedTalkingAttention(q, k, v, talking, { numHeads: s.numHeads, dropout: s.dropout.site(s.probsDropout) })
  }
  if (talking === undefined && s.bias === undefined && q.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.attention)) {
    const scale = 1 / Math.sqrt((q.shape[2] as number) / s.numHeads)
    const dropout = s.dropout.site(s.probsDropout) // the site the op-by-op path would take for its probabilities
    return fusedAttention(q, k, v, { numHeads: s.numHeads, scale, causal: s.causal ?? false, keyMask: s.keyMask, dropout })
  }
  return attendHeads(splitHeads(q, s.numHeads), splitHeads(k, s.numHeads), splitHeads(v, s.numHeads), q.shape[0], s, talking)
}

/** The same on heads already split: qh [B·A, Tq, d], kh and vh [B·A, Tk, d] -> [B, Tq, H]. */
function attendHeads(qh: tf.Tensor3D, kh: tf.Tensor3D, vh: tf.Tensor3D, batch: number, s: AttentionSettings, talking?: TalkingHeads): tf.Tensor {
  const d = qh.shape[2]
  const scale = 1 / Math.sqrt(d)
  let scores = headScores(qh, kh, s.impl) // [B·A, Tq, Tk]
  const [, tq, tk] = scores.shape
  const masks = { causal: s.causal ?? false, keyMask: s.keyMask }
  let probs: tf.Tensor3D
  if (talking) {
    // Talking heads mix the masked logits (Shazeer et al. 2020), so scale and masks come before the mixing.
    const bias = [s.bias, maskBias(masks, tq, tk)].filter((b): b is tf.Tensor => b !== undefined && b !== null)
    scores = tf.mul(scores, scale) as tf.Tensor3D
    for (const b of bias) scores = addBias(scores, b, batch, s.numHeads)
    scores = mixHeads(scores, talking.pre.weight, talking.pre.bias, batch)
    probs = softmaxOverKeys(scores, batch, s.numHeads, { scale: 1, causal: false })
    probs = mixHeads(probs, talking.post.weight, talking.post.bias, batch)
  } else if (s.bias) {
    probs = softmaxOverKeys(addBias(tf.mul(scores, scale) as tf.Tensor3D, s.bias, batch, s.numHeads), batch, s.numHeads, { scale: 1, ...masks })
  } else {
    probs = softmaxOverKeys(scores, batch, s.numHeads, { scale, ...masks }) // scale and masks inside one kernel
  }
  probs = s.dropout(probs, s.probsDropout) as tf.Tensor3D
  return mergeHeads(headContext(probs, vh, s.impl), batch, s.numHeads) // [B, Tq, H]
}

/** scores [B·A, Tq, Tk] -> probabilities [B·A, Tq, Tk] (native-ops.ts maskedSoftmax on [B, A, Tq, Tk]). */
function softmaxOverKeys(scores: tf.Tensor3D, batch: number, numHeads: number, masks: AttentionMasks): tf.Tensor3D {
  const [batchHeads, tq, tk] = scores.shape
  return tf.reshape(maskedSoftmax(tf.reshape(scores, [batch, numHeads, tq, tk]), masks), [batchHeads, tq, tk]) as tf.Tensor3D
}

/**
 * Self-attention with canonical names {prefix}.{q,k,v,out}.{weight,bias} (q/k/v bias optional)
 * and, when talkingHeads is set, {prefix}.talk_pre.* / {prefix}.talk_post.* [A, A] / [A]. x [B, T, H] -> [B, T, H].
 */
export function selfAttention(p: ParamReader, prefix: string, x: tf.Tensor, s: AttentionSettings, talkingHeads = false): tf.Tensor {
  const talking: TalkingHeads | undefined = talkingHeads
    ? {
        pre: { weight: p(`${prefix}.talk_pre.weight`), bias: p(`${prefix}.talk_pre.bias`) },
        post: { weight: p(`${prefix}.talk_post.weight`), bias: p(`${prefix}.talk_post.bias`) },
      }
    : undefined
  const [q, k, v] = ['q', 'k', 'v'].map((name) => linear(x, p(`${prefix}.${name}.weight`), p.optional(`${prefix}.${name}.bias`))) // [B, T, H] each
  const context = scaledDotProductAttention(q, k, v, s, talking)
  return linear(context, p(`${prefix}.out.weight`), p.optional(`${prefix}.out.bias`))
}

/**
 * Class attention (CaiT, timm ClassAttn): the query comes from the CLS token only, keys and values from all
 * tokens. u [B, 1+N, H] (CLS first) -> [B, 1, H], the update for the CLS token; the other tokens get none.
 */
export function classAttention(p: ParamReader, prefix: string, u: tf.Tensor, s: AttentionSettings): tf.Tensor {
  const [batch, , hidden] = u.shape
  const cls = tf.slice(u, [0, 0, 0], [batch, 1, hidden]) // [B, 1, H]
  const q = linear(cls, p(`${prefix}.q.weight`), p.optional(`${prefix}.q.bias`)) // [B, 1, H]
  const k = linear(u, p(`${prefix}.k.weight`), p.optional(`${prefix}.k.bias`)) // [B, 1+N, H]
  const v = linear(u, p(`${prefix}.v.weight`), p.optional(`${prefix}.v.bias`)) // [B, 1+N, H]
  const context = scaledDotProductAttention(q, k, v, s) // [B, 1, H]
  return linear(context, p(`${prefix}.out.weight`), p.optional(`${prefix}.out.bias`))
}
