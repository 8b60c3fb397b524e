/**
 * Initial values of LiGO's coefficients (docs/growth/ligo.md §2; official `--fuse_init_scheme stackbert_noisy rand`).
 *
 * Depth, row i of every [L2, L1] matrix: zeros plus U(0, noise) noise, the source layer set to 1, the row divided
 * by its sum (source: i mod L1 for 'stack', ⌊i·L1/L2⌋ for 'interpolate', Net2Net's placement for 'net2net').
 * noise 0 gives the one-hot rows of Prop. 1 (§1.8), i.e. exactly StackBERT / interpolation. 'net2net' also zeroes
 * the rows of the new layers' residual outputs (attn.out, mlp.down: weight and bias), so each new block starts as
 * Net2Net's identity block (docs/growth/baselines.md §6.4) and the depth growth preserves the function: LiGO starts
 * where the function-preserving maps start in depth (issue 14). Their gradients are not zero (the block's inner
 * activations are not), so the operator can still learn them.
 * Width, C [D2-D1, D1] (the new rows of [I; C]; paper form B = [I; C]):
 *   'random-convex'  U(0, 1) entries, each row divided by its sum: every new unit a random convex combination of
 *                    the old ones (the official `rand`)
 *   'zero'           C = 0: the new units start at zero ([I; 0], Prop. 1)
 *   'select'         each row one-hot at a random old unit (the official `sel`: a copy without fan-in scaling)
 * Every coefficient draws from its own stream (seed, name), so values do not depend on table order.
 */
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../data/rng'
import { parameterSeed } from '../models'
import { net2netDepth } from './net2net'
import type { LigoCoefficient } from './ligo-coefficients'
import type { LigoCoefficientsDescription } from './types'

export type LigoInit = LigoCoefficientsDescription['init']

/** The small layer large layer i starts from. */
export function depthSource(pattern: LigoInit['depthInit'], i: number, l1: number, l2: number): number {
  if (pattern === 'net2net') return net2netDepth('blocks', i, l1, l2).layer
  return pattern === 'stack' ? i % l1 : Math.floor((i * l1) / l2)
}

/** The modules whose output is added to the residual stream: zero in Net2Net's identity blocks. */
const RESIDUAL_OUTPUT_MODULES = new Set(['attn.out', 'mlp.down'])

/** `module`: the depth coefficient's module (rows of new layers' residual outputs start at zero under 'net2net'). */
export function depthValues(shape: number[], init: LigoInit, rng: Rng, module?: string): Float32Array {
  const [l2, l1] = shape
  const values = new Float32Array(l2 * l1)
  const identityBlocks = init.depthInit === 'net2net' && module !== undefined && RESIDUAL_OUTPUT_MODULES.has(module)
  for (let i = 0; i < l2; i++) {
    const row = values.subarray(i * l1, (i + 1) * l1)
    if (identityBlocks && net2netDepth('blocks', i, l1, l2).zeroResidual) continue
    for (let j = 0; j < l1; j++) row[j] = init.depthNoise > 0 ? rng.next() * init.depthNoise : 0
    row[depthSource(init.depthInit, i, l1, l2)] = 1
    const sum = row.reduce((a, b) => a + b, 0)
    for (let j = 0; j < l1; j++) row[j] /= sum
  }
  return values
}

/** C [rows, d1] by the width scheme. */
export function extraRows(rows: number, d1: number, scheme: LigoInit['widthInit'], rng: Rng): Float32Array {
  const values = new Float32Array(rows * d1)
  for (let r = 0; r < rows; r++) {
    const row = values.subarray(r * d1, (r + 1) * d1)
    if (scheme === 'select') row[rng.nextInt(d1)] = 1
    else if (scheme === 'random-convex') {
      let sum = 0
      for (let j = 0; j < d1; j++) sum += row[j] = rng.next()
      for (let j = 0; j < d1; j++) row[j] /= sum
    }
  }
  return values
}

/** The initial tensor of one coefficient (paper width matrices are B = [I; C]). */
export function initialCoefficient(c: LigoCoefficient, init: LigoInit): tf.Tensor {
  const rng = new Rng(parameterSeed(init.seed, c.name))
  if (c.role === 'depth') return tf.tensor2d(depthValues(c.shape, init, rng, c.module), c.shape as [number, number])
  const d1 = c.smallSize
  const extra = extraRows(c.largeSize - d1, d1, init.widthInit, rng)
  if (c.shape[0] !== c.largeSize) return tf.tensor2d(extra, c.shape as [number, number]) // official: C only
  const full = new Float32Array(c.largeSize * d1)
  for (let j = 0; j < d1; j++) full[j * d1 + j] = 1 // identity block on top
  full.set(extra, d1 * d1)
  return tf.tensor2d(full, c.shape as [number, number])
}
