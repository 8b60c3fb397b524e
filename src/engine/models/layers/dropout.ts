/**
 * Dropout with reproducible masks. Each call site takes the next site number from one counter, and the site's key is
 * a hash of (dropoutSeed, site number), so a forward pass with the same dropoutSeed drops the same units, two sites
 * never share a mask, and the mask of an element is a hash of its index under that key (backend/dropout-mask.ts):
 * the native kernel, the plain TF.js path and the fused attention core all drop the same elements.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { dropoutKey, dropoutSite, randomDropoutKey, type DropoutSite } from '../../backend/dropout-mask'
import { dropoutAt } from '../../backend/native-ops'

export interface Dropout {
  /** Inverted dropout when training and rate > 0; the identity otherwise. */
  (x: tf.Tensor, rate: number): tf.Tensor
  /**
   * The next site's settings for a kernel that drops inside itself (the fused attention core), or undefined when
   * nothing is dropped (not training, rate 0). Takes a site number as a call does.
   */
  site(rate: number): DropoutSite | undefined
}

export function makeDropout(training: boolean, seed?: number): Dropout {
  let site = 0
  const next = (rate: number): DropoutSite | undefined => {
    if (!training || rate <= 0) return undefined
    site += 1
    return dropoutSite(rate, seed === undefined ? randomDropoutKey() : dropoutKey(seed, site))
  }
  const dropout = (x: tf.Tensor, rate: number): tf.Tensor => {
    const at = next(rate)
    return at ? dropoutAt(x, at) : x
  }
  return Object.assign(dropout, { site: next })
}
