/**
 * Training objectives of the families, on logits from their forward functions.
 * Labels use HF's convention: -100 marks a position that does not count.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (no backend package, no addon): they say whether the native fused
// kernels are registered and call them through the kernel registry (kernel-availability.ts explains the layering).
import { FUSED_KERNELS, fusedKernelActive } from '../backend/kernel-availability'
import { softmaxCrossEntropy } from '../backend/native-ops'

export const IGNORE_INDEX = -100

export interface LossTargets {
  /** Text: [B, T] token ids (-100 = ignore). Vision: [B] class ids. */
  labels: tf.Tensor
  /** DeiT with deitHeads 'both': targets of the distillation head (a teacher's hard labels); default `labels`. */
  teacherLabels?: tf.Tensor
}

/**
 * Mean cross-entropy of logits [N, V] against labels [N], skipping labels equal to IGNORE_INDEX.
 * With the native fused kernel (wasm + addon) it is one pass forward and one backward over the logits, at the
 * counted rows only; otherwise the picked log-probabilities are gathered from the flattened [N·V] array (no
 * one-hot [N, V] tensor). Both give the same value within float32 rounding.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.softmaxXent)) return softmaxCrossEntropy(logits, labels)
  const [n, v] = logits.shape as [number, number]
  const ids = tf.cast(tf.reshape(labels, [n]), 'int32') // [N]
  const counted = tf.cast(tf.notEqual(ids, IGNORE_INDEX), 'float32') // [N]
  const safeIds = tf.mul(ids, tf.cast(counted, 'int32')) // ignored positions read class 0, then get weight 0
  const flatIndex = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(v, 'int32')), safeIds) // [N], row·V + class
  const picked = tf.gather(tf.reshape(tf.logSoftmax(logits), [n * v]), flatIndex) // [N] log p(label)
  const total = tf.neg(tf.sum(tf.mul(picked, counted)))
  return tf.div(total, tf.maximum(tf.sum(counted), 1)) as tf.Scalar
}

/** BERT/RoBERTa MLM: logits [B, T, V], labels [B, T] with -100 on unmasked positions. */
export function maskedLmLoss(logits: tf.Tensor, targets: LossTargets): tf.Scalar {
  const v = logits.shape[logits.rank - 1]
  return crossEntropy(tf.reshape(logits, [-1, v]), targets.labels)
}

/**
 * GPT-2: logits [B, T, V] at t predict labels [B, T] at t+1 (HF GPT2LMHeadModel shifts inside, as here). The labels
 * are shifted instead of the logits: the last position gets IGNORE_INDEX, so the [B, T, V] logits are used as they
 * are (no [B, T-1, V] slice forward and pad backward) and the fused kernel skips that row.
 */
export function causalLmLoss(logits: tf.Tensor, targets: LossTargets): tf.Scalar {
  const [b, t, v] = logits.shape
  const next = tf.slice(tf.cast(targets.labels, 'int32'), [0, 1], [b, t - 1]) // [B, T-1]
  const shifted = tf.concat([next, tf.fill([b, 1], IGNORE_INDEX, 'int32')], 1) // [B, T]
  return crossEntropy(tf.reshape(logits, [-1, v]), shifted)
}

/** Image classification: logits [B, K] and labels [B]; DeiT 'both' logits [2, B, K]: mean of the two heads' losses. */
export function classificationLoss(logits: tf.Tensor, targets: LossTargets): tf.Scalar {
  if (logits.rank === 2) return crossEntropy(logits, targets.labels)
  const [, b, k] = logits.shape
  const cls = tf.reshape(tf.slice(logits, [0, 0, 0], [1, b, k]), [b, k])
  const dist = tf.reshape(tf.slice(logits, [1, 0, 0], [1, b, k]), [b, k])
  const clsLoss = crossEntropy(cls, targets.labels)
  const distLoss = crossEntropy(dist, targets.teacherLabels ?? targets.labels)
  return tf.mul(tf.add(clsLoss, distLoss), 0.5) as tf.Scalar
}
