/**
 * A batch of typed arrays -> the tensors a family's forward and loss take. Call inside tf.tidy.
 *
 * Masked LM: the loss counts only masked positions (labelWeights = 1), so the MLM head runs only there
 * (forward's outputPositions: logits [N, V] with N ≈ 15% of B·T) and the labels are gathered to [N].
 * Causal LM: the family's loss shifts inside (logits at t predict the token at t+1, HF convention), so the
 * labels it takes are the input ids themselves.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ImageBatch, TokenBatch } from '../data'
import type { LossTargets } from '../models/losses'
import type { ForwardOptions, TextInputs, VisionInputs } from '../models/types'
import type { Objective } from './training-data'

export interface StepTensors {
  inputs: TextInputs | VisionInputs
  targets: LossTargets
  /** Extra forward options the objective needs (MLM output positions, DeiT's two heads). */
  forward: Partial<ForwardOptions>
  /** Positions (text) or images the loss averages over: weights for combining batch means. */
  lossCount: number
}

export function textBatchTensors(batch: TokenBatch, objective: Objective): StepTensors {
  const [b, t] = batch.shape
  const inputIds = tf.tensor2d(batch.inputIds, [b, t], 'int32')
  const inputs: TextInputs = { inputIds, attentionMask: tf.tensor2d(batch.attentionMask, [b, t], 'float32') }
  if (objective === 'causal-lm') return { inputs, targets: { labels: inputIds }, forward: {}, lossCount: b * (t - 1) }
  const positions: number[] = []
  const labels: number[] = []
  for (let i = 0; i < batch.labelWeights.length; i++) {
    if (batch.labelWeights[i] > 0) {
      positions.push(i)
      labels.push(batch.labels[i])
    }
  }
  // A batch with nothing masked (only possible with tiny batches): all labels are ignored and the loss is 0.
  if (positions.length === 0) return { inputs, targets: { labels: tf.tensor2d(batch.labels, [b, t], 'int32') }, forward: {}, lossCount: 0 }
  return {
    inputs,
    targets: { labels: tf.tensor1d(labels, 'int32') }, // [N]
    forward: { outputPositions: tf.tensor1d(positions, 'int32') }, // [N] flat b·T + t
    lossCount: positions.length,
  }
}

export function imageBatchTensors(batch: ImageBatch, family: string): StepTensors {
  const [b] = batch.shape
  return {
    inputs: { pixels: tf.tensor4d(batch.pixels, batch.shape, 'float32') }, // [B, S, S, C] NHWC
    targets: { labels: tf.tensor1d(batch.labels, 'int32') }, // [B]
    // DeiT trains both heads (CLS and distillation); without a teacher both learn the true labels.
    forward: family === 'deit' ? { deitHeads: 'both' } : {},
    lossCount: b,
  }
}

/** The tensors of a batch from a TrainingData iterator: text by the objective, images by the family (or 'eval'). */
export function batchTensors(kind: 'text' | 'image', batch: TokenBatch | ImageBatch, objective: Objective, imageFamily: string): StepTensors {
  return kind === 'text' ? textBatchTensors(batch as TokenBatch, objective) : imageBatchTensors(batch as ImageBatch, imageFamily)
}
