/**
 * Dropout with reproducible masks. Each call site draws the next seed from one counter, so a forward pass with
 * the same dropoutSeed gives the same masks, and two sites never share a mask.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface Dropout {
  /** Inverted dropout when training and rate > 0; the identity otherwise. */
  (x: tf.Tensor, rate: number): tf.Tensor
}

export function makeDropout(training: boolean, seed?: number): Dropout {
  let site = 0
  return (x, rate) => {
    if (!training || rate <= 0) return x
    site += 1
    // A large odd stride spreads per-site seeds; without a seed tf.dropout draws from Math.random.
    return tf.dropout(x, rate, undefined, seed === undefined ? undefined : seed + site * 7919)
  }
}
