/**
 * The built-in pretrained seeds: resources/seeds/index.json as data. The engine reads it (engine/seeds.ts); the
 * model-zoo browser and `ligo grow --from <seed name>` list and resolve seeds from it. scripts/make-seeds.ts writes it.
 */
import type { EvalMetrics } from './train'

export const SEED_INDEX_FILE = 'index.json'
export const SEED_INDEX_VERSION = 1

export type SeedTask = 'masked-lm' | 'causal-lm' | 'image-classification'

export interface SeedEntry {
  /** Registry name, e.g. "bert-moby" (what `ligo grow --from` takes). */
  name: string
  /** Model family (models/registry.ts): bert, gpt2, vit, cait, ... */
  family: string
  task: SeedTask
  description: string
  /** Folder of the checkpoint, relative to the folder holding index.json. */
  path: string
  /** Layout of the folder: transformers (hf) or timm. */
  format: 'hf' | 'timm'
  /** The model preset it was trained from (models/presets.ts). */
  preset: string
  /** The built-in corpus it was trained on (data/corpora.ts). */
  data: string
  /** The config's sizes (numLayers, hiddenSize, numHeads, intermediateSize, vocabSize, imageSize, ...). */
  sizes: Record<string, number>
  parameters: number
  /** Total size of the folder's files, and their names. */
  bytes: number
  files: string[]
  training: {
    steps: number
    examples: number
    tokens?: number
    flops: number
    trainLoss: number
    /** Last evaluation on the validation split. */
    validation: EvalMetrics
    wallSeconds: number
    /** ISO time the run started. */
    date: string
  }
}

export interface SeedIndex {
  version: typeof SEED_INDEX_VERSION
  seeds: SeedEntry[]
}
