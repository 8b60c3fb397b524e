/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * weight + bias (biased variance, as torch). */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive } from '../../backend/kernel-availability'
import { layerNormFused } from '../../backend/native-ops'

/**
 * `live` [H] (growth masks, models/growth-masks.ts): weights of the units in the statistics, μ = Σ mᵢxᵢ / Σ mᵢ and
 * σ² = Σ mᵢ(xᵢ − μ)² / Σ mᵢ, and of the output (MSG's masked LayerNorm); absent = every unit, the plain LayerNorm.
 */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number, live?: tf.Tensor): tf.Tensor {
  if (live) return maskedLayerNorm(x, weight, bias, eps, live)
  // The native fused kernel: one pass forward, one backward, instead of ~10 single-threaded wasm kernels each way.
  if (x.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.layerNorm)) return layerNormFused(x, weight, bias, eps)
  const { mean, variance } = tf.moments(x, -1, true) // [..., 1] each
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)))
  return tf.add(tf.mul(normalised, weight), bias)
}

function maskedLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number, live: tf.Tensor): tf.Tensor {
  const total = tf.sum(live) // scalar: the number of live units (fractional while a mask ramps)
  const mean = tf.div(tf.sum(tf.mul(x, live), -1, true), total) // [..., 1]
  const centred = tf.sub(x, mean)
  const variance = tf.div(tf.sum(tf.mul(tf.square(centred), live), -1, true), total) // [..., 1]
  const normalised = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)))
  return tf.mul(tf.add(tf.mul(normalised, weight), bias), live)
}
