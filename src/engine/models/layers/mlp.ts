/** The transformer MLP: down(act(up(x))), with canonical names {prefix}.up.* [I, H] and {prefix}.down.* [H, I]. */
import * as tf from '@tensorflow/tfjs-core'
import { linear } from './linear'
import type { ParamReader } from './params'

export function mlp(p: ParamReader, prefix: string, x: tf.Tensor, act: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const hidden = act(linear(x, p(`${prefix}.up.weight`), p(`${prefix}.up.bias`))) // [..., I]
  return linear(hidden, p(`${prefix}.down.weight`), p(`${prefix}.down.bias`)) // [..., H]
}
