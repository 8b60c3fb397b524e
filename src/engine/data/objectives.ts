/**
 * Training objectives turned into arrays: BERT's masked LM (Devlin et al. 2019, section 3.1 "Task #1" and
 * appendix A.1), causal LM next-token targets (Radford et al. 2018/2019), image classification labels.
 * Outputs are plain typed arrays; the trainer makes tensors.
 */
import type { Rng } from './rng'
import type { ImageDataset } from './types'

/** Label value for positions that carry no loss (PyTorch/HF convention). Use labelWeights in TF.js. */
export const IGNORE_INDEX = -100

export interface MaskingOptions {
  vocabSize: number
  maskId: number
  /** Ids never selected for prediction ([CLS], [SEP], [PAD], ...) and never drawn as random replacements. */
  specialIds: readonly number[]
  /** Share of (non-special) positions selected for prediction. BERT: 0.15. */
  selectProbability?: number
  /** Of the selected: replaced by [MASK] (BERT 0.8), by a random token (0.1); the rest stay unchanged (0.1). */
  maskFraction?: number
  randomFraction?: number
}

export interface MaskedSequence {
  inputIds: Int32Array
  /** The original id at selected positions, IGNORE_INDEX elsewhere. */
  labels: Int32Array
  /** 1 at selected positions, 0 elsewhere (the same information, ready for a weighted loss). */
  labelWeights: Float32Array
}

/**
 * BERT masking of one sequence. Each non-special position is selected with probability 15% (an independent
 * draw per position, as HF's DataCollatorForLanguageModeling does); a selected position becomes [MASK] with
 * probability 0.8, a random non-special token with 0.1, and stays itself with 0.1. Deterministic given `rng`.
 */
export function maskTokens(ids: ArrayLike<number>, rng: Rng, options: MaskingOptions): MaskedSequence {
  const select = options.selectProbability ?? 0.15
  const maskFraction = options.maskFraction ?? 0.8
  const randomFraction = options.randomFraction ?? 0.1
  if (!(maskFraction >= 0 && randomFraction >= 0 && maskFraction + randomFraction <= 1)) {
    throw new Error(`Masking fractions must be >= 0 and sum to at most 1, got mask ${maskFraction} + random ${randomFraction}`)
  }
  const specials = new Set(options.specialIds)
  if (specials.size >= options.vocabSize) throw new Error('Masking needs at least one non-special token in the vocabulary')
  const n = ids.length
  const inputIds = Int32Array.from(ids)
  const labels = new Int32Array(n).fill(IGNORE_INDEX)
  const labelWeights = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    // Always draw both numbers so one position's outcome does not shift the next position's randomness.
    const selectDraw = rng.next()
    const actionDraw = rng.next()
    if (specials.has(inputIds[i]) || selectDraw >= select) continue
    labels[i] = inputIds[i]
    labelWeights[i] = 1
    if (actionDraw < maskFraction) inputIds[i] = options.maskId
    else if (actionDraw < maskFraction + randomFraction) {
      let token: number
      do token = rng.nextInt(options.vocabSize)
      while (specials.has(token))
      inputIds[i] = token
    }
  }
  return { inputIds, labels, labelWeights }
}

/**
 * Causal LM: windows of T+1 tokens -> inputs = tokens[0..T-1], targets = tokens[1..T] (predict the next token).
 * `windows` is [batch, T+1] row-major; results are [batch, T].
 */
export function causalLmTargets(windows: Int32Array, batch: number, windowLength: number): { inputIds: Int32Array; labels: Int32Array } {
  if (windows.length !== batch * windowLength) throw new Error(`causalLmTargets: ${windows.length} ids is not ${batch} x ${windowLength}`)
  const t = windowLength - 1
  const inputIds = new Int32Array(batch * t)
  const labels = new Int32Array(batch * t)
  for (let b = 0; b < batch; b++) {
    inputIds.set(windows.subarray(b * windowLength, b * windowLength + t), b * t)
    labels.set(windows.subarray(b * windowLength + 1, (b + 1) * windowLength), b * t)
  }
  return { inputIds, labels }
}

export interface ImageBatch {
  /** [batch, height, width, channels] in [0, 1]. */
  pixels: Float32Array
  /** [batch] class indices. */
  labels: Int32Array
  shape: [number, number, number, number]
}

/** Image classification: gather examples `indices` of the dataset. */
export function imageClassificationBatch(dataset: ImageDataset, indices: ArrayLike<number>): ImageBatch {
  const size = dataset.height * dataset.width * dataset.channels
  const pixels = new Float32Array(indices.length * size)
  const labels = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]
    if (!(index >= 0 && index < dataset.count)) throw new Error(`Image index ${index} is outside the dataset (${dataset.count} examples)`)
    pixels.set(dataset.pixels.subarray(index * size, (index + 1) * size), i * size)
    labels[i] = dataset.labels[index]
  }
  return { pixels, labels, shape: [indices.length, dataset.height, dataset.width, dataset.channels] }
}
