/**
 * Width expansions: how one axis of size D1 becomes D2 (docs/growth/ligo.md §1.3, §1.5, §1.8).
 *
 *   identity  D2 = D1
 *   append    [I; C], C [D2-D1, D1]: the first D1 entries are exact copies, new ones learned combinations
 *             (LiGO, official code's form)
 *   matrix    B [D2, D1]: every entry a learned combination (LiGO, paper's form)
 *   select    new entry i = scale[i] · old entry index[i] (Net2Net / bert2BERT copies; scale carries the
 *             1/copy-count fan-in normalisation on input axes)
 *
 * Layout (canonical torch [out, in]): an output axis X [D1, n] becomes B·X; an input axis X [m, D1] becomes X·Aᵀ.
 * So a weight grows as B·W·Aᵀ (§1.3) without forming any Kronecker product.
 */
import * as tf from '@tensorflow/tfjs-core'
import { fastMatMul } from '../models'
import type { AxisRole, ParameterLayout } from './layout'

export type Expansion =
  | { kind: 'identity' }
  | { kind: 'append'; extra: tf.Tensor }
  | { kind: 'matrix'; matrix: tf.Tensor }
  | { kind: 'select'; index: Int32Array; scale: Float32Array | null }

export const IDENTITY: Expansion = { kind: 'identity' }

/** Output axis: X [D1, n] -> [D2, n]. */
export function expandRows(x: tf.Tensor2D, e: Expansion): tf.Tensor2D {
  switch (e.kind) {
    case 'identity':
      return x
    case 'append':
      return tf.concat([x, fastMatMul(e.extra as tf.Tensor2D, x)], 0) // [D1 + (D2-D1), n]
    case 'matrix':
      return fastMatMul(e.matrix as tf.Tensor2D, x) // [D2, D1]·[D1, n]
    case 'select': {
      const picked = tf.gather(x, tf.tensor1d(e.index, 'int32'), 0) as tf.Tensor2D // [D2, n]
      return e.scale ? tf.mul(picked, tf.tensor2d(e.scale, [e.scale.length, 1])) : picked
    }
  }
}

/** Input axis: X [m, D1] -> [m, D2]. */
export function expandCols(x: tf.Tensor2D, e: Expansion): tf.Tensor2D {
  switch (e.kind) {
    case 'identity':
      return x
    case 'append':
      return tf.concat([x, fastMatMul(x, e.extra as tf.Tensor2D, false, true)], 1) // [m, D1 + (D2-D1)]
    case 'matrix':
      return fastMatMul(x, e.matrix as tf.Tensor2D, false, true) // [m, D1]·[D1, D2]
    case 'select': {
      const picked = tf.gather(x, tf.tensor1d(e.index, 'int32'), 1) as tf.Tensor2D // [m, D2]
      return e.scale ? tf.mul(picked, tf.tensor2d(e.scale, [1, e.scale.length])) : picked
    }
  }
}

/** Size after expanding an axis of size d1. */
export function expandedSize(e: Expansion, d1: number): number {
  switch (e.kind) {
    case 'identity':
      return d1
    case 'append':
      return d1 + e.extra.shape[0]
    case 'matrix':
      return e.matrix.shape[0]
    case 'select':
      return e.index.length
  }
}

/** Expand axis `axis` of any tensor (moved to the front or back as a 2-D matrix, then restored). */
export function expandAxis(x: tf.Tensor, axis: number, e: Expansion): tf.Tensor {
  if (e.kind === 'identity') return x
  const shape = x.shape
  const d1 = shape[axis]
  const d2 = expandedSize(e, d1)
  const grown = shape.map((n, i) => (i === axis ? d2 : n))
  if (axis === 0) return tf.reshape(expandRows(tf.reshape(x, [d1, -1]) as tf.Tensor2D, e), grown)
  if (axis === x.rank - 1) return tf.reshape(expandCols(tf.reshape(x, [-1, d1]) as tf.Tensor2D, e), grown)
  const order = [axis, ...shape.map((_, i) => i).filter((i) => i !== axis)]
  const front = expandAxis(tf.transpose(x, order), 0, e)
  const inverse = order.map((_, i) => order.indexOf(i))
  return tf.transpose(front, inverse)
}

/** Expand every growing axis of a parameter: B·W·Aᵀ for weights, B·v for vectors, E·Bᵀ for embedding tables. */
export function widen(x: tf.Tensor, layout: ParameterLayout, resolve: (axis: AxisRole) => Expansion): tf.Tensor {
  let y = x
  layout.axes.forEach((axis, i) => {
    if (axis) y = expandAxis(y, i, resolve(axis))
  })
  return y
}
