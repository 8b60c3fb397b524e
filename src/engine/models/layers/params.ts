/** Reading named tensors out of a parameter map with errors that say which name is missing. */
import type * as tf from '@tensorflow/tfjs-core'

export type ParamMap = Record<string, tf.Tensor>
export type ParamReader = {
  (name: string): tf.Tensor
  /** The tensor, or undefined when the model has no such parameter (e.g. q bias with qkvBias false). */
  optional(name: string): tf.Tensor | undefined
}

export function paramReader(params: ParamMap, family: string): ParamReader {
  const read = ((name: string) => {
    const t = params[name]
    if (!t) throw new Error(`${family} forward: missing parameter "${name}"`)
    return t
  }) as ParamReader
  read.optional = (name) => params[name]
  return read
}
