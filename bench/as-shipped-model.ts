/**
 * The benchmark's baseline: the same BERT as engine/models' `bert` family (same parameter map, same math), written
 * the way plain TensorFlow.js code is written, with no engine fixes: tf.matMul with transpose flags (its gradients
 * use the flags too), one batched matmul for all heads. On the wasm backend every transposed or batched matmul
 * takes the naive loop (docs/engine/measurements.md §3.4), which is what "as shipped" means in the bench table.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { EncoderConfig } from '../src/engine/models/config'
import type { ParamMap } from '../src/engine/models/layers/params'

const layerNorm = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number) => {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), w), b)
}
const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))
/** x [N, in] · W [out, in]ᵀ + b */
const dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D, false, true), b)

/** Final hidden states [B·T, H] for input ids [B, T]. */
export function asShippedHidden(p: ParamMap, c: EncoderConfig, ids: tf.Tensor2D): tf.Tensor2D {
  const [batch, length] = ids.shape
  const h = c.hiddenSize
  const heads = c.numHeads
  const d = h / heads
  const positions = tf.tile(tf.reshape(tf.range(0, length, 1, 'int32'), [1, length]), [batch, 1])
  const words = tf.gather(p['embed.tok.weight'], tf.reshape(ids, [-1])) // [B·T, H]
  const pos = tf.gather(p['embed.pos.weight'], tf.reshape(positions, [-1]))
  const types = tf.gather(p['embed.type.weight'], tf.zeros([batch * length], 'int32'))
  let x = layerNorm(tf.addN([words, pos, types]), p['embed.norm.weight'], p['embed.norm.bias'], c.layerNormEps) // [B·T, H]
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, length, heads, d]), [0, 2, 1, 3]) // [B, A, T, d]
  for (let i = 0; i < c.numLayers; i++) {
    const a = `blocks.${i}.attn`
    const q = split(dense(x, p[`${a}.q.weight`], p[`${a}.q.bias`]))
    const k = split(dense(x, p[`${a}.k.weight`], p[`${a}.k.bias`]))
    const v = split(dense(x, p[`${a}.v.weight`], p[`${a}.v.bias`]))
    const probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d))) // [B, A, T, T]
    const context = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [batch * length, h])
    x = layerNorm(tf.add(x, dense(context, p[`${a}.out.weight`], p[`${a}.out.bias`])), p[`blocks.${i}.attn_norm.weight`], p[`blocks.${i}.attn_norm.bias`], c.layerNormEps)
    const m = `blocks.${i}.mlp`
    const up = gelu(dense(x, p[`${m}.up.weight`], p[`${m}.up.bias`]))
    x = layerNorm(tf.add(x, dense(up, p[`${m}.down.weight`], p[`${m}.down.bias`])), p[`blocks.${i}.mlp_norm.weight`], p[`blocks.${i}.mlp_norm.bias`], c.layerNormEps)
  }
  return x as tf.Tensor2D
}

/** MLM head on hidden rows [N, H] -> logits [N, V]. */
export function asShippedHead(p: ParamMap, c: EncoderConfig, hidden: tf.Tensor): tf.Tensor2D {
  const t = layerNorm(gelu(dense(hidden, p['head.mlm.dense.weight'], p['head.mlm.dense.bias'])), p['head.mlm.norm.weight'], p['head.mlm.norm.bias'], c.layerNormEps)
  return dense(t, p['head.lm.weight'], p['head.mlm.bias']) as tf.Tensor2D
}

/** Mean cross-entropy with tf.losses-style one-hot targets (what plain tfjs code writes). */
export function asShippedLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logp = tf.logSoftmax(logits)
  return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(labels, logits.shape[1])), -1))) as tf.Scalar
}
