/**
 * Deterministic train/validation splits. An example's side depends only on (seed, its index): a hash,
 * never Math.random, so every run, resume and machine sees the same split, and adding examples at the end
 * does not move existing ones across. Split text by document (before chunking into sequences) so that no
 * document leaks into both sides.
 */
import { hashUnit } from './rng'

export type SplitName = 'train' | 'validation'

export interface SplitOptions {
  /** Fraction of examples that go to validation, in [0, 1). Default 0.05 (95/5). */
  validationFraction?: number
  /** Default 0. */
  seed?: number
}

export interface SplitIndices {
  train: number[]
  validation: number[]
}

export const DEFAULT_VALIDATION_FRACTION = 0.05

/**
 * The split is a property of the data, not of a run (docs/growth/split-policy.md): every run trains and evaluates on
 * the split of this seed unless the data's recorded split says otherwise. Run seeds change order, masks and init only.
 */
export const DEFAULT_SPLIT_SEED = 0

/** What a checkpoint, run manifest or experiment records about the split its data was drawn with. */
export interface DataSplit {
  seed: number
  validationFraction: number
}

export const DEFAULT_SPLIT: DataSplit = Object.freeze({ seed: DEFAULT_SPLIT_SEED, validationFraction: DEFAULT_VALIDATION_FRACTION })

export const sameSplit = (a: DataSplit, b: DataSplit): boolean => a.seed === b.seed && a.validationFraction === b.validationFraction

function checkFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validationFraction must be in [0, 1), got ${fraction}`)
}

/** Which side example `index` falls on. The expected validation share is `validationFraction`. */
export function splitOf(index: number, options: SplitOptions = {}): SplitName {
  const fraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION
  checkFraction(fraction)
  return hashUnit(options.seed ?? 0, 0x5b117, index) < fraction ? 'validation' : 'train'
}

/**
 * Indices 0..count-1 split into two ascending lists. With a non-zero fraction and at least two examples,
 * validation is never empty: if the hash picked nobody, the example with the smallest hash moves over
 * (again a function of the seed only).
 */
export function splitIndices(count: number, options: SplitOptions = {}): SplitIndices {
  const fraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION
  checkFraction(fraction)
  const seed = options.seed ?? 0
  const train: number[] = []
  const validation: number[] = []
  let smallest = -1
  let smallestHash = Infinity
  for (let i = 0; i < count; i++) {
    const h = hashUnit(seed, 0x5b117, i)
    if (h < fraction) validation.push(i)
    else train.push(i)
    if (h < smallestHash) {
      smallestHash = h
      smallest = i
    }
  }
  if (fraction > 0 && validation.length === 0 && count >= 2) {
    train.splice(train.indexOf(smallest), 1)
    validation.push(smallest)
  }
  return { train, validation }
}

/** Convenience: pick the items of each side. */
export function splitItems<T>(items: readonly T[], options: SplitOptions = {}): { train: T[]; validation: T[] } {
  const { train, validation } = splitIndices(items.length, options)
  return { train: train.map((i) => items[i]), validation: validation.map((i) => items[i]) }
}
