/**
 * Embedding lookup: rows of table [V, H] at integer ids [...] -> [..., H].
 * Its gradient needs the UnsortedSegmentSum kernel, which the wasm backend lacks (docs/engine/measurements.md §3.2);
 * engine/backend registers a JS kernel for it.
 */
import * as tf from '@tensorflow/tfjs-core'

export function embedding(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return tf.gather(table, tf.cast(ids, 'int32'))
}
