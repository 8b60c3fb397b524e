/**
 * Fused ops with gradients: one native kernel per direction when the fused kernels are registered for the active
 * backend (native-kernels.ts, wasm + addon), otherwise the same math as plain TF.js ops. Both paths give the same
 * values within float32 rounding (native-kernels.test.ts checks it), so model code may call these everywhere.
 *
 *   linearFused(x [N, in], W [out, in], b [out])   x·Wᵀ + b (native only)
 *   softmaxCrossEntropy(logits [N, V], labels [N])  mean over counted rows of -log softmax(logits)[label];
 *                                                   labels outside [0, V) (HF's -100) do not count
 *   layerNormFused(x [..., H], gamma [H], beta [H], eps)
 *   geluFused(x)                                    exact erf GELU
 *   geluTanhFused(x)                                GPT-2's tanh GELU ("gelu_new")
 *   maskedSoftmax(x [B, A, Tq, Tk], mask)           attention probabilities of scale·x with the causal and padding
 *                                                   masks applied inside the kernel (no mask tensor)
 *   dropoutAt(x, site)                              inverted dropout with the hashed mask of dropout-mask.ts
 *   fusedAttention(q, k, v [B, T, H], settings)     the whole attention core of every head, with the masks and
 *                                                   the dropout of the probabilities inside (native only)
 *   fusedTalkingAttention(q, k, v, talking, s)      CaiT's talking-heads core, mixing inside (native only)
 *   preLnBlockFused(x [B, T, H], weights, settings) a whole pre-LN transformer block (native only)
 *   classAttentionBlockFused(cls, patches, ...)     CaiT's class-attention block (native only)
 *   adamwUpdateInPlace(...)                         one AdamW step on a variable's own memory (native only)
 *
 * Like kernel-availability.ts this file imports only @tensorflow/tfjs-core, so engine/models and engine/train may
 * use it without reaching a backend package (style.md dependency rules).
 */
import * as tf from '@tensorflow/tfjs-core'
import { FUSED_KERNELS, fusedKernelActive } from './kernel-availability'
import { dropoutFactors, type DropoutSite } from './dropout-mask'

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap)

/** The plain TF.js reference: log-softmax, pick the label's entry, mean over counted rows. */
export function softmaxCrossEntropyReference(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const [n, v] = logits.shape as [number, number]
    const ids = tf.cast(tf.reshape(labels, [n]), 'int32')
    const counted = tf.cast(tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, v)), 'float32') // [N]
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.mul(ids, tf.cast(counted, 'int32')), v)), -1) // [N]
    return tf.div(tf.neg(tf.sum(tf.mul(picked, counted))), tf.maximum(tf.sum(counted), 1)) as tf.Scalar
  })
}

export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.rank !== 2) throw new Error(`softmaxCrossEntropy takes logits [N, V], got [${logits.shape}]`)
  if (labels.size !== logits.shape[0]) throw new Error(`softmaxCrossEntropy: ${labels.size} labels for ${logits.shape[0]} rows`)
  if (!fusedKernelActive(FUSED_KERNELS.softmaxXent)) return softmaxCrossEntropyReference(logits, labels)
  const ids = tf.cast(tf.reshape(labels, [-1]), 'int32')
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc]
    const [loss, lse] = run(FUSED_KERNELS.softmaxXent, { logits: x, labels: ids }) as tf.Tensor[]
    save([x, lse, ids]) // saved tensors outlive the forward pass's tidy scope; a closed-over ids would not
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [run(FUSED_KERNELS.softmaxXentGrad, { logits: saved[0], labels: saved[2], lse: saved[1], dy }) as tf.Tensor],
    }
  })
  return op(logits) as tf.Scalar
}

/**
 * y = x·Wᵀ + b for x [N, in], W [out, in] (torch layout), b [out] or none: one native kernel forward (the BLAS GEMM,
 * then the bias over the rows) and one backward (dx, dW and db together), where the plain path runs a matmul, a
 * broadcasting add (single-threaded in wasm) and, backward, two matmuls and a Sum, each with its reshapes and the
 * copies TF.js saves for the gradient. Only where fusedKernelActive(FUSED_KERNELS.linear); models/layers/linear.ts
 * keeps the plain path for the other backends.
 */
export function linearFused(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  if (x.rank !== 2 || weight.rank !== 2 || x.shape[1] !== weight.shape[1] || (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])))
    throw new Error(`linearFused takes x [N, in], weight [out, in] and bias [out], got [${x.shape}], [${weight.shape}]${bias ? `, [${bias.shape}]` : ''}`)
  const hasBias = bias !== undefined
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const [input, w, b] = args as tf.Tensor[]
    save([input, w])
    return {
      value: run(FUSED_KERNELS.linear, hasBias ? { x: input, w, b } : { x: input, w }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => run(FUSED_KERNELS.linearGrad, { dy, x: saved[0], w: saved[1] }, { bias: hasBias ? 1 : 0 }) as tf.Tensor[],
    }
  })
  return hasBias ? op(x, weight, bias) : op(x, weight)
}

/** (x - mean)/sqrt(var + eps)·gamma + beta over the last axis, biased variance (as torch and tf.moments). */
export function layerNormReference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true)
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta)
  })
}

export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  if (!fusedKernelActive(FUSED_KERNELS.layerNorm)) return layerNormReference(x, gamma, beta, eps)
  const cols = x.shape[x.rank - 1]
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x2, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc]
    const [y, mean, rstd] = run(FUSED_KERNELS.layerNorm, { x: x2, gamma: g, beta: b }, { eps }) as tf.Tensor[]
    save([x2, g, mean, rstd])
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sm, sr] = saved
        return run(FUSED_KERNELS.layerNormGrad, { dy, x: sx, gamma: sg, mean: sm, rstd: sr }) as tf.Tensor[]
      },
    }
  })
  return tf.reshape(op(tf.reshape(x, [-1, cols]), gamma, beta), x.shape)
}

/** 0.5·x·(1 + erf(x/√2)) */
export function geluReference(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))))
}

/** An element-wise activation through its fused kernel pair where registered (float32), else `reference`. */
function fusedUnary(x: tf.Tensor, forward: string, backward: string, reference: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (!fusedKernelActive(forward) || x.dtype !== 'float32') return reference(x)
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc]
    save([input])
    return {
      value: run(forward, { x: input }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [run(backward, { dy, x: saved[0] }) as tf.Tensor],
    }
  })
  return op(x)
}

export const geluFused = (x: tf.Tensor): tf.Tensor => fusedUnary(x, FUSED_KERNELS.gelu, FUSED_KERNELS.geluGrad, geluReference)

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
export function geluTanhReference(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)))
  })
}

export const geluTanhFused = (x: tf.Tensor): tf.Tensor => fusedUnary(x, FUSED_KERNELS.geluTanh, FUSED_KERNELS.geluTanhGrad, geluTanhReference)

/** A large negative logit: exp() of it is exactly 0 in float32, unlike -Infinity it never produces NaN. */
export const MASKED_LOGIT = -1e9

/** Which keys a query may see: the causal mask (query t sees keys 0..t) and/or a padding mask. */
export interface AttentionMasks {
  /** Multiplies the scores before the masks and the softmax (1/√d). */
  scale: number
  causal: boolean
  /** [B, Tk]: 1 = attend, 0 = padding. */
  keyMask?: tf.Tensor
}

/** The additive bias of the masks, broadcastable to [B, A, Tq, Tk]: causal [1, 1, T, T] + padding [B, 1, 1, Tk]. */
export function maskBias(masks: Omit<AttentionMasks, 'scale'>, queries: number, keys: number): tf.Tensor | null {
  const parts: tf.Tensor[] = []
  if (masks.causal) {
    const values = new Float32Array(queries * keys)
    for (let q = 0; q < queries; q++) for (let k = q + 1; k < keys; k++) values[q * keys + k] = MASKED_LOGIT
    parts.push(tf.tensor4d(values, [1, 1, queries, keys]))
  }
  if (masks.keyMask) {
    const [batch] = masks.keyMask.shape
    const blocked = tf.sub(1, tf.cast(masks.keyMask, 'float32')) // [B, Tk], 1 where padded
    parts.push(tf.reshape(tf.mul(blocked, MASKED_LOGIT), [batch, 1, 1, keys]))
  }
  if (parts.length === 0) return null
  return parts.length === 1 ? parts[0] : tf.add(parts[0], parts[1])
}

/** softmax over Tk of scale·x + maskBias: the plain TF.js path. */
export function maskedSoftmaxReference(x: tf.Tensor, masks: AttentionMasks): tf.Tensor {
  return tf.tidy(() => {
    const bias = maskBias(masks, x.shape[2] as number, x.shape[3] as number)
    const scaled = tf.mul(x, masks.scale)
    return tf.softmax(bias ? tf.add(scaled, bias) : scaled)
  })
}

/**
 * Attention probabilities of scores x [B, A, Tq, Tk]: softmax over Tk of scale·x with the causal mask and the
 * padding mask. One native pass each way where the kernel is registered (kernels_attention.c: no [B, 1, T, T] mask
 * tensor, no separate scale and add), the plain ops otherwise; the same values within float32 rounding.
 */
export function maskedSoftmax(x: tf.Tensor, masks: AttentionMasks): tf.Tensor {
  if (x.rank !== 4) throw new Error(`maskedSoftmax takes scores [B, A, Tq, Tk], got [${x.shape}]`)
  if (masks.causal && x.shape[2] !== x.shape[3]) throw new Error(`maskedSoftmax: a causal mask needs as many queries as keys, got [${x.shape}]`)
  const mask = masks.keyMask
  if (mask && (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[3]))
    throw new Error(`maskedSoftmax: keyMask must be [${x.shape[0]}, ${x.shape[3]}], got [${mask.shape}]`)
  if (!fusedKernelActive(FUSED_KERNELS.maskedSoftmax) || x.dtype !== 'float32') return maskedSoftmaxReference(x, masks)
  const attrs = { scale: masks.scale, causal: masks.causal ? 1 : 0 }
  const float = (t: tf.Tensor) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'))
  // The mask goes in as an input (its gradient is zeros) so that it is saved for the backward pass, which runs
  // after the forward pass's tidy scope has freed anything merely closed over.
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const scores = args[0] as tf.Tensor
    const keyMask = args.length === 3 ? (args[1] as tf.Tensor) : undefined
    const maskShape = keyMask?.shape // the shape only: the tensor itself is gone by the backward pass
    const y = run(FUSED_KERNELS.maskedSoftmax, keyMask ? { x: scores, keyMask } : { x: scores }, attrs) as tf.Tensor
    save([y])
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dx = run(FUSED_KERNELS.maskedSoftmaxGrad, { y: saved[0], dy }, { scale: masks.scale }) as tf.Tensor
        return maskShape ? [dx, tf.zeros(maskShape)] : [dx]
      },
    }
  })
  return mask ? op(x, float(mask)) : op(x)
}

/** The kernels' attrs of a dropout site, {<prefix>Key, <prefix>Threshold, <prefix>Scale} (threshold 0: no dropout). */
const dropoutAttrs = (site?: DropoutSite, prefix = 'drop'): Record<string, number> => ({
  [`${prefix}Key`]: site?.key ?? 0,
  [`${prefix}Threshold`]: site?.threshold ?? 0,
  [`${prefix}Scale`]: site?.scale ?? 1,
})

/**
 * Inverted dropout of x at a site (dropout-mask.ts): x · 0 where the site's hash drops an element, x · 1/(1 - rate)
 * elsewhere; the gradient is the same scaling of dy. One native pass each way where the kernel is registered; the
 * plain path multiplies by the factors computed in JavaScript, which are the same, so both give identical values.
 */
export function dropoutAt(x: tf.Tensor, site: DropoutSite): tf.Tensor {
  if (x.dtype !== 'float32') throw new Error(`dropout takes float32 values, got ${x.dtype}`)
  if (!fusedKernelActive(FUSED_KERNELS.dropout)) return tf.mul(x, tf.tensor(dropoutFactors(site, x.size), x.shape, 'float32'))
  const attrs = dropoutAttrs(site)
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: run(FUSED_KERNELS.dropout, { x: args[0] as tf.Tensor }, attrs) as tf.Tensor,
    gradFunc: (dy: tf.Tensor) => [run(FUSED_KERNELS.dropout, { x: dy }, attrs) as tf.Tensor],
  }))
  return op(x)
}

/** Settings of the fused attention core: the masks and scale of maskedSoftmax, the head count and the dropout. */
export interface FusedAttentionSettings extends AttentionMasks {
  numHeads: number
  /** Dropout of the probabilities: entry i of [B, A, Tq, Tk] dropped as dropoutAt drops element i of that tensor. */
  dropout?: DropoutSite
}

/**
 * The attention core of every head in one native kernel per direction: q [B, Tq, H], k and v [B, Tk, H] ->
 * context [B, Tq, H], context_a = softmax(scale·q_a·k_aᵀ + masks)·v_a for head a = columns a·d .. a·d+d-1 (as
 * models/layers/attention.ts splits them). It replaces the head split and merge transposes, both batched matmuls
 * and the masked softmax of the op-by-op path, forward and backward (kernels_attention.c). Only where
 * fusedKernelActive(FUSED_KERNELS.attention); callers keep the op-by-op path for the other backends.
 */
export function fusedAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, s: FusedAttentionSettings): tf.Tensor {
  const [batch, queries, hidden] = q.shape
  const keys = k.shape[1] as number
  if (q.rank !== 3 || k.rank !== 3 || v.rank !== 3 || k.shape[0] !== batch || k.shape[2] !== hidden || !tf.util.arraysEqual(k.shape, v.shape))
    throw new Error(`fusedAttention takes q [B, Tq, H] and k, v [B, Tk, H], got [${q.shape}], [${k.shape}], [${v.shape}]`)
  if ((hidden as number) % s.numHeads !== 0) throw new Error(`fusedAttention: hidden size ${hidden} is not a multiple of ${s.numHeads} heads`)
  if (s.causal && queries !== keys) throw new Error(`fusedAttention: a causal mask needs as many queries as keys, got ${queries} and ${keys}`)
  const mask = s.keyMask
  if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== keys)) throw new Error(`fusedAttention: keyMask must be [${batch}, ${keys}], got [${mask.shape}]`)
  const attrs = { heads: s.numHeads, scale: s.scale, causal: s.causal ? 1 : 0, ...dropoutAttrs(s.dropout) }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const [query, key, value] = args as tf.Tensor[]
    const keyMask = args.length === 5 ? (args[3] as tf.Tensor) : undefined
    const maskShape = keyMask?.shape // as in maskedSoftmax: the mask is an input only so that it outlives the tidy
    const [context, probs] = run(FUSED_KERNELS.attention, keyMask ? { q: query, k: key, v: value, keyMask } : { q: query, k: key, v: value }, attrs) as tf.Tensor[]
    save([query, key, value, probs])
    return {
      value: context,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp] = saved
        const grads = run(FUSED_KERNELS.attentionGrad, { q: sq, k: sk, v: sv, probs: sp, dy }, attrs) as tf.Tensor[]
        return maskShape ? [...grads, tf.zeros(maskShape)] : grads
      },
    }
  })
  return mask ? op(q, k, v, mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32')) : op(q, k, v)
}

/** CaiT's head-mixing maps (timm proj_l before the softmax, proj_w after): W [A, A], b [A]. */
export interface TalkingHeadWeights {
  pre: { weight: tf.Tensor; bias: tf.Tensor }
  post: { weight: tf.Tensor; bias: tf.Tensor }
}

/**
 * Talking-heads attention (CaiT) in one native kernel per direction: S = scale·q_a·k_aᵀ, P = softmax over keys of
 * W_pre·S + b_pre (mixing over heads), M = W_post·P + b_post, context_a = dropout(M)_a·v_a, and the gradients of q, k, v
 * and of the four mixing tensors. The op-by-op path (models/layers/attention.ts attendHeads) makes ~50 TF.js calls of it
 * per block. No masks (CaiT has none). Only where fusedKernelActive(FUSED_KERNELS.talkingAttention).
 */
export function fusedTalkingAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, talking: TalkingHeadWeights, s: { numHeads: number; dropout?: DropoutSite }): tf.Tensor {
  const [batch, , hidden] = q.shape
  if (q.rank !== 3 || k.rank !== 3 || k.shape[0] !== batch || k.shape[2] !== hidden || !tf.util.arraysEqual(k.shape, v.shape) || (hidden as number) % s.numHeads !== 0)
    throw new Error(`fusedTalkingAttention takes q [B, Tq, H] and k, v [B, Tk, H] with H a multiple of ${s.numHeads}, got [${q.shape}], [${k.shape}], [${v.shape}]`)
  const attrs = { heads: s.numHeads, scale: 1 / Math.sqrt((hidden as number) / s.numHeads), ...dropoutAttrs(s.dropout) }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const [query, key, value, wPre, bPre, wPost, bPost] = args as tf.Tensor[]
    const [context, scores, probs, mixed] = run(FUSED_KERNELS.talkingAttention, { q: query, k: key, v: value, wPre, bPre, wPost, bPost }, attrs) as tf.Tensor[]
    save([query, key, value, wPre, wPost, scores, probs, mixed])
    return {
      value: context,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sWPre, sWPost, sScores, sProbs, sMixed] = saved
        return run(FUSED_KERNELS.talkingAttentionGrad, { q: sq, k: sk, v: sv, wPre: sWPre, wPost: sWPost, scores: sScores, probs: sProbs, mixed: sMixed, dy }, attrs) as tf.Tensor[]
      },
    }
  })
  return op(q, k, v, talking.pre.weight, talking.pre.bias, talking.post.weight, talking.post.bias)
}

/** A pre-LN block's weights, in the order of the block kernels' inputs (torch layout W [out, in]). */
export const BLOCK_WEIGHTS = ['ln1Gamma', 'ln1Beta', 'wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'ln2Gamma', 'ln2Beta', 'w1', 'b1', 'w2', 'b2'] as const
/** CaiT's extra block weights, after BLOCK_WEIGHTS: the talking-heads maps and the two LayerScale vectors [H]. */
export const CAIT_BLOCK_WEIGHTS = ['tPreW', 'tPreB', 'tPostW', 'tPostB', 'gamma1', 'gamma2'] as const
export type BlockWeightName = (typeof BLOCK_WEIGHTS)[number] | (typeof CAIT_BLOCK_WEIGHTS)[number]
/**
 * The activations the block's forward kernel returns after y, packed in this order (native-block.ts); CaiT's block
 * adds the talking-heads scores and mixed probabilities and the dropped branch outputs the LayerScale gradients read
 * (length 0 in the other blocks).
 */
export const BLOCK_SAVED = ['h1', 'mean1', 'rstd1', 'qkv', 'probs', 'ctx', 'x2', 'h2', 'mean2', 'rstd2', 'f1', 'act', 'scores', 'mixed', 'aOut', 'mOut'] as const

/**
 * The block kernels' attrs: heads, eps, scale (of the scores), tanhGelu (GPT-2's activation 1, erf GELU 0), causal
 * (0/1), cait (1: talking heads and LayerScale, CAIT_BLOCK_WEIGHTS among the inputs) and three dropout sites as key/threshold/scale triples: p* on the attention probabilities, a* after the
 * attention's output projection, m* after the MLP (threshold 0: none).
 */
export interface BlockAttrs {
  heads: number
  eps: number
  scale: number
  tanhGelu: number
  causal: number
  cait: number
  pKey: number
  pThreshold: number
  pScale: number
  aKey: number
  aThreshold: number
  aScale: number
  mKey: number
  mThreshold: number
  mScale: number
}

export interface PreLnBlockSettings {
  numHeads: number
  eps: number
  /** GPT-2's tanh GELU instead of the exact erf GELU. */
  tanhGelu: boolean
  causal: boolean
  /** CaiT's block: talking heads in the attention, LayerScale on both branches (the weights include CAIT_BLOCK_WEIGHTS). */
  cait?: boolean
  /** Padding mask [B, T] (1 = attend, 0 = padding). */
  keyMask?: tf.Tensor
  /** The dropout sites in the order the op-by-op block takes them: probabilities, attention output, MLP output. */
  dropouts: { probs?: DropoutSite; attention?: DropoutSite; mlp?: DropoutSite }
}

/**
 * Saves `tensors` and the weights a block kernel's backward pass reads; returns how to get the weights back from what
 * was kept. TF.js keeps a clone of every saved tensor (a kernel call each): variables outlive the step, so they are
 * read where they are; other weights (e.g. made by a growth operator inside the step) are saved.
 */
function saveWithWeights(save: tf.GradSaveFunc, tensors: tf.Tensor[], weights: tf.Tensor[]): (kept: tf.Tensor[]) => tf.Tensor[] {
  const unsaved = weights.map((t) => t instanceof tf.Variable)
  save([...tensors, ...weights.filter((_, i) => !unsaved[i])])
  return (kept) => {
    let next = tensors.length
    return weights.map((t, i) => (unsaved[i] ? t : kept[next++]))
  }
}

/**
 * A pre-LN transformer block, y = x2 + drop(MLP(LN2(x2))) with x2 = x + drop(Attn(LN1(x))), as one native kernel per
 * direction (native-block.ts): the same addon calls as the op-by-op block, without its ~130 TF.js kernel calls.
 * x [B, T, H]; q, k, v and out projections [H, H] with biases, MLP up [F, H] and down [H, F] with biases. CaiT's block
 * (s.cait) mixes heads in the attention and scales each branch by its LayerScale vector γ1, γ2 [H]. Only where
 * fusedKernelActive(FUSED_KERNELS.preLnBlock); models/layers/pre-ln-block.ts keeps the op-by-op block otherwise.
 */
export function preLnBlockFused(x: tf.Tensor, weights: Partial<Record<BlockWeightName, tf.Tensor>>, s: PreLnBlockSettings): tf.Tensor {
  const [batch, tokens, hidden] = x.shape
  if (x.rank !== 3 || (hidden as number) % s.numHeads !== 0) throw new Error(`preLnBlockFused takes x [B, T, H] with H a multiple of ${s.numHeads} heads, got [${x.shape}]`)
  const mask = s.keyMask
  if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== tokens)) throw new Error(`preLnBlockFused: keyMask must be [${batch}, ${tokens}], got [${mask.shape}]`)
  const attrs = {
    heads: s.numHeads, eps: s.eps, scale: 1 / Math.sqrt((hidden as number) / s.numHeads), tanhGelu: s.tanhGelu ? 1 : 0, causal: s.causal ? 1 : 0,
    cait: s.cait ? 1 : 0, ...dropoutAttrs(s.dropouts.probs, 'p'), ...dropoutAttrs(s.dropouts.attention, 'a'), ...dropoutAttrs(s.dropouts.mlp, 'm'),
  } as BlockAttrs
  if (s.cait && s.keyMask) throw new Error('preLnBlockFused: CaiT blocks take no key mask')
  const names: readonly BlockWeightName[] = s.cait ? [...BLOCK_WEIGHTS, ...CAIT_BLOCK_WEIGHTS] : BLOCK_WEIGHTS
  const missing = names.find((name) => weights[name] === undefined)
  if (missing) throw new Error(`preLnBlockFused: no weight "${missing}"`)
  const count = names.length
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const input = args[0] as tf.Tensor
    const w = args.slice(1, 1 + count) as tf.Tensor[]
    const keyMask = args.length === count + 3 ? (args[count + 1] as tf.Tensor) : undefined
    const maskShape = keyMask?.shape // as in maskedSoftmax: the mask is an input only so that it outlives the tidy
    const named = Object.fromEntries(names.map((name, i) => [name, w[i]]))
    const [y, saved] = run(FUSED_KERNELS.preLnBlock, { x: input, ...named, ...(keyMask ? { keyMask } : {}) }, attrs as unknown as Record<string, number>) as tf.Tensor[]
    const weightsFrom = saveWithWeights(save, [input, saved], w)
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => {
        const weightsNow = weightsFrom(kept)
        const inputs = { dy, x: kept[0], saved: kept[1], ...Object.fromEntries(names.map((name, i) => [name, weightsNow[i]])) }
        const grads = run(FUSED_KERNELS.preLnBlockGrad, inputs, attrs as unknown as Record<string, number>) as tf.Tensor[]
        return maskShape ? [...grads, tf.zeros(maskShape)] : grads
      },
    }
  })
  const w = names.map((name) => weights[name] as tf.Tensor)
  return mask ? op(x, ...w, mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32')) : op(x, ...w)
}

/** CaiT's class-attention block weights, in the order of its kernels' inputs (torch layout W [out, in]). */
export const CLASS_BLOCK_WEIGHTS = ['ln1Gamma', 'ln1Beta', 'wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'gamma1', 'ln2Gamma', 'ln2Beta', 'w1', 'b1', 'w2', 'b2', 'gamma2'] as const
export type ClassBlockWeightName = (typeof CLASS_BLOCK_WEIGHTS)[number]
/** Its forward kernel's saved activations, packed in this order (native-class-block.ts). */
export const CLASS_BLOCK_SAVED = ['u', 'hu', 'mean1', 'rstd1', 'huCls', 'q', 'k', 'v', 'probs', 'ctx', 'aOut', 'c1', 'hc', 'mean2', 'rstd2', 'f1', 'act', 'mOut'] as const
/** heads, eps, scale of the scores and the three dropout sites of BlockAttrs (probabilities, attention, MLP). */
export type ClassBlockAttrs = Omit<BlockAttrs, 'tanhGelu' | 'causal' | 'cait'>

export interface ClassBlockSettings {
  numHeads: number
  eps: number
  /** The dropout sites in the order the op-by-op block takes them: probabilities, attention output, MLP output. */
  dropouts: { probs?: DropoutSite; attention?: DropoutSite; mlp?: DropoutSite }
}

/**
 * CaiT's class-attention block (models/cait.ts classAttentionBlock) as one native kernel per direction
 * (native-class-block.ts): cls [B, 1, H] and patches [B, N, H] -> the new cls [B, 1, H]; the patches are only read
 * (they get a gradient). Only where fusedKernelActive(FUSED_KERNELS.classBlock).
 */
export function classAttentionBlockFused(cls: tf.Tensor, patches: tf.Tensor, weights: Record<ClassBlockWeightName, tf.Tensor>, s: ClassBlockSettings): tf.Tensor {
  const [batch, one, hidden] = cls.shape
  if (cls.rank !== 3 || one !== 1 || patches.rank !== 3 || patches.shape[0] !== batch || patches.shape[2] !== hidden || (hidden as number) % s.numHeads !== 0) {
    throw new Error(`classAttentionBlockFused takes cls [B, 1, H] and patches [B, N, H] with H a multiple of ${s.numHeads} heads, got [${cls.shape}] and [${patches.shape}]`)
  }
  const attrs = {
    heads: s.numHeads, eps: s.eps, scale: 1 / Math.sqrt((hidden as number) / s.numHeads),
    ...dropoutAttrs(s.dropouts.probs, 'p'), ...dropoutAttrs(s.dropouts.attention, 'a'), ...dropoutAttrs(s.dropouts.mlp, 'm'),
  }
  const w = CLASS_BLOCK_WEIGHTS.map((name) => weights[name])
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const [c, p] = args as tf.Tensor[]
    const named = Object.fromEntries(CLASS_BLOCK_WEIGHTS.map((name, i) => [name, args[2 + i] as tf.Tensor]))
    const [y, saved] = run(FUSED_KERNELS.classBlock, { cls: c, patches: p, ...named }, attrs) as tf.Tensor[]
    const weightsFrom = saveWithWeights(save, [c, p, saved], w)
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => {
        const weightsNow = weightsFrom(kept)
        const inputs = { dy, cls: kept[0], patches: kept[1], saved: kept[2], ...Object.fromEntries(CLASS_BLOCK_WEIGHTS.map((name, i) => [name, weightsNow[i]])) }
        return run(FUSED_KERNELS.classBlockGrad, inputs, attrs) as tf.Tensor[]
      },
    }
  })
  return op(cls, patches, ...w)
}

export interface AdamWStep {
  lr: number
  beta1: number
  beta2: number
  eps: number
  /** 1-based update count (bias corrections 1 - β^step). */
  step: number
}

/** One parameter's share of an AdamW update. */
export interface AdamWEntry {
  param: tf.Variable
  m: tf.Variable
  v: tf.Variable
  grad: tf.Tensor
  /** Decoupled decay λ (0 for no-decay parameters): p -= lr·λ·p. */
  weightDecay: number
}

/** True when adamwUpdateInPlace can run on the active backend. */
export const nativeAdamWActive = (): boolean => fusedKernelActive(FUSED_KERNELS.adamw)

/** A variable whose memory no other tensor shares: an in-place write changes it and nothing else. */
function ownMemory(variable: tf.Variable): void {
  if (tf.engine().backend.refCount(variable.dataId) === 1) return
  // A variable made from a tensor still alive (or a reshape of one) points at that tensor's memory; a copy
  // (x + 0 allocates a new buffer) makes it the only owner. Happens once per variable at most.
  tf.tidy(() => variable.assign(tf.add(variable, tf.scalar(0, variable.dtype))))
}

/**
 * One AdamW update of every entry (torch.optim.AdamW semantics, see native/kernels.h) written in place into param, m
 * and v: no new tensors, no copies of weights or moments, one kernel call for all parameters. Only when
 * nativeAdamWActive(); the caller keeps a TF.js-ops path for the other backends.
 */
export function adamwUpdateInPlace(entries: readonly AdamWEntry[], s: AdamWStep): void {
  const inputs: Record<string, tf.Tensor> = {}
  entries.forEach((e, i) => {
    for (const variable of [e.param, e.m, e.v]) ownMemory(variable)
    Object.assign(inputs, { [`param${i}`]: e.param, [`m${i}`]: e.m, [`v${i}`]: e.v, [`grad${i}`]: e.grad })
  })
  const attrs = { lr: s.lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, step: s.step, weightDecays: entries.map((e) => e.weightDecay) }
  tf.engine().runKernel(FUSED_KERNELS.adamw, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap)
}
