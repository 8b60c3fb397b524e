/**
 * One optimizer update, shared by the training loop (trainer.ts) and LiGO's operator training
 * (experiments/ligo-training.ts): the loss's gradients with respect to the trained variables (tf.variableGrads keys
 * them by variable name), re-keyed by parameter name, clipped by global norm, applied by AdamW. Call inside tf.tidy;
 * the loss and the pre-clip norm stay on the device.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AdamW } from './adamw'
import { clipByGlobalNorm } from './clip'

export interface UpdateStep {
  /** Variables the gradients are taken for (the optimizer holds moments for each). */
  trained: tf.Variable[]
  /** tf.Variable name -> the parameter name the optimizer knows it by. */
  parameterOf: ReadonlyMap<string, string>
  /** Global-norm clipping threshold; 0 = off. */
  clipNorm: number
  optimizer: AdamW
  learningRate: number
}

export function updateStep(lossOf: () => tf.Scalar, step: UpdateStep): { loss: tf.Scalar; norm: tf.Scalar } {
  const { value, grads } = tf.variableGrads(lossOf, step.trained)
  const byName: Record<string, tf.Tensor> = {}
  for (const [varName, g] of Object.entries(grads)) byName[step.parameterOf.get(varName)!] = g
  const { grads: clipped, norm } = clipByGlobalNorm(byName, step.clipNorm)
  step.optimizer.apply(clipped, step.learningRate)
  return { loss: value, norm }
}
