/**
 * From a data source to the batches a training run consumes: built-in corpus or user path, deterministic
 * train/validation split (by document for text, by image), a tokenizer trained on the training split (WordPiece
 * for masked LM, byte-level BPE for causal LM) or given (a resumed run loads the one its run folder holds), then
 * packing and the objective's batch iterator. Plain typed arrays; batch-tensors.ts makes tensors.
 */
import { existsSync, statSync } from 'node:fs'
import { maxSequenceLength, type ModelConfig, type VisionConfig } from '../models/config'
import type { ModelFamily } from '../models/registry'
import {
  CORPUS_IDS,
  causalLmBatches,
  getCorpus,
  imageBatches,
  loadImageFolder,
  loadTextSource,
  maskedLmBatches,
  packForCausalLm,
  packForMaskedLm,
  permutation,
  DEFAULT_SPLIT,
  splitIndices,
  tokenizeDocuments,
  trainByteLevelBpe,
  trainWordPiece,
  type BatchIterator,
  type DataSplit,
  type ImageBatch,
  type ImageDataset,
  type MaskingOptions,
  type TextDocument,
  type TextTokenizer,
  type TokenBatch,
} from '../data'
import { adaptImages } from '../data/adapt-images'

export type Objective = ModelFamily['objective']

/** A data source: a built-in corpus id, a path, or data already in memory (tests, other engine code). */
export type DataSource = string | { name: string; documents: TextDocument[] } | { name: string; images: ImageDataset }

export interface TrainingDataOptions {
  config: ModelConfig
  objective: Objective
  source: DataSource
  batchSize: number
  /** Text: tokens per sequence. */
  seqLen: number
  /** Batch order, masks and the image subset's order; never the split. */
  seed: number
  /** The train/validation split (default DEFAULT_SPLIT): a property of the data, the same for every run seed. */
  split?: DataSplit
  /** Images: use a subset of at most this many images, drawn on each side of the split (validation stays held out). */
  maxExamples?: number
  /** Text: use this tokenizer instead of training one (a resumed run passes the one it saved). */
  tokenizer?: TextTokenizer
}

/** What the manifest records about the data. */
export interface DataDescription {
  source: string
  kind: 'text' | 'image'
  objective: Objective
  trainExamples: number
  validationExamples: number
  /** The split the examples were drawn with: runs on the same data with the same split never evaluate on training data. */
  split: DataSplit
  /** Text: documents on each side of the split, tokenizer kind and size. */
  documents?: { train: number; validation: number }
  tokenizer?: { kind: string; vocabSize: number; trained: boolean }
  seqLen?: number
  classes?: string[]
  license?: string
  /** What was changed to make the data fit the model (images resized or converted), for the user to see. */
  notes?: string[]
}

interface DataCommon {
  description: DataDescription
  batchSize: number
  /** Token positions per training batch (text), for the tokens counter; 0 for images. */
  tokensPerBatch: number
  /** Indices into the source's documents (text) or images on each side of the split (ascending). */
  examples: { train: readonly number[]; validation: readonly number[] }
}
export interface TextTrainingData extends DataCommon {
  kind: 'text'
  tokenizer: TextTokenizer
  train: BatchIterator<TokenBatch>
  /** A fresh, unshuffled pass over the validation sequences (fixed masks for MLM). */
  validation(): BatchIterator<TokenBatch>
}
export interface ImageTrainingData extends DataCommon {
  kind: 'image'
  train: BatchIterator<ImageBatch>
  validation(): BatchIterator<ImageBatch>
}
export type TrainingData = TextTrainingData | ImageTrainingData

export class TrainingDataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TrainingDataError'
  }
}

export function buildTrainingData(options: TrainingDataOptions): TrainingData {
  return options.objective === 'classification' ? imageData(options) : textData(options)
}

function sourceName(source: DataSource): string {
  return typeof source === 'string' ? source : source.name
}

function loadDocuments(source: DataSource): { documents: TextDocument[]; license?: string } {
  if (typeof source !== 'string') {
    if ('documents' in source) return { documents: source.documents }
    throw new TrainingDataError(`Data "${source.name}" holds images, but this model trains on text`)
  }
  if (CORPUS_IDS.includes(source)) {
    const corpus = getCorpus(source)
    if (corpus.kind !== 'text') throw new TrainingDataError(`Built-in data "${source}" is images, but this model trains on text. Text corpora: ${textCorpora().join(', ')}`)
    return { documents: corpus.loadDocuments(), license: corpus.license }
  }
  if (!existsSync(source)) throw new TrainingDataError(`Data "${source}" is neither a built-in corpus (${CORPUS_IDS.join(', ')}) nor an existing path`)
  return { documents: loadTextSource(source) }
}

const textCorpora = () => CORPUS_IDS.filter((id) => getCorpus(id).kind === 'text')

function textData(options: TrainingDataOptions): TextTrainingData {
  const { config, objective, batchSize, seqLen, seed } = options
  const dataSplit = options.split ?? DEFAULT_SPLIT
  if (!('vocabSize' in config)) throw new TrainingDataError(`Objective ${objective} needs a text model, got family ${config.family}`)
  const longest = maxSequenceLength(config)
  if (!(Number.isInteger(seqLen) && seqLen >= 3 && seqLen <= longest)) {
    throw new TrainingDataError(`Sequence length ${seqLen} does not fit ${config.family}: it must be an integer from 3 to ${longest} (the model's positions)`)
  }
  const { documents, license } = loadDocuments(options.source)
  // Split by document before chunking, so no document leaks into both sides.
  const indices = splitIndices(documents.length, dataSplit)
  const split = { train: indices.train.map((i) => documents[i]), validation: indices.validation.map((i) => documents[i]) }
  if (split.train.length === 0 || split.validation.length === 0) {
    throw new TrainingDataError(`Data "${sourceName(options.source)}" has ${documents.length} document(s); training needs at least 2 (one for validation)`)
  }
  const trained = options.tokenizer === undefined
  const tokenizer = options.tokenizer ?? trainTokenizer(objective, split.train, config.vocabSize, sourceName(options.source))
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new TrainingDataError(`The tokenizer has ${tokenizer.vocabSize} ids but the model's vocabulary has ${config.vocabSize} rows`)
  }
  const order = { batchSize, seed }
  let train: BatchIterator<TokenBatch>
  let validation: () => BatchIterator<TokenBatch>
  let trainCount: number
  let validationCount: number
  if (objective === 'masked-lm') {
    const ids = tokenizer.specialIds
    const masking: MaskingOptions = {
      vocabSize: tokenizer.vocabSize,
      maskId: requireSpecial(ids.mask, '[MASK]'),
      specialIds: [ids.pad, ids.cls, ids.sep, ids.mask, ids.unk].filter((id): id is number => id !== undefined),
    }
    const trainSeqs = packForMaskedLm(tokenizeDocuments(split.train, tokenizer), seqLen, ids)
    const validationSeqs = packForMaskedLm(tokenizeDocuments(split.validation, tokenizer), seqLen, ids)
    train = maskedLmBatches(trainSeqs, { ...order, masking })
    validation = () => maskedLmBatches(validationSeqs, { ...order, masking, shuffle: false })
    trainCount = trainSeqs.count
    validationCount = validationSeqs.count
  } else {
    // Windows of seqLen + 1 give seqLen inputs and seqLen next-token labels.
    const trainWindows = packForCausalLm(tokenizeDocuments(split.train, tokenizer), seqLen, tokenizer.specialIds)
    const validationWindows = packForCausalLm(tokenizeDocuments(split.validation, tokenizer), seqLen, tokenizer.specialIds)
    train = causalLmBatches(trainWindows, order)
    validation = () => causalLmBatches(validationWindows, { ...order, shuffle: false })
    trainCount = trainWindows.count
    validationCount = validationWindows.count
  }
  return {
    kind: 'text',
    tokenizer,
    train,
    validation,
    batchSize,
    tokensPerBatch: batchSize * seqLen,
    examples: indices,
    description: {
      source: sourceName(options.source),
      kind: 'text',
      objective,
      trainExamples: trainCount,
      validationExamples: validationCount,
      split: { ...dataSplit },
      documents: { train: split.train.length, validation: split.validation.length },
      tokenizer: { kind: tokenizer.kind, vocabSize: tokenizer.vocabSize, trained },
      seqLen,
      ...(license ? { license } : {}),
    },
  }
}

/** A tokenizer trained on the data, or an error naming what is missing: the model's own tokenizer files. */
function trainTokenizer(objective: Objective, documents: TextDocument[], vocabSize: number, name: string): TextTokenizer {
  const kind = objective === 'masked-lm' ? 'WordPiece' : 'byte-level BPE'
  try {
    return objective === 'masked-lm' ? trainWordPiece(documents.map((d) => d.text), { vocabSize }) : trainByteLevelBpe(documents.map((d) => d.text), { vocabSize })
  } catch (error) {
    const files = objective === 'masked-lm' ? 'tokenizer.json or vocab.txt' : 'tokenizer.json, or vocab.json and merges.txt'
    throw new TrainingDataError(
      `The model has no tokenizer, and a ${kind} tokenizer for its ${vocabSize}-id vocabulary cannot be trained on data "${name}" (${(error as Error).message}). ` +
        `Put the model's own tokenizer files (${files}) beside its weights`,
    )
  }
}

function requireSpecial(id: number | undefined, name: string): number {
  if (id === undefined) throw new TrainingDataError(`The tokenizer has no ${name} token, which masked-LM training needs`)
  return id
}

function loadImages(source: DataSource, config: VisionConfig): { images: ImageDataset; license?: string } {
  if (typeof source !== 'string') {
    if ('images' in source) return { images: source.images }
    throw new TrainingDataError(`Data "${source.name}" is text, but this model classifies images`)
  }
  if (CORPUS_IDS.includes(source)) {
    const corpus = getCorpus(source)
    if (corpus.kind !== 'image') throw new TrainingDataError(`Built-in data "${source}" is text, but this model classifies images. Image data: ${CORPUS_IDS.filter((id) => getCorpus(id).kind === 'image').join(', ')}`)
    return { images: corpus.loadImages(), license: corpus.license }
  }
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new TrainingDataError(`Data "${source}" is neither a built-in corpus (${CORPUS_IDS.join(', ')}) nor a folder of images (one sub-folder per class)`)
  }
  if (config.numChannels !== 1 && config.numChannels !== 3) throw new TrainingDataError(`Image folders load 1 or 3 channels; the model has ${config.numChannels}`)
  return { images: loadImageFolder(source, { height: config.imageSize, width: config.imageSize, channels: config.numChannels }) }
}

function imageData(options: TrainingDataOptions): ImageTrainingData {
  const { config, batchSize, seed } = options
  const dataSplit = options.split ?? DEFAULT_SPLIT
  if (!('imageSize' in config)) throw new TrainingDataError(`Image classification needs a vision model, got family ${config.family}`)
  const { images: loaded, license } = loadImages(options.source, config)
  const name = sourceName(options.source)
  if (loaded.classNames.length > config.numClasses) {
    throw new TrainingDataError(`Data "${name}" has ${loaded.classNames.length} classes; the model's head has ${config.numClasses}`)
  }
  // The split is drawn over every image, so a subset's validation images are held out from a run on all of them.
  const split = splitIndices(loaded.count, dataSplit)
  let trainIndices = split.train
  let validationIndices = split.validation
  if (options.maxExamples !== undefined && options.maxExamples < loaded.count) {
    // A seeded subset (the built-in digits are stored class by class, so a prefix would hold one class only),
    // taken from both sides, so the subset keeps about the split's shares.
    const keep = new Set(Array.from(permutation(loaded.count, seed).slice(0, options.maxExamples)))
    trainIndices = trainIndices.filter((i) => keep.has(i))
    validationIndices = validationIndices.filter((i) => keep.has(i))
  }
  if (validationIndices.length === 0 || trainIndices.length === 0) throw new TrainingDataError(`Data "${name}" has ${trainIndices.length + validationIndices.length} image(s) after the split; training needs at least one on each side`)
  // Images of another size or channel count are adapted to the model, with a notice (data/adapt-images.ts).
  const fits = loaded.height === config.imageSize && loaded.width === config.imageSize && loaded.channels === config.numChannels
  if (!fits && config.numChannels !== 1 && config.numChannels !== 3) {
    throw new TrainingDataError(`Data "${name}" has ${loaded.height}x${loaded.width}x${loaded.channels} images; the model takes ${config.imageSize}x${config.imageSize}x${config.numChannels}`)
  }
  let images = loaded
  let notice: string | null = null
  if (!fits) {
    // Only the images this run uses are adapted; adapted image k is loaded image pool[k].
    const pool = [...trainIndices, ...validationIndices]
    const adapted = adaptImages(loaded, { height: config.imageSize, width: config.imageSize, channels: config.numChannels as 1 | 3 }, name, pool)
    images = adapted.images
    notice = adapted.notice
    const trainCount = trainIndices.length
    trainIndices = trainIndices.map((_, k) => k)
    validationIndices = validationIndices.map((_, k) => trainCount + k)
  }
  return {
    kind: 'image',
    train: imageBatches(images, trainIndices, { batchSize, seed }),
    validation: () => imageBatches(images, validationIndices, { batchSize, seed, shuffle: false }),
    batchSize,
    tokensPerBatch: 0,
    examples: { train: trainIndices, validation: validationIndices },
    description: {
      source: name,
      kind: 'image',
      objective: 'classification',
      trainExamples: trainIndices.length,
      validationExamples: validationIndices.length,
      split: { ...dataSplit },
      classes: images.classNames,
      ...(license ? { license } : {}),
      ...(notice ? { notes: [notice] } : {}),
    },
  }
}
