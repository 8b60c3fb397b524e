/**
 * The model zoo across the Studio API: every model the app knows (paper presets, built-in seeds, imported
 * checkpoints, grown and trained models, a run's checkpoints) as one kind of card, addressed by a ModelId that
 * every API method taking a model accepts. The engine's resolver (src/engine/library) turns a ModelId into a
 * config and weights; the CLI accepts the same ids besides plain paths.
 */

/**
 * "preset:<id>"            a size preset (engine/models/presets.ts), randomly initialised
 * "seed:<name>"            a built-in pretrained seed (resources/seeds)
 * "lib:<id>"               a checkpoint in the workspace library (imported by reference or uploaded)
 * "run:<runId>"            the latest checkpoint of a run in the workspace
 * "run:<runId>/step-<N>"   one checkpoint of a run
 */
export type ModelId = string
/** The name after the kind is one folder-safe segment, never "." or ".." ("run:.." would be the workspace itself). */
export const MODEL_ID_PATTERN = /^(preset|seed|lib|run):(?!\.\.?(?:\/|$))[A-Za-z0-9._-]{1,128}(\/step-\d{1,12})?$/
export const MODEL_ID_KINDS = ['preset', 'seed', 'lib', 'run'] as const
export type ModelIdKind = (typeof MODEL_ID_KINDS)[number]

export const MODEL_SOURCE_KINDS = ['preset', 'builtin', 'imported', 'uploaded', 'grown', 'trained'] as const
export type ModelSourceKind = (typeof MODEL_SOURCE_KINDS)[number]

/** Where a card's model comes from (the "source" line of a card). */
export type ModelSource =
  | { kind: 'preset'; presetId: string; paper: boolean }
  | { kind: 'builtin'; seed: string; preset: string; data: string }
  /** Desktop: imported by reference; the file stays where it is. */
  | { kind: 'imported'; path: string }
  /** `ligo serve`: uploaded into the workspace's uploads folder. */
  | { kind: 'uploaded'; fileName: string }
  /** A growth run's result: `from` grown by `method` (a growth method's name: engine/growth's METHOD_NAMES). */
  | { kind: 'grown'; from: ModelId | string; method: string; runId: string }
  /** A training run's checkpoint: `from` trained for `step` steps. */
  | { kind: 'trained'; from: ModelId | string; runId: string; step: number }

/** The sizes a card shows (layers / hidden / heads / FFN), plus what the family adds. */
export interface ModelSizes {
  layers: number
  hidden: number
  heads: number
  ffn: number
  /** CaiT's class-attention blocks. */
  classLayers?: number
  vocabSize?: number
  maxPositions?: number
  imageSize?: number
  patchSize?: number
  numClasses?: number
}

/** Training memory at the default batch: the engine's estimate against this machine's RAM. */
export interface TrainingFit {
  batchSize: number
  /** Tokens (text) or patches + prefix tokens (images) per example the estimate assumed. */
  tokensPerExample: number
  estimatedBytes: number
  /** Total memory of the machine running the engine; null when unknown. */
  availableBytes: number | null
  /** null when availableBytes is unknown. */
  fits: boolean | null
}

/** One card of the zoo. */
export interface ModelSummary {
  id: ModelId
  name: string
  /** Model family (engine/models/config.ts FAMILY_NAMES): bert, roberta, gpt2, vit, deit, cait. */
  family: string
  /** 'text' FLOPs are per token, 'image' FLOPs per image. */
  modality: 'text' | 'image'
  sizes: ModelSizes
  parameters: number
  /** Forward FLOPs per token (text, at maxPositions) or per image (engine/metrics/flops.ts). */
  forwardFlops: number
  forwardFlopsUnit: 'token' | 'image'
  /** Bytes on disk of the weights (null for presets, which have none). */
  sizeBytes: number | null
  source: ModelSource
  /** When it entered the zoo (import, end of growth, checkpoint time); null for presets and seeds. */
  addedAt: string | null
  training: TrainingFit
  /** Things the user should know (a moved or changed file, an assumed head count). */
  warnings: string[]
}

/** One row of a card's tensor table (file names, as stored). */
export interface TensorRow {
  name: string
  shape: number[]
  dtype: string
  bytes: number
  /** The engine's canonical name(s) it maps to; [] for ignored tensors. */
  canonical: string[]
  /** Why the importer skips it, or null. */
  ignored: string | null
}

/** One link of a lineage chain: the model, and how it was made from the next link. */
export interface LineageStep {
  /** The model's id when the zoo still has it, else null (a deleted run, a path that moved). */
  modelId: ModelId | null
  name: string
  /** How this model was made from the next step of the chain; null at the root. */
  made: { kind: 'grown'; method: string; runId: string } | { kind: 'trained'; runId: string; step: number } | null
}

/** An opened card. */
export interface ModelDetail {
  summary: ModelSummary
  /** The engine's ModelConfig, as JSON. */
  config: Record<string, unknown>
  /** Where the weights are read from (null for presets). */
  weightsPath: string | null
  /** The class the file was saved as (BertForMaskedLM, timm cait_*); null for presets. */
  sourceClass: string | null
  tensors: TensorRow[]
  /** This model first, then the model it was made from, back to a root (preset, seed or import). */
  lineage: LineageStep[]
}

/** Filters of listModels; all optional, combined with AND. */
export interface ModelQuery {
  /** Case-insensitive substring of the name or id. */
  search?: string
  families?: string[]
  sources?: ModelSourceKind[]
  minParameters?: number
  maxParameters?: number
  sort?: 'name' | 'parameters' | 'date'
  order?: 'asc' | 'desc'
}

/** Result of importing one path or upload: the new card, or the parser's error naming the file. */
export type ImportOutcome =
  | { ok: true; path: string; model: ModelSummary; alreadyInLibrary: boolean }
  | { ok: false; path: string; error: { code: string; message: string } }
