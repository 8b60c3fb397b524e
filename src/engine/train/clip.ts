/**
 * Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_): the L2 norm over all gradients together;
 * when it exceeds maxNorm every gradient is scaled by maxNorm / (norm + 1e-6), so the direction is unchanged.
 */
import * as tf from '@tensorflow/tfjs-core'

/** sqrt(sum over tensors of sum(g²)), a scalar tensor. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (grads.length === 0) return tf.scalar(0)
    return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar
  })
}

export interface ClippedGradients<K extends string> {
  grads: Record<K, tf.Tensor>
  /** The norm before clipping (for the metrics log). */
  norm: tf.Scalar
}

/**
 * Scales all gradients by min(1, maxNorm / (norm + 1e-6)). maxNorm 0 (or Infinity) = no clipping; the norm is
 * still returned. No read-back: the factor stays a tensor, so clipping does not stall the step.
 */
export function clipByGlobalNorm<K extends string>(grads: Record<K, tf.Tensor>, maxNorm: number): ClippedGradients<K> {
  if (!(maxNorm >= 0)) throw new Error(`Gradient clipping norm must be >= 0 (0 = off), got ${maxNorm}`)
  const names = Object.keys(grads) as K[]
  const norm = globalNorm(names.map((n) => grads[n]))
  if (maxNorm === 0 || maxNorm === Infinity) return { grads: { ...grads }, norm }
  const factor = tf.tidy(() => tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-6))))
  const clipped = {} as Record<K, tf.Tensor>
  for (const n of names) clipped[n] = tf.mul(grads[n], factor)
  factor.dispose()
  return { grads: clipped, norm }
}
