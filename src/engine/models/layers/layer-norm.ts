/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * weight + bias (biased variance, as torch). */
import * as tf from '@tensorflow/tfjs-core'

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true) // [..., 1] each
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)))
  return tf.add(tf.mul(normalised, weight), bias)
}
