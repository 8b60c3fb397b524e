/**
 * Fused ops with gradients: one native kernel per direction when the fused kernels are registered for the active
 * backend (native-kernels.ts, wasm + addon), otherwise the same math as plain TF.js ops. Both paths give the same
 * values within float32 rounding (native-kernels.test.ts checks it), so model code may call these everywhere.
 *
 *   softmaxCrossEntropy(logits [N, V], labels [N])  mean over counted rows of -log softmax(logits)[label];
 *                                                   labels outside [0, V) (HF's -100) do not count
 *   layerNormFused(x [..., H], gamma [H], beta [H], eps)
 *   geluFused(x)                                    exact erf GELU
 *   adamwUpdateInPlace(...)                         one AdamW step on a variable's own memory (native only)
 *
 * Like kernel-availability.ts this file imports only @tensorflow/tfjs-core, so engine/models and engine/train may
 * use it without reaching a backend package (style.md dependency rules).
 */
import * as tf from '@tensorflow/tfjs-core'
import { FUSED_KERNELS, fusedKernelActive } from './kernel-availability'

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

export function geluFused(x: tf.Tensor): tf.Tensor {
  if (!fusedKernelActive(FUSED_KERNELS.gelu) || x.dtype !== 'float32') return geluReference(x)
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc]
    save([input])
    return {
      value: run(FUSED_KERNELS.gelu, { x: input }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [run(FUSED_KERNELS.geluGrad, { dy, x: saved[0] }) as tf.Tensor],
    }
  })
  return op(x)
}

export interface AdamWStep {
  lr: number
  beta1: number
  beta2: number
  eps: number
  /** Decoupled decay λ (0 for no-decay parameters): p -= lr·λ·p. */
  weightDecay: number
  /** 1-based update count (bias corrections 1 - β^step). */
  step: number
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
 * One AdamW update (torch.optim.AdamW semantics, see native/kernels.h) written in place into param, m and v: no
 * new tensors, no copies of weights or moments per step. Only when nativeAdamWActive(); the caller keeps a
 * TF.js-ops path for the other backends.
 */
export function adamwUpdateInPlace(param: tf.Variable, m: tf.Variable, v: tf.Variable, grad: tf.Tensor, s: AdamWStep): void {
  for (const variable of [param, m, v]) ownMemory(variable)
  const attrs = { lr: s.lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay, step: s.step }
  run(FUSED_KERNELS.adamw, { param, m, v, grad }, attrs)
}
