/**
 * Runs across the Studio API: a training, growth or comparison job with its folder under the workspace's runs/.
 * One run executes at a time (a queue); a run whose engine died shows as 'interrupted' and resumes from its last
 * checkpoint. A reopened window catches up with readRunMetrics(runId, fromOffset).
 */
import type { ModelId } from './models'
import type { CompareParams, GrowParams } from './growth'
import type { RunTarget } from './growth-design/contract'
import type { MetricRecord, TrainParams } from './train'

export const RUN_KINDS = ['train', 'grow', 'compare'] as const
export type RunKind = (typeof RUN_KINDS)[number]
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
/** A run's folder name under <workspace>/runs: no separators, and never '.' or '..'. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** Training settings the UI may set (the rest take TRAIN_DEFAULTS); the same fields as the engine's TrainParams. */
export type TrainSettings = Pick<
  TrainParams,
  'batchSize' | 'seqLen' | 'learningRate' | 'warmupSteps' | 'schedule' | 'weightDecay' | 'clipNorm' | 'seed' | 'evalEvery' | 'evalBatches' | 'checkpointEvery' | 'logEvery' | 'maxExamples'
>

export interface StartTrainParams {
  model: ModelId
  /** Built-in corpus id (moby-dick, sotu, mnist...) or a path the user chose. */
  data: string
  steps: number
  /** Shown in the runs list; default: "<model> on <data>". */
  name?: string
  settings?: TrainSettings
}

/**
 * A growth: GrowParams (shared/growth.ts) with the small model as a zoo id and the target as a preset, zoo id, config
 * file or the designer's sizes (RunTarget); `out` is the run's folder. The host validates the growth fields with the
 * engine's own validator before queueing.
 */
export type StartGrowParams = Omit<GrowParams, 'from' | 'to' | 'out' | 'force'> & { from: ModelId; to: RunTarget; name?: string }

/** A comparison: CompareParams with the small model as a zoo id and the target as in StartGrowParams; `out` is the run's folder. */
export type StartCompareParams = Omit<CompareParams, 'from' | 'to' | 'out'> & { from: ModelId; to: RunTarget; name?: string }

export interface RunSummary {
  id: string
  kind: RunKind
  name: string
  status: RunStatus
  /** ISO times. */
  createdAt: string
  updatedAt: string
  /** The model it started from (train: the model; grow / compare: the small model). */
  model: ModelId | string
  /** Grow / compare: the target size. */
  target: string | null
  /** Grow: the method; compare: the methods joined by commas. */
  method: string | null
  /** Progress in the run's own unit (steps). */
  done: number
  total: number
  /** Last complete checkpoint step, null before the first. */
  lastCheckpointStep: number | null
  /** failed / interrupted: why, in words. */
  error: string | null
  /** Position in the queue (0 = next), null when not queued. */
  queuePosition: number | null
}

export interface RunCheckpoint {
  step: number
  /** "run:<id>/step-<N>": usable wherever a model is taken. */
  modelId: ModelId
}

export interface RunDetail {
  summary: RunSummary
  /** The start params as given (with the model ids). */
  params: StartTrainParams | StartGrowParams | StartCompareParams
  /** manifest.json of a training run, growth.json of a growth, the report of a comparison; null until written. */
  manifest: Record<string, unknown> | null
  checkpoints: RunCheckpoint[]
  /** The models the run produced (grown model, checkpoints) as zoo ids. */
  outputs: ModelId[]
}

/** A slice of a run's metrics log from a byte offset; pass nextOffset back to continue. */
export interface RunMetricsChunk {
  records: MetricRecord[]
  /** Byte offset after the last complete line read. */
  nextOffset: number
  /** The run is not running any more: no more lines will come. */
  final: boolean
}
