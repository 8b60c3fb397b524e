/**
 * Knowledge Inheritance (Qin et al., NAACL 2022; docs/growth/baselines.md §6.6): no weight map. The large model starts from
 * its family's random init; the frozen small model is a teacher whose logits the trainer computes every step
 * (forward only, charged to KI). Loss at step t:
 *
 *   L_t = (1 - α_t)·L_task + α_t·T²·KL(softmax(z_teacher/T) ‖ softmax(z_student/T)),   α_t = max(0, 1 - t/T_distil)
 *
 * with T = 2, KL averaged over the positions that carry a target (masked positions for MLM, next-token positions
 * for causal LM, every image for classification).
 */
import * as tf from '@tensorflow/tfjs-core'
import { IGNORE_INDEX, type ModelConfig, type ParamMap } from '../models'
import { scratch } from './scratch'
import type { DistillationGrowthOperator, GrowOptions } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'

export const KI_TEMPERATURE = 2

export interface KiSchedule {
  /** Steps over which α decays linearly from 1 to 0 (T_distil; the KI example uses 55K of 125K). */
  distillSteps: number
  temperature: number
}

/** α_t = max(0, 1 - t/T_distil): the distillation weight at optimizer step t (0-based). */
export function kiAlpha(step: number, distillSteps: number): number {
  if (!(distillSteps > 0)) throw new Error(`ki: distillSteps must be positive, got ${distillSteps}`)
  return Math.max(0, 1 - step / distillSteps)
}

/**
 * Which logit rows carry a target, as a float mask of logits' shape minus the last axis.
 * masked-lm: labels != -100; causal-lm: positions t < T-1 whose next label != -100; classification: all.
 * Logits already gathered at the scored positions ([N, V], forward's outputPositions) need no mask: pass null.
 */
export function distillationMask(objective: 'masked-lm' | 'causal-lm' | 'classification', labels: tf.Tensor, logits: tf.Tensor): tf.Tensor | null {
  const rows = logits.shape.slice(0, -1)
  if (objective === 'classification') return null
  if (objective === 'masked-lm') {
    if (labels.shape.length !== rows.length || labels.shape.some((n, i) => n !== rows[i])) return null
    return tf.cast(tf.notEqual(labels, IGNORE_INDEX), 'float32')
  }
  const [b, t] = labels.shape
  const next = tf.slice(labels, [0, 1], [b, t - 1]) // [B, T-1]: position t predicts label t+1
  const counted = tf.cast(tf.notEqual(next, IGNORE_INDEX), 'float32')
  return tf.concat([counted, tf.zeros([b, 1])], 1) // [B, T]: the last position predicts nothing
}

/** T²·mean over counted rows of KL(softmax(teacher/T) ‖ softmax(student/T)). Teacher logits get no gradient use. */
export function distillationLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, mask: tf.Tensor | null, temperature = KI_TEMPERATURE): tf.Scalar {
  if (studentLogits.shape.some((n, i) => n !== teacherLogits.shape[i]) || studentLogits.rank !== teacherLogits.rank)
    throw new Error(`ki: student logits [${studentLogits.shape}] and teacher logits [${teacherLogits.shape}] differ`)
  const logPs = tf.logSoftmax(tf.div(studentLogits, temperature))
  const logPt = tf.logSoftmax(tf.div(teacherLogits, temperature))
  const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1) // [...rows]
  const weights = mask ?? tf.onesLike(kl)
  const mean = tf.div(tf.sum(tf.mul(kl, weights)), tf.maximum(tf.sum(weights), 1))
  return tf.mul(mean, temperature * temperature) as tf.Scalar
}

/** The KI objective at step t: (1-α_t)·taskLoss + α_t·distillation; pure task loss once α reaches 0. */
export function kiLoss(taskLoss: tf.Scalar, studentLogits: tf.Tensor, teacherLogits: tf.Tensor, mask: tf.Tensor | null, step: number, schedule: KiSchedule): tf.Scalar {
  const alpha = kiAlpha(step, schedule.distillSteps)
  if (alpha === 0) return taskLoss
  const distil = distillationLoss(studentLogits, teacherLogits, mask, schedule.temperature)
  return tf.add(tf.mul(taskLoss, 1 - alpha), tf.mul(distil, alpha)) as tf.Scalar
}

export function kiSchedule(distillSteps: number, temperature = KI_TEMPERATURE): KiSchedule {
  kiAlpha(0, distillSteps) // validates
  return { distillSteps, temperature }
}

export const ki: DistillationGrowthOperator & { schedule: typeof kiSchedule; loss: typeof kiLoss } = {
  kind: 'distillation',
  name: 'ki',
  label: 'KI: random init, distil from the small model with a decaying weight (T = 2)',
  paper: 'Qin et al., NAACL 2022 (docs/growth/baselines.md §6.6)',
  grows: { depth: true, width: true },
  functionPreserving: 'n/a',
  supports: checkGrowthPair,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkGrowthPair(small, large), 'ki')
    return scratch.grow(smallParams, small, large, options)
  },
  schedule: kiSchedule,
  loss: kiLoss,
}
