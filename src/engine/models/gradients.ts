/**
 * Training needs TF.js gradient functions, which tfjs-core's Node build does not register. engine/backend's
 * ensureGradients() loads them (models import no backend code, per the layering rules); the tests here import
 * '@tensorflow/tfjs' themselves, which registers them.
 * This check turns tfjs's "gradient function not found for Sum" into an error that says what to do.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Kernels every family's backward pass goes through. */
const NEEDED = ['BatchMatMul', 'Sum', 'Softmax', 'GatherV2', 'Reshape', 'Transpose', 'Erf', 'Tanh'] as const

export function missingGradients(): string[] {
  return NEEDED.filter((kernel) => tf.getGradient(kernel) === undefined)
}

export function assertGradientsRegistered(): void {
  const missing = missingGradients()
  if (missing.length)
    throw new Error(
      `TF.js gradients are not registered (missing: ${missing.join(', ')}). Call ensureGradients() from engine/backend before training.`,
    )
}
