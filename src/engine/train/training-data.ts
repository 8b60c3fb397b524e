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
  splitIndices,
  splitItems,
  tokenizeDocuments,
  trainByteLevelBpe,
  trainWordPiece,
  type BatchIterator,
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
  seed: number
  /** Images: use a seeded subset of at most this many images (before the split). */
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
  if (!('vocabSize' in config)) throw new TrainingDataError(`Objective ${objective} needs a text model, got family ${config.family}`)
  const longest = maxSequenceLength(config)
  if (!(Number.isInteger(seqLen) && seqLen >= 3 && seqLen <= longest)) {
    throw new TrainingDataError(`Sequence length ${seqLen} does not fit ${config.family}: it must be an integer from 3 to ${longest} (the model's positions)`)
  }
  const { documents, license } = loadDocuments(options.source)
  // Split by document before chunking, so no document leaks into both sides.
  const split = splitItems(documents, { seed })
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
    description: {
      source: sourceName(options.source),
      kind: 'text',
      objective,
      trainExamples: trainCount,
      validationExamples: validationCount,
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
  if (!('imageSize' in config)) throw new TrainingDataError(`Image classification needs a vision model, got family ${config.family}`)
  const { images: loaded, license } = loadImages(options.source, config)
  const name = sourceName(options.source)
  if (loaded.classNames.length > config.numClasses) {
    throw new TrainingDataError(`Data "${name}" has ${loaded.classNames.length} classes; the model's head has ${config.numClasses}`)
  }
  // A seeded subset (the built-in digits are stored class by class, so a prefix would hold one class only).
  let pool = Array.from({ length: loaded.count }, (_, i) => i)
  if (options.maxExamples !== undefined && options.maxExamples < loaded.count) pool = Array.from(permutation(loaded.count, seed).slice(0, options.maxExamples)).sort((a, b) => a - b)
  // Images of another size or channel count are adapted to the model, with a notice (data/adapt-images.ts).
  const fits = loaded.height === config.imageSize && loaded.width === config.imageSize && loaded.channels === config.numChannels
  if (!fits && config.numChannels !== 1 && config.numChannels !== 3) {
    throw new TrainingDataError(`Data "${name}" has ${loaded.height}x${loaded.width}x${loaded.channels} images; the model takes ${config.imageSize}x${config.imageSize}x${config.numChannels}`)
  }
  const adapted = fits ? { images: loaded, notice: null } : adaptImages(loaded, { height: config.imageSize, width: config.imageSize, channels: config.numChannels as 1 | 3 }, name, pool)
  const images = adapted.images
  if (!fits) pool = pool.map((_, i) => i)
  const split = splitIndices(pool.length, { seed })
  const trainIndices = split.train.map((i) => pool[i])
  const validationIndices = split.validation.map((i) => pool[i])
  if (validationIndices.length === 0) throw new TrainingDataError(`Data "${name}" has ${pool.length} image(s); training needs at least 2 (one for validation)`)
  return {
    kind: 'image',
    train: imageBatches(images, trainIndices, { batchSize, seed }),
    validation: () => imageBatches(images, validationIndices, { batchSize, seed, shuffle: false }),
    batchSize,
    tokensPerBatch: 0,
    description: {
      source: name,
      kind: 'image',
      objective: 'classification',
      trainExamples: trainIndices.length,
      validationExamples: validationIndices.length,
      classes: images.classNames,
      ...(license ? { license } : {}),
      ...(adapted.notice ? { notes: [adapted.notice] } : {}),
    },
  }
}
