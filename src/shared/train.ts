/**
 * Training runs across the process boundary: the engine method `train` (params, result) and the records of a run
 * folder that hosts read (manifest.json, metrics.jsonl). The engine writes them; the CLI, main and the renderer read them.
 */
import type { MetricEnergy, RunEnergyManifest } from './energy'
import type { HardwareRecord } from './hardware'
import { number, object, oneOf, optional, type Validator } from './validate'

/** Decay after warmup: docs/engine/schedules.md (wsd-*: warmup-stable-decay; accelerated: LEMON's shortened decay). */
export const LR_SCHEDULES = ['linear', 'cosine', 'wsd-linear', 'wsd-cosine', 'accelerated'] as const
export type LrSchedule = (typeof LR_SCHEDULES)[number]

/**
 * Params of the engine method `train`. Optional fields take the defaults in TRAIN_DEFAULTS. A new run needs model,
 * data and steps; a resume reads everything from the run's manifest, and only `steps` may be given to extend it.
 */
export interface TrainParams {
  /** A model preset id (models/presets.ts) or a checkpoint folder. */
  model?: string
  /** A built-in corpus id (moby-dick, sotu, sotu-modern, mnist) or a path (text file, folder, .jsonl, image folder). */
  data?: string
  /** Total optimizer steps of the run (a resumed run continues up to this step). */
  steps?: number
  /** Absolute path of the run folder: created for a new run, read back for a resume. */
  runDir: string
  /** Continue the run in runDir from its last checkpoint. */
  resume?: boolean
  batchSize?: number
  /** Tokens per sequence (text models). */
  seqLen?: number
  learningRate?: number
  warmupSteps?: number
  schedule?: LrSchedule
  weightDecay?: number
  /** Clip gradients to this global L2 norm; 0 turns clipping off. */
  clipNorm?: number
  seed?: number
  /** Evaluate on the validation split every N steps (and at the end); 0 = only at the end. */
  evalEvery?: number
  /** At most this many validation batches per evaluation. */
  evalBatches?: number
  /** Write a checkpoint every N steps (and at the end or on cancel). */
  checkpointEvery?: number
  /** Read losses back and write a metrics line every N steps. */
  logEvery?: number
  /** Checkpoints kept on disk (older ones are deleted). */
  keepCheckpoints?: number
  /** Images: train on a seeded subset of at most this many images. */
  maxExamples?: number
}

export const TRAIN_DEFAULTS = {
  batchSize: 16,
  seqLen: 128,
  learningRate: 5e-4,
  warmupSteps: 0,
  schedule: 'linear',
  weightDecay: 0.01,
  clipNorm: 1,
  seed: 0,
  evalEvery: 100,
  evalBatches: 8,
  checkpointEvery: 100,
  logEvery: 10,
  keepCheckpoints: 3,
} as const satisfies Required<Omit<TrainParams, 'model' | 'data' | 'steps' | 'runDir' | 'resume' | 'maxExamples'>>

/**
 * The numeric training settings' limits: one table for the engine's `train` validator, the Studio API's startTrain
 * and the training form's per-field messages.
 */
export const TRAIN_SETTING_LIMITS = {
  steps: { min: 1, max: 1e9, integer: true },
  batchSize: { min: 1, max: 65536, integer: true },
  /** Three tokens at least: a text sequence needs room for its special tokens and one to predict. */
  seqLen: { min: 3, max: 65536, integer: true },
  learningRate: { min: 0, max: 10, integer: false },
  warmupSteps: { min: 0, max: 1e9, integer: true },
  weightDecay: { min: 0, max: 10, integer: false },
  clipNorm: { min: 0, max: 1e6, integer: false },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  evalEvery: { min: 0, max: 1e9, integer: true },
  evalBatches: { min: 1, max: 1e9, integer: true },
  checkpointEvery: { min: 0, max: 1e9, integer: true },
  logEvery: { min: 1, max: 1e9, integer: true },
  keepCheckpoints: { min: 1, max: 1e9, integer: true },
  /** Two at least: one for training, one for validation. */
  maxExamples: { min: 2, max: 1e9, integer: true },
} as const satisfies Record<string, { min: number; max: number; integer: boolean }>
export type TrainSettingName = keyof typeof TRAIN_SETTING_LIMITS

/** Validators of TrainParams' settings (every field but model, data, runDir and resume), all optional. */
export const trainSettingValidators = {
  ...(Object.fromEntries(Object.entries(TRAIN_SETTING_LIMITS).map(([name, limits]) => [name, optional(number(limits))])) as Record<TrainSettingName, Validator<number | undefined>>),
  schedule: optional(oneOf(LR_SCHEDULES)),
}

/** Only the given settings, validated (the Studio API's startTrain `settings` takes a subset). */
export function trainSettingsValidator<K extends keyof typeof trainSettingValidators>(names: readonly K[]): Validator<Partial<Pick<TrainParams, K & keyof TrainParams>>> {
  return object(Object.fromEntries(names.map((name) => [name, trainSettingValidators[name]]))) as unknown as Validator<Partial<Pick<TrainParams, K & keyof TrainParams>>>
}

/** What is wrong with one numeric field of a training form (the renderer words it); null when it is fine. */
export type TrainFieldProblem = { kind: 'required' } | { kind: 'number' } | { kind: 'integer' } | { kind: 'range'; min: number; max: number }

/** `value` null or undefined: the field is empty (a problem only when required); NaN: it holds no number. */
export function trainFieldProblem(name: TrainSettingName, value: number | null | undefined, required = false): TrainFieldProblem | null {
  const limits = TRAIN_SETTING_LIMITS[name]
  if (value === null || value === undefined) return required ? { kind: 'required' } : null
  if (!Number.isFinite(value)) return { kind: 'number' }
  if (limits.integer && !Number.isInteger(value)) return { kind: 'integer' }
  if (value < limits.min || value > limits.max) return { kind: 'range', min: limits.min, max: limits.max }
  return null
}

/** The hyper-parameters a run was started with (manifest.json `training`). */
export interface TrainingSettings {
  steps: number
  batchSize: number
  seqLen: number
  learningRate: number
  warmupSteps: number
  schedule: LrSchedule
  weightDecay: number
  clipNorm: number
  evalEvery: number
  evalBatches: number
  logEvery: number
  checkpointEvery: number
  keepCheckpoints: number
  maxExamples?: number
  optimizer: { name: 'adamw'; beta1: number; beta2: number; epsilon: number }
}

/** manifest.json of a run folder. */
export interface RunManifest {
  format: 'ligo-run'
  version: 1
  createdAt: string
  model: { source: string; family: string; config: Record<string, unknown>; parameters: number }
  /** Source, split sizes, tokenizer, objective (engine/train/training-data.ts DataDescription). */
  data: Record<string, unknown> & { source: string; objective: string }
  training: TrainingSettings
  seed: number
  flops: { perStep: number; shape: Record<string, unknown>; counter: string }
  backend: string
  /** The engine's hardware record (shared/hardware.ts), when the run started in the engine process. */
  hardware: HardwareRecord | null
  versions: Record<string, string>
  /** One entry per start or resume. */
  sessions: Array<{ startedAt: string; fromStep: number; backend: string }>
  /** Energy sources read and carbon assumptions (engine/metrics/energy/run-energy.ts), of the latest session. */
  energy?: RunEnergyManifest
}

/** Evaluation on the validation split: mean loss, and perplexity (text) or accuracy (images). */
export interface EvalMetrics {
  loss: number
  perplexity?: number
  accuracy?: number
  /** Examples evaluated. */
  examples: number
}

/** One line of metrics.jsonl. Counters are cumulative over the whole run, across resumes. */
export interface MetricRecord {
  step: number
  /** Sequences or images seen. */
  examples: number
  /** Token positions seen (text models; batch x sequence length per step). */
  tokens?: number
  /** Training FLOPs so far, from the analytical counter (metrics/flops.ts). */
  flops: number
  /** Seconds spent training (not counting time the run was stopped). */
  wallSeconds: number
  /** Process CPU seconds (user + system) spent training. */
  cpuSeconds: number
  /** Loss of this step's batch. */
  trainLoss: number
  /** Mean training loss over the steps since the previous line. */
  trainLossMean: number
  /** Global gradient norm of this step, before clipping. */
  gradNorm: number
  /** Learning rate used at this step. */
  lr: number
  eval?: EvalMetrics
  /** Energy of the run so far and of the steps since the previous line, every sample tagged with source and method. */
  energy?: MetricEnergy
}

export interface TrainResult {
  runDir: string
  /** Steps done in total (equals params.steps unless cancelled). */
  step: number
  steps: number
  /** Folder of the last checkpoint written, or null when none was written. */
  checkpoint: string | null
  last: MetricRecord | null
  /** Token positions (text) or images per second of training in this session. */
  throughput: { value: number; unit: 'tokens/s' | 'images/s' }
  backend: string
}
