/**
 * Seeded randomness for the data layer. Everything that shuffles, splits or masks draws from here, so a run
 * is a pure function of its seed: the same seed gives the same splits, batches and masks on every machine.
 *
 * Two tools:
 * - `Rng`: a stream (mulberry32, 32-bit state; period 2^32, plenty for shuffling and masking a batch).
 * - `hash32(...keys)`: a stateless mix of integers (murmur3's finaliser over each key). It derives
 *   independent seeds from (seed, epoch, example) without storing state, which is what makes iterators
 *   resumable: a batch's shuffle and masks depend only on its coordinates.
 */
import { fmix32 } from '../../shared/murmur3'

/** Hash any number of integer keys (each taken mod 2^32) into one unsigned 32-bit value. */
export function hash32(...keys: number[]): number {
  let h = 0x9e3779b9
  for (const key of keys) {
    h = fmix32((h ^ fmix32((key >>> 0) + 0x6a09e667)) + 0x3c6ef372)
  }
  return h
}

/** hash32 mapped to [0, 1). */
export function hashUnit(...keys: number[]): number {
  return hash32(...keys) / 4294967296
}

/** A small seeded PRNG (mulberry32). Not cryptographic; reproducible everywhere. */
export class Rng {
  private state: number

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`)
    this.state = seed >>> 0
  }

  /** Unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). Rejection sampling keeps it unbiased for any n up to 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new Error(`nextInt bound must be an integer in [1, 2^32], got ${n}`)
    const limit = 4294967296 - (4294967296 % n)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return x % n
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1)
      const tmp = items[i]
      items[i] = items[j]
      items[j] = tmp
    }
    return items
  }
}

/** The permutation of 0..n-1 for this seed. */
export function permutation(n: number, seed: number): Int32Array {
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  return new Rng(seed).shuffle(order)
}
