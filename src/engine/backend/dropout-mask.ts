/**
 * Dropout masks as a pure function of (key, element index), the same bit for bit as native/dropout_mask.h: element
 * i of a dropout site is dropped when MurmurHash3_x86_32 of the 4-byte index, seeded with the site's key, falls below
 * threshold = floor(rate · 2^32). Kept elements are scaled by 1/(1 - rate) (inverted dropout).
 *
 * Why a hash instead of a random stream: the native kernels compute the same mask from the key alone, on any thread
 * and in any order, and recompute it in the backward pass instead of storing it; a model therefore drops the same
 * units with and without the addon (tests compare the two paths with dropout on), and the fused attention core
 * drops the probabilities the op-by-op path would.
 *
 * TF.js-core free: engine/models and engine/backend both use it.
 */
import { fmix32, murmur3Word } from '../../shared/murmur3'

/** One dropout site's settings, as the native kernels take them. */
export interface DropoutSite {
  /** Seed of the site's hash, an integer in [0, 2^32). */
  key: number
  /** Elements whose hash is below this are dropped: floor(rate · 2^32), an integer in [1, 2^32). */
  threshold: number
  /** The factor of kept elements, 1/(1 - rate) rounded to float32. */
  scale: number
}

const TWO_32 = 4294967296

/** MurmurHash3_x86_32 of the 4-byte little-endian `index` with seed `key` (both uint32); an integer in [0, 2^32). */
export const dropoutHash = (key: number, index: number): number => murmur3Word(key, index)

/**
 * The site of a dropout with `rate` in [0, 1) and `key`; undefined when nothing would be dropped (rate 0, or below
 * 2^-32), so callers skip the op. Throws for a rate outside [0, 1) (TF.js's tf.dropout rule).
 */
export function dropoutSite(rate: number, key: number): DropoutSite | undefined {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`)
  if (!Number.isInteger(key) || key < 0 || key >= TWO_32) throw new Error(`dropout key must be an integer in [0, 2^32), got ${key}`)
  const threshold = Math.floor(rate * TWO_32)
  if (threshold === 0) return undefined
  return { key, threshold, scale: Math.fround(1 / (1 - rate)) }
}

/** The factor of each of the first `size` elements: 0 (dropped) or site.scale. */
export function dropoutFactors(site: DropoutSite, size: number): Float32Array {
  const factors = new Float32Array(size)
  for (let i = 0; i < size; i++) factors[i] = dropoutHash(site.key, i) < site.threshold ? 0 : site.scale
  return factors
}

/** A random key, for a forward pass without a dropoutSeed (as tf.dropout without a seed draws from Math.random). */
export const randomDropoutKey = (): number => Math.floor(Math.random() * TWO_32)

/**
 * The key of dropout site number `site` (1, 2, ... in the order a forward pass reaches them) under a forward pass's
 * dropoutSeed (any integer, e.g. a run's seed and step combined): keys of neighbouring seeds and sites share no
 * structure, so no two sites of a run reuse a mask except by chance.
 */
export function dropoutKey(seed: number, site: number): number {
  const low = seed >>> 0
  const high = Math.floor(seed / TWO_32) >>> 0
  return fmix32(fmix32(low ^ fmix32(high + 0x9e3779b9)) ^ Math.imul(site, 0x9e3779b9))
}
