/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * weight + bias (biased variance, as torch). */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive } from '../../backend/kernel-availability'
import { layerNormFused } from '../../backend/native-ops'

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  // The native fused kernel: one pass forward, one backward, instead of ~10 single-threaded wasm kernels each way.
  if (x.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.layerNorm)) return layerNormFused(x, weight, bias, eps)
  const { mean, variance } = tf.moments(x, -1, true) // [..., 1] each
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)))
  return tf.add(tf.mul(normalised, weight), bias)
}
