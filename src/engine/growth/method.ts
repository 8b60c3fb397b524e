/**
 * A growth method as one unit (issue 13 §2; docs/growth/methods.md): everything `ligo grow`, `ligo compare`, the
 * CLI's flags and help and the studio's designer form need to know about a method lives in its descriptor
 * (growth/methods/<name>.ts), and the registry (growth/methods/index.ts) lists them. Nothing outside a descriptor
 * compares method names.
 *
 *   info        name, one-line explanation, paper + section, docs page, function preservation, which learning-rate
 *               schedule its large model follows, and its settings schema (JSON-serialisable: methodInfo())
 *   supports    whether it can grow a pair of configs, with the reason when not
 *   prepare     the large model's initial weights and the growth phase's cost (FLOPs, time; energy is metered
 *               around it by the caller); a learned phase (LiGO's operator) trains through the caller's trainer
 *   hooks       what the large model's training adds: FLOPs per step, stages (MSLT), a distillation term (KI),
 *               growth masks per step (MSG)
 *   targetConfig  optional: the config it grows into, adjusted from the one asked for (LEMON's LayerNorm eps)
 *   designer    growthCost (the growth phase's FLOPs before it runs), picture (its initial operator as matrices),
 *               plan (a setting suggested from the training budget: G_stack's base tokens); all optional
 *
 * Adding a method: one file in growth/methods/ exporting a GrowthMethod, and one line in growth/methods/index.ts.
 */
import type * as tf from '@tensorflow/tfjs-core'
import { methodSettingFlag } from '../../shared/growth'
import type { MethodPlan, WidthMapping } from '../../shared/growth-design'
import type { GrowthMasks, ModelConfig, ParamMap } from '../models'
import type { KiSchedule } from './ki'
import type { SupportResult } from './types'

export type SettingValue = number | string | boolean

/** One setting of a method, as data: the CLI flag, its help line and the designer's form field come from it. */
export interface SettingSpec {
  /** Key in the method's settings record (camelCase). */
  name: string
  type: 'number' | 'integer' | 'choice' | 'boolean'
  default: SettingValue
  /** Inclusive bounds for numbers. */
  min?: number
  max?: number
  /** For 'choice'. */
  choices?: readonly string[]
  /** One line, for --help and the form. The CLI flag is `--<method>-<name in kebab-case>` (methodSettingFlag). */
  help: string
}

export type MethodSettings = Readonly<Record<string, SettingValue>>

/** The JSON-serialisable part of a descriptor (what the designer form and `--help` read). */
export interface GrowthMethodInfo {
  name: string
  /** One line: what it does. */
  label: string
  /** The paper and section it follows. */
  paper: string
  /** The project's page on it (docs/growth/…). */
  docs: string
  /** At initialisation (docs/growth/baselines.md "Function preservation"). */
  functionPreserving: 'exact' | 'approximate' | 'no' | 'n/a'
  grows: { depth: boolean; width: boolean }
  /** The LR schedule its large model follows: scratch's (it starts from a random init) or the grown models'. */
  schedule: 'scratch' | 'grown'
  /** It trains before the large model does (LiGO's operator): that phase is metered and charged separately. */
  growthPhase: boolean
  settings: readonly SettingSpec[]
}

/** Parameters other than the model's own, trained through the large model's loss (LiGO's coefficients). */
export interface GrowthPhaseTraining {
  /** Name -> trainable variable. */
  variables: Readonly<Record<string, tf.Variable>>
  /** The large model's parameters from the variables, differentiable w.r.t. them; new tensors in the current scope. */
  materialize(): ParamMap
  /** FLOPs charged per step (metrics/flops.ts). */
  stepFlops: number
  steps: number
  learningRate: number
  weightDecay: number
  clipNorm: number
  warmupSteps: number
  schedule: 'linear' | 'cosine'
}

/** What a growth phase cost (charged to the method: docs/growth/accounting.md). */
export interface GrowthPhaseResult {
  steps: number
  flops: number
  wallSeconds: number
  lossFirst: number | null
  lossLast: number | null
}

export interface PrepareInput {
  smallParams: ParamMap
  small: ModelConfig
  large: ModelConfig
  seed: number
  /** Resolved settings (resolveSettings): every name of the schema, defaults filled in. */
  settings: MethodSettings
  /** The batch shape the growth phase trains on (its FLOPs depend on it). */
  batchSize: number
  seqLen?: number
  /** Trains a growth phase with the caller's trainer and data; absent when there is no data (then 0 steps). */
  trainGrowthPhase?(phase: GrowthPhaseTraining): Promise<GrowthPhaseResult>
}

export interface PreparedGrowth {
  /** The large model's initial parameters; the caller owns them. */
  initialParams: ParamMap
  growth: GrowthPhaseResult
  /** Written beside the grown checkpoint (LiGO: its coefficients); the caller owns the tensors. */
  operator?: { tensors: Record<string, tf.Tensor>; description: object }
  notes: string[]
}

export interface HooksInput {
  small: ModelConfig
  large: ModelConfig
  /** The frozen small model (KI's teacher); read, never disposed. */
  smallParams: ParamMap
  settings: MethodSettings
  batchSize: number
  seqLen?: number
}

/** What a method adds to its large model's training (train/trainer.ts hooks). */
export interface TrainingHooks {
  /** FLOPs charged for update `step` of a run of `horizon` steps. */
  stepFlops(step: number, horizon: number): number
  /** The parameters trained at `step` (MSLT's stages); absent = all. */
  stageAt?(step: number, horizon: number): { name: string; trainable: readonly string[] }
  /** An extra loss term: distillation from the frozen small model (KI). */
  distillation?: { config: ModelConfig; params: ParamMap; scheduleFor(horizon: number): KiSchedule }
  /** The growth masks of update `step` (MSG: models/growth-masks.ts); null = none, the plain forward. */
  growthMasksAt?(step: number, horizon: number): GrowthMasks | null
}

/** What the designer knows before any compute: the pair, the resolved settings, the batch shape (seqLen: text only). */
export interface GrowthCostInput {
  small: ModelConfig
  large: ModelConfig
  settings: MethodSettings
  batchSize: number
  seqLen?: number
}

/** The growth phase's cost as the method charges it (docs/growth/accounting.md): operator steps and FLOPs. */
export interface GrowthCostEstimate {
  steps: number
  flops: number
}

/** A matrix of a method's operator, row-major and unsampled (the designer samples it: growth/design/sampling.ts). */
export interface PictureMatrix {
  name: string
  rows: number
  cols: number
  values: ArrayLike<number>
  rowLabel: string
  colLabel: string
}

/** A method's initial operator as the designer draws it: the depth matrix, width matrices, copied units. */
export interface OperatorPicture {
  depth: PictureMatrix | null
  width: PictureMatrix[]
  mappings: WidthMapping[]
  notes: string[]
}

export interface MethodPlanInput {
  small: ModelConfig
  large: ModelConfig
  /** Tokens (images) the large model will train on. */
  targetTokens: number
}

export interface GrowthMethod extends GrowthMethodInfo {
  supports(small: ModelConfig, large: ModelConfig): SupportResult
  prepare(input: PrepareInput): Promise<PreparedGrowth>
  hooks(input: HooksInput): TrainingHooks
  /** The growth phase's cost before it runs (the designer's figure; prepare() charges the same FLOPs); absent: nothing. */
  growthCost?(input: GrowthCostInput): GrowthCostEstimate
  /** Its initial operator as plain matrices (the designer's picture); absent: it maps no weights (a fresh init). */
  picture?(small: ModelConfig, large: ModelConfig, seed: number): OperatorPicture
  /** A planner suggesting one of its settings from the large model's training budget (G_stack's growth timing). */
  plan?(input: MethodPlanInput): Omit<MethodPlan, 'method' | 'targetTokens'>
  /**
   * The config the method grows into, from the one the user asked for (absent: that one). LEMON's exactness needs
   * the target's LayerNorm eps scaled (docs/growth/lemon.md); `ligo grow` writes the adjusted config.
   */
  targetConfig?(small: ModelConfig, large: ModelConfig, settings: MethodSettings): ModelConfig
}

/** The config `method` grows `small` into when asked for `large` (its targetConfig hook, or `large` itself). */
export const growthTarget = (method: GrowthMethod, small: ModelConfig, large: ModelConfig, settings: MethodSettings): ModelConfig =>
  method.targetConfig ? method.targetConfig(small, large, settings) : large

export const NO_GROWTH_PHASE: GrowthPhaseResult = Object.freeze({ steps: 0, flops: 0, wallSeconds: 0, lossFirst: null, lossLast: null })

/** The CLI flag of a setting (the rule lives in shared/growth.ts: recipes write the same flags). */
export const settingFlag = (method: Pick<GrowthMethodInfo, 'name'>, spec: Pick<SettingSpec, 'name'>): string => methodSettingFlag(method.name, spec.name)

/** The descriptor's data only (JSON-serialisable). */
export function methodInfo(method: GrowthMethodInfo): GrowthMethodInfo {
  const { name, label, paper, docs, functionPreserving, grows, schedule, growthPhase, settings } = method
  return JSON.parse(JSON.stringify({ name, label, paper, docs, functionPreserving, grows, schedule, growthPhase, settings })) as GrowthMethodInfo
}

export class MethodSettingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MethodSettingsError'
  }
}

function checkValue(method: string, spec: SettingSpec, value: unknown): SettingValue {
  const where = `\`settings.${method}.${spec.name}\``
  if (spec.type === 'boolean') {
    if (typeof value !== 'boolean') throw new MethodSettingsError(`${where} must be true or false, got ${JSON.stringify(value)}`)
    return value
  }
  if (spec.type === 'choice') {
    if (typeof value !== 'string' || !(spec.choices ?? []).includes(value)) throw new MethodSettingsError(`${where} must be one of ${(spec.choices ?? []).join(', ')}, got ${JSON.stringify(value)}`)
    return value
  }
  const min = spec.min ?? -Infinity
  const max = spec.max ?? Infinity
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (spec.type === 'number' || Number.isInteger(value))
  if (!ok) throw new MethodSettingsError(`${where} must be ${spec.type === 'integer' ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`)
  return value as number
}

/** Every setting of the schema, given or default; unknown names and bad values fail naming the parameter. */
export function resolveSettings(method: Pick<GrowthMethodInfo, 'name' | 'settings'>, given: Readonly<Record<string, unknown>> = {}): MethodSettings {
  const known = new Set(method.settings.map((s) => s.name))
  const unknown = Object.keys(given).filter((k) => !known.has(k))
  if (unknown.length > 0) {
    const expected = method.settings.length > 0 ? `; its settings: ${[...known].join(', ')}` : '; it has no settings'
    throw new MethodSettingsError(`\`settings.${method.name}\` has unknown setting(s) ${unknown.join(', ')}${expected}`)
  }
  const out: Record<string, SettingValue> = {}
  for (const spec of method.settings) out[spec.name] = checkValue(method.name, spec, given[spec.name] ?? spec.default)
  return Object.freeze(out)
}
