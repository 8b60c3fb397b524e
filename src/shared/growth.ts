/**
 * Growth experiments across the process boundary: the engine methods `grow` (one growth, written as a plain large
 * checkpoint plus the LiGO operator) and `compare` (every method's large model trained under one budget, then the
 * savings report). The engine writes these; the CLI, main and the renderer read them. Issue 7, "Experiments";
 * docs/growth/ligo.md §3, §5.3; docs/growth/savings.md.
 */
import type { CarbonAssumptions } from './energy'
import type { LrSchedule } from './train'
import type { SavingsTable } from './savings'

/** How long every method trains: optimizer steps, FLOPs (growth phase included) or wall-clock minutes. */
export type BudgetKind = 'steps' | 'flops' | 'minutes'
export interface Budget {
  kind: BudgetKind
  value: number
}

/** Learning-rate schedule of a training phase (peak, linear warmup, then decay to 0 at the end of the budget). */
export interface LrScheduleSettings {
  learningRate: number
  warmupSteps: number
  schedule: LrSchedule
}

/** A growth method's setting (engine/growth/method.ts SettingSpec). */
export type MethodSettingValue = number | string | boolean

/** The command-line flag of a method's setting: `--<method>-<setting in kebab-case>` (ki distillFraction: --ki-distill-fraction). */
export const methodSettingFlag = (method: string, setting: string): string => `${method}-${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** Params of the engine method `grow` (`ligo grow`). */
export interface GrowParams {
  /** A checkpoint folder/file or a model preset id (a preset starts from its random init). */
  from: string
  /** A preset id or a JSON file holding a model config of the same family. */
  to: string
  /** A growth method (engine/growth/registry.ts). */
  method: string
  /** Absolute output folder: model/ (the grown checkpoint), operator/ (LiGO only), growth.json. */
  out: string
  /** Data for LiGO's operator training (built-in corpus id or path); default: moby-dick for text, mnist for images. */
  data?: string
  seed?: number
  batchSize?: number
  seqLen?: number
  /** The method's settings by name (its descriptor's schema, engine/growth/methods/<name>.ts; defaults for the rest). */
  settings?: Record<string, MethodSettingValue>
  /** Replace files in a non-empty `out`. */
  force?: boolean
}

/** What a growth phase cost (charged to the method in a comparison, docs/growth/accounting.md §3.3). */
export interface GrowthPhaseCost {
  /** LiGO operator-training steps (0 for one-shot operators). */
  steps: number
  flops: number
  wallSeconds: number
  /** Large-model training loss at the first and last operator step (LiGO), else null. */
  lossFirst: number | null
  lossLast: number | null
}

export interface GrowResult {
  method: string
  out: string
  /** The grown large checkpoint (HF or timm layout), loadable by `ligo inspect` / `ligo train --model`. */
  checkpointDir: string
  /** LiGO's trained coefficients (operator.safetensors + operator.json), null for other methods. */
  operatorDir: string | null
  growth: GrowthPhaseCost
  smallParameters: number
  largeParameters: number
  notes: string[]
}

/** Params of the engine method `compare` (`ligo compare`). */
export interface CompareParams {
  /** The small model: a checkpoint folder/file (or a preset: random init, for tests). */
  from: string
  /** The large config: a preset id or a JSON config file. */
  to: string
  methods: string[]
  /** Built-in corpus id or path, the same for every method. */
  data: string
  budget: Budget
  /** Absolute experiment folder (one run folder per method and seed, report.json, report.txt). */
  out: string
  /** Repeat every method with seeds seed, seed+1, ... (default 3, DEFAULT_SEEDS in engine/experiments/defaults.ts). */
  seeds?: number
  seed?: number
  batchSize?: number
  seqLen?: number
  /** Scratch's schedule (and KI's: it starts from a random init too). */
  scratch?: Partial<LrScheduleSettings>
  /** The schedule of models that start from grown weights (LiGO and the weight-map baselines). */
  grown?: Partial<LrScheduleSettings>
  weightDecay?: number
  clipNorm?: number
  evalEvery?: number
  evalBatches?: number
  checkpointEvery?: number
  /** Per method, its settings by name (its descriptor's schema; defaults for the rest), e.g. { ki: { distillFraction: 0.3 } }. */
  settings?: Record<string, Record<string, MethodSettingValue>>
  /** Images: train on a seeded subset of at most this many images. */
  maxExamples?: number
  /**
   * The train/validation split's seed (default: the one the source model was trained with, recorded beside it).
   * A split other than the source's, or a source whose split is unknown, is refused unless acceptSourceSplit.
   */
  splitSeed?: number
  /** Compare even though the source's training examples may be in the validation split (unknown or other split). */
  acceptSourceSplit?: boolean
  /** Ladder below the source model's validation loss: these fractions of it (default [1, 0.95, 0.9]). */
  ladder?: number[]
  /** Meter energy (default true). */
  energy?: boolean
}

/** Mean and spread (sample standard deviation; null with one value) over seeds. */
export interface SeedStat {
  mean: number
  spread: number | null
  n: number
}

/** One method at one target across seeds. */
export interface MethodTargetSummary {
  method: string
  /** Seeds that reached the target, of all seeds run. */
  reached: number
  runs: number
  flops: SeedStat | null
  wallSeconds: SeedStat | null
  joules: SeedStat | null
  /** Saving against scratch in percent (the paper's definition), over the seeds where both reached. */
  flopsSaving: SeedStat | null
  wallSaving: SeedStat | null
  energySaving: SeedStat | null
  /** gCO2e to reach the target (energy × grid intensity × PUE) and its saving; null without energy or carbon assumptions. */
  gramsCO2e: SeedStat | null
  carbonSaving: SeedStat | null
  /** How the joules behind the energy and carbon figures were obtained: "estimated (estimate)", "measured (counter)". */
  energyMeasurement: string | null
  /** "saves 41% ± 3", "tie with scratch (inside the spread)", "never reached: best 3.91", "single seed: no spread". */
  verdict: string
}

export interface TargetSummary {
  /**
   * 'scratch-final' (the paper's target, per seed), 'source' (the small model's own loss), 'between' (levels between
   * the source's loss and scratch's final loss, per seed), 'ladder' (fractions of the source's loss).
   */
  kind: 'scratch-final' | 'source' | 'between' | 'ladder'
  /** Mean target loss over seeds (scratch-final differs per seed). */
  loss: number
  label: string
  methods: MethodTargetSummary[]
  /** Fewest FLOPs to reach the target, or a tie when the best means lie within each other's spread. */
  best: string
}

export interface MethodRunRecord {
  method: string
  seed: number
  runDir: string
  status: 'done' | 'skipped'
  /** Why a method was skipped (it cannot grow this pair). */
  reason?: string
  steps?: number
  flops?: number
  wallSeconds?: number
  joules?: number | null
  finalLoss?: number
  growth?: GrowthPhaseCost
}

export interface ComparisonReport {
  format: 'ligo-comparison'
  version: 1
  from: string
  to: string
  data: string
  budget: Budget
  seeds: number[]
  /** The small model's validation loss on the comparison's validation split (evaluated once, not charged). */
  sourceLoss: number
  /**
   * The unigram (text) or class-prior (images) loss on the same validation batches, mean over seeds: the source is
   * worth growing when clearly below it. Absent in reports of older experiments.
   */
  priorLoss?: number | null
  /**
   * Why the paper's headline saving (to scratch's final loss) is refused, one line per seed where scratch did not
   * pass the source model's loss; empty when every seed's scratch passed it.
   */
  headlineRefused?: string[]
  scratch: {
    /** Mean over seeds of scratch's steps, FLOPs and wall seconds. */
    steps: number
    flops: number
    wallSeconds: number
    finalLoss: SeedStat
    /** Whether scratch's final loss went below the source model's (docs/growth/savings.md point 1), per seed. */
    passedSourceLoss: boolean[]
  }
  runs: MethodRunRecord[]
  targets: TargetSummary[]
  /** The per-seed savings tables (engine/metrics/savings.ts), in seed order. */
  perSeed: Array<{ seed: number; table: SavingsTable }>
  /** The grid intensity (with its source and year) and PUE behind every gCO2e figure; null when none were applied. */
  carbon: CarbonAssumptions | null
  notes: string[]
}

export interface CompareResult {
  out: string
  report: ComparisonReport
  /** The report as the plain-text table `ligo compare` prints. */
  text: string
}
