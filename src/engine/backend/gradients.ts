/**
 * Gradient functions and chained ops for TensorFlow.js in Node.
 *
 * tfjs-core's Node build (dist/tf-core.node.js) registers no gradients: without them tf.grad and every
 * optimizer throw "gradient function not found for Sum". The @tensorflow/tfjs union package's Node build
 * registers all of them (and the chained ops, t.reshape(...)) on tfjs-core's global registry when it loads,
 * so loading it once is enough. It is a regular dependency (and tfjs-node depends on it anyway). Loading takes
 * a few hundred milliseconds, so it happens on first need, not at engine start.
 */
import * as tf from '@tensorflow/tfjs-core'
import { StudioError } from '../../shared'
import { createPackageLoader, firstLine, type PackageLoader } from './package-loader'

/** True when tf.grad can differentiate the basic ops. */
export function gradientsRegistered(): boolean {
  return tf.getGradient(tf.Sum) !== undefined && tf.getGradient(tf.GatherV2) !== undefined
}

/** Registers TF.js gradient functions once per process (idempotent). */
export async function ensureGradients(loader: PackageLoader = createPackageLoader()): Promise<void> {
  if (gradientsRegistered()) return
  try {
    loader.load('@tensorflow/tfjs')
  } catch (error) {
    throw new StudioError('engine_error', `Could not load TensorFlow.js gradient functions from @tensorflow/tfjs: ${firstLine(error)}`)
  }
  if (!gradientsRegistered()) {
    throw new StudioError('engine_error', 'Loaded @tensorflow/tfjs but tf.grad still has no gradient for Sum/GatherV2 (two copies of @tensorflow/tfjs-core installed?)')
  }
}
