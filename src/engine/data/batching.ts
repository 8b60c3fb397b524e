/**
 * From documents to batches. Token streams are packed into fixed-length sequences ([CLS] ... [SEP] for MLM,
 * windows of T+1 with <|endoftext|> between documents for CLM); a `BatchIterator` visits them in a seeded
 * order per epoch. Its position is {epoch, index}; the order and MLM masks of a batch depend only on
 * (seed, epoch, sequence), so a run restored from a saved state sees exactly the batches it would have seen.
 */
import { causalLmTargets, imageClassificationBatch, maskTokens, type ImageBatch, type MaskingOptions } from './objectives'
import { hash32, permutation, Rng } from './rng'
import { DataSizeError, InputError } from '../runtime/input-error'
import type { TextTokenizer } from './tokenizers/types'
import type { ImageDataset, TextDocument } from './types'

/** `count` sequences of `length` ids, row-major [count, length]. */
export interface SequenceSet {
  ids: Int32Array
  /** 1 for real tokens, 0 for padding; same layout as ids. */
  attentionMask: Uint8Array
  count: number
  length: number
}

export function tokenizeDocuments(documents: readonly TextDocument[], tokenizer: TextTokenizer): number[][] {
  return documents.map((d) => tokenizer.encode(d.text))
}

function requireId(id: number | undefined, name: string): number {
  // A checkpoint's own tokenizer of another kind (a GPT-2 BPE under a BERT model): the user's files, not a bug.
  if (id === undefined) throw new InputError(`The tokenizer has no ${name} token, which this model's objective needs`)
  return id
}

/**
 * MLM packing (RoBERTa's FULL-SENTENCES without NSP): documents are concatenated, each followed by [SEP];
 * the stream is cut into chunks of seqLen-2 and each chunk becomes [CLS] chunk [SEP]. The last chunk is
 * padded with [PAD] (attention 0).
 */
export function packForMaskedLm(documents: readonly number[][], seqLen: number, specialIds: { cls?: number; sep?: number; pad?: number }): SequenceSet {
  if (!Number.isInteger(seqLen) || seqLen < 3) throw new Error(`seqLen must be an integer >= 3 for [CLS] x [SEP], got ${seqLen}`)
  const cls = requireId(specialIds.cls, '[CLS]')
  const sep = requireId(specialIds.sep, '[SEP]')
  const pad = requireId(specialIds.pad, '[PAD]')
  const stream: number[] = []
  for (const doc of documents) if (doc.length > 0) stream.push(...doc, sep)
  if (stream.length === 0) throw new DataSizeError('Nothing to pack: the documents have no tokens')
  const body = seqLen - 2
  const count = Math.ceil(stream.length / body)
  const ids = new Int32Array(count * seqLen).fill(pad)
  const attentionMask = new Uint8Array(count * seqLen)
  for (let s = 0; s < count; s++) {
    const chunk = stream.slice(s * body, (s + 1) * body)
    // A chunk that already ends with the document's [SEP] gets no second one.
    const row = chunk[chunk.length - 1] === sep ? [cls, ...chunk] : [cls, ...chunk, sep]
    ids.set(row, s * seqLen)
    attentionMask.fill(1, s * seqLen, s * seqLen + row.length)
  }
  return { ids, attentionMask, count, length: seqLen }
}

/**
 * CLM packing (GPT-2 / nanoGPT): documents concatenated with <|endoftext|> after each, cut into windows of
 * seqLen+1 tokens with stride seqLen (each window gives seqLen inputs and seqLen next-token targets).
 * The remainder shorter than a window is dropped.
 */
export function packForCausalLm(documents: readonly number[][], seqLen: number, specialIds: { eos?: number }): SequenceSet {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new Error(`seqLen must be a positive integer, got ${seqLen}`)
  const eos = requireId(specialIds.eos, 'end-of-text')
  const stream: number[] = []
  for (const doc of documents) if (doc.length > 0) stream.push(...doc, eos)
  const count = Math.floor((stream.length - 1) / seqLen)
  if (count < 1) throw new DataSizeError(`Not enough text: ${stream.length} tokens make no window of ${seqLen + 1} (\`seqLen\` ${seqLen} + 1); lower \`seqLen\` or give more text`)
  const length = seqLen + 1
  const ids = new Int32Array(count * length)
  for (let s = 0; s < count; s++) ids.set(stream.slice(s * seqLen, s * seqLen + length), s * length)
  return { ids, attentionMask: new Uint8Array(count * length).fill(1), count, length }
}

export interface IteratorState {
  epoch: number
  /** Index of the next batch within the epoch. */
  index: number
}

export interface BatchOrderOptions {
  batchSize: number
  seed: number
  /** Default true (training); false visits examples in order (validation). */
  shuffle?: boolean
  /** Default true when shuffling: every batch is full. Validation keeps the last partial batch. */
  dropLast?: boolean
}

export interface TokenBatch {
  /** [batch, seqLen] */
  inputIds: Int32Array
  /** [batch, seqLen]; IGNORE_INDEX (-100) where there is no loss. */
  labels: Int32Array
  /** [batch, seqLen]; 1 where the loss counts. */
  labelWeights: Float32Array
  /** [batch, seqLen]; 1 for tokens, 0 for padding. */
  attentionMask: Float32Array
  shape: [number, number]
}

/** Visits `count` examples in batches, in a seeded order per epoch, from a restorable position. */
export class BatchIterator<B> {
  readonly batchesPerEpoch: number
  private position: IteratorState = { epoch: 0, index: 0 }
  private order: { epoch: number; indices: Int32Array } | undefined
  private readonly shuffle: boolean
  private readonly dropLast: boolean

  constructor(
    readonly count: number,
    private readonly options: BatchOrderOptions,
    private readonly makeBatch: (indices: Int32Array, epoch: number) => B,
  ) {
    const { batchSize } = options
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`)
    this.shuffle = options.shuffle ?? true
    this.dropLast = options.dropLast ?? this.shuffle
    this.batchesPerEpoch = this.dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize)
    if (this.batchesPerEpoch < 1) {
      throw new DataSizeError(`${count} examples make no ${this.dropLast ? 'full ' : ''}batch of \`batchSize\` ${batchSize}; lower \`batchSize\` (for text, a shorter \`seqLen\` also makes more examples) or give more data`)
    }
  }

  get state(): IteratorState {
    return { ...this.position }
  }

  restore(state: IteratorState): void {
    if (!(Number.isInteger(state.epoch) && state.epoch >= 0 && Number.isInteger(state.index) && state.index >= 0 && state.index < this.batchesPerEpoch)) {
      throw new Error(`Invalid iterator state ${JSON.stringify(state)} (index must be in 0..${this.batchesPerEpoch - 1})`)
    }
    this.position = { ...state }
  }

  /** The example order of `epoch`: a permutation seeded by (seed, epoch), or 0..count-1 without shuffling. */
  epochOrder(epoch: number): Int32Array {
    if (this.order?.epoch !== epoch) {
      const indices = this.shuffle ? permutation(this.count, hash32(this.options.seed, epoch)) : Int32Array.from({ length: this.count }, (_, i) => i)
      this.order = { epoch, indices }
    }
    return this.order.indices
  }

  /** The batch at the current position; then the position moves on (to the next epoch after the last batch). */
  next(): B & IteratorState {
    const { epoch, index } = this.position
    const { batchSize } = this.options
    const indices = this.epochOrder(epoch).slice(index * batchSize, Math.min((index + 1) * batchSize, this.count))
    this.position = index + 1 >= this.batchesPerEpoch ? { epoch: epoch + 1, index: 0 } : { epoch, index: index + 1 }
    return { ...this.makeBatch(indices, epoch), epoch, index }
  }
}

/** MLM batches: masks drawn from (seed, epoch, sequence index), so they differ per epoch yet are reproducible. */
export function maskedLmBatches(sequences: SequenceSet, options: BatchOrderOptions & { masking: MaskingOptions }): BatchIterator<TokenBatch> {
  const { length } = sequences
  return new BatchIterator(sequences.count, options, (indices, epoch) => {
    const b = indices.length
    const batch: TokenBatch = {
      inputIds: new Int32Array(b * length),
      labels: new Int32Array(b * length),
      labelWeights: new Float32Array(b * length),
      attentionMask: new Float32Array(b * length),
      shape: [b, length],
    }
    indices.forEach((s, row) => {
      const ids = sequences.ids.subarray(s * length, (s + 1) * length)
      const masked = maskTokens(ids, new Rng(hash32(options.seed, epoch, s, 0x4d4c4d)), options.masking)
      batch.inputIds.set(masked.inputIds, row * length)
      batch.labels.set(masked.labels, row * length)
      batch.labelWeights.set(masked.labelWeights, row * length)
      batch.attentionMask.set(sequences.attentionMask.subarray(s * length, (s + 1) * length), row * length)
    })
    return batch
  })
}

/** CLM batches from windows of seqLen+1 (packForCausalLm): inputs and next-token labels, [batch, seqLen]. */
export function causalLmBatches(windows: SequenceSet, options: BatchOrderOptions): BatchIterator<TokenBatch> {
  const { length } = windows
  return new BatchIterator(windows.count, options, (indices) => {
    const b = indices.length
    const gathered = new Int32Array(b * length)
    indices.forEach((s, row) => gathered.set(windows.ids.subarray(s * length, (s + 1) * length), row * length))
    const { inputIds, labels } = causalLmTargets(gathered, b, length)
    const t = length - 1
    return { inputIds, labels, labelWeights: new Float32Array(b * t).fill(1), attentionMask: new Float32Array(b * t).fill(1), shape: [b, t] }
  })
}

/** Image batches over a subset of examples (e.g. the train indices of a split). */
export function imageBatches(dataset: ImageDataset, exampleIndices: readonly number[], options: BatchOrderOptions): BatchIterator<ImageBatch> {
  return new BatchIterator(exampleIndices.length, options, (indices) => imageClassificationBatch(dataset, Array.from(indices, (i) => exampleIndices[i])))
}
