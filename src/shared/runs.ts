/**
 * Runs across the Studio API: a training, growth or comparison job with its folder under the workspace's runs/
 * (comparisons started before the queues merged keep theirs under comparisons/). One queue for every kind, one run
 * executes at a time; a run whose engine died shows as 'interrupted' and resumes from its last checkpoint. A
 * reopened window catches up with readRunMetrics(runId, fromOffset[, series]).
 */
import type { ModelId } from './models'
import type { CompareParams, ComparisonReport, GrowParams } from './growth'
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
  /** Progress in `unit`: steps (a comparison: over every method and seed), or finished runs of a comparison whose budget is FLOPs or minutes. */
  done: number
  total: number
  unit: 'steps' | 'runs'
  /** Seconds left as the engine estimates them while the run is running; null otherwise. */
  etaSeconds: number | null
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

/** The series key of a training run's own metrics log (readRunMetrics without `series`). */
export const OWN_SERIES = ''

/** One metrics log of a run: a training run's own, or one method-and-seed run of a comparison ("ligo-seed0"). */
export interface RunSeries {
  /** OWN_SERIES, or the comparison's run folder name (readRunMetrics `series`). */
  key: string
  /** The growth method, or the trained model's family for a training run. */
  method: string
  seed: number
  /** 'stopped': started, not finished, and the run is not running now. */
  status: 'pending' | 'running' | 'stopped' | 'done' | 'skipped'
  /** A comparison's grown model before training (its manifest's growth.initial). */
  initial: { loss: number; flops: number; wallSeconds: number; joules: number | null } | null
  /** ISO time the log's run folder was created (TensorBoard wall times). */
  createdAt: string | null
}

/** Fact keys the renderer translates (runs.facts.<key>); values are data (paths, numbers, names). */
export const RUN_FACT_KEYS = ['model', 'from', 'to', 'method', 'methods', 'data', 'steps', 'budget', 'seeds', 'seed', 'batch', 'learningRate', 'schedule', 'evalEvery', 'backend', 'cpu', 'energy', 'grid', 'folder'] as const
export type RunFactKey = (typeof RUN_FACT_KEYS)[number]

export interface RunDetail {
  summary: RunSummary
  /** The start params as given (with the model ids); "duplicate with changes" starts from them. */
  params: StartTrainParams | StartGrowParams | StartCompareParams
  /** manifest.json of a training run, growth.json of a growth, the report of a comparison; null until written. */
  manifest: Record<string, unknown> | null
  checkpoints: RunCheckpoint[]
  /** The models the run produced (grown model, checkpoints) as zoo ids. */
  outputs: ModelId[]
  /** The model's family (a comparison: the large model's, for the paper pair of its headline); null until known. */
  family: string | null
  /** Settings, hardware and folder, in display order. */
  facts: Array<[RunFactKey, string]>
  /** The metrics logs to draw; none for a growth. */
  series: RunSeries[]
  /** A comparison's source model validation loss per seed ({} otherwise). */
  sourceLoss: Record<string, number>
  /** A finished comparison's report; null otherwise. */
  report: ComparisonReport | null
}

/** A slice of a run's metrics log from a byte offset; pass nextOffset back to continue. */
export interface RunMetricsChunk {
  records: MetricRecord[]
  /** Byte offset after the last complete line read. */
  nextOffset: number
  /** The run is not running any more: no more lines will come. */
  final: boolean
  /** The log was cut back (a resume restarts from the last checkpoint): read from 0, these records replace what was read. */
  reset: boolean
}

/** A built-in dataset the engine ships (engine/data/corpora.ts), for the training form's choices. */
export interface DatasetInfo {
  id: string
  modality: 'text' | 'image'
  title: string
}
