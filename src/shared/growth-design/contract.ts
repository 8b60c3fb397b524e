/**
 * The designer's Studio API methods (issue 11): `designGrowth` (before -> after figures of a designed growth, the
 * pair's problems, quick picks, the methods that can grow it) and `growthOperator` (the depth and width operators
 * drawn as matrices: a method's initial values, or the learned ones of a grown model's saved LiGO operator).
 * Both are pure arithmetic or file reads on the host: no engine process, no compute.
 */
import { StudioError } from '../errors'
import type { MethodSettingValue } from '../growth'
import { isPlainObject, number, object, oneOf, optional, string, type Validator } from '../validate'
import { describeProblem, checkTargetSizes, type DesignProblem } from './rules'
import type { DesignConfig, TargetSizes } from './sizes'

/**
 * The target of a design: a preset id, sizes applied to the source, or a config (HF/timm config.json, engine JSON,
 * recipe) by its path on the host or by its parsed content (a file picked in a browser has no path).
 */
export type DesignTarget = { preset: string } | { sizes: TargetSizes } | { configPath: string } | { configJson: Record<string, unknown>; name: string }

export interface DesignGrowthParams {
  /** The small model: a checkpoint path, a built-in seed name or a preset id. */
  from: string
  /** Default: the source at twice its depth (the "x2 depth" quick pick). */
  to?: DesignTarget
  /** Sequences or images per training step. */
  batchSize: number
  /** Tokens per sequence (text models; default 128). */
  seqLen?: number
  /** The growth method whose phase is costed (default ligo). */
  method?: string
  /** The method's settings by name (its descriptor's schema; defaults for the rest): LiGO's operator steps, G_stack's base tokens. */
  settings?: Record<string, MethodSettingValue>
  /** The tokens (images) the large model will train on: a method with a planner (G_stack) suggests its settings from it. */
  planTokens?: number
  /** This machine's measured matmul speed (the Hardware view's speed test); without it no time is predicted. */
  measuredGflops?: number
}

/** One model's side of the before -> after table. */
export interface ModelFigures {
  parameters: number
  /** Training FLOPs of one optimizer step at the design's batch and sequence (the paper's accounting, `ligo flops`). */
  stepFlops: number
  /** fp32 AdamW training memory (weights, gradients, moments, estimated activations), bytes. */
  memoryBytes: number
  /** Whether memoryBytes fits this machine's total memory (RAM, or the largest GPU's on a GPU backend). */
  fits: boolean
  /** stepFlops at the measured matmul speed: a lower bound of the real step time; null when none was measured. */
  secondsPerStep: number | null
}

export interface GrowthPhaseFigures {
  method: string
  /** Operator-training steps (LiGO), 0 for one-shot maps. */
  steps: number
  /**
   * FLOPs charged to the growth phase by the method's descriptor: LiGO's operator steps as `ligo flops --grow-from
   * --grow-steps` charges them, G_stack's base-model tokens when given, 0 for one-shot maps.
   */
  flops: number
  secondsEstimate: number | null
}

/**
 * A method's planner (G_stack's growth-timing rule, docs/growth/gstack.md "The planner"): the value it suggests for
 * one of the method's settings from the large model's training budget.
 */
export interface MethodPlan {
  method: string
  /** The setting the plan fills in (G_stack: baseTokens). */
  setting: string
  /** The training tokens (images) of the large model the plan was made for. */
  targetTokens: number
  /** What the fitted rule asks for, and the value the budget allows (the rule's, clamped to a share of the budget). */
  ruleValue: number
  value: number
  clamped: boolean
  /** The growth factor L2/L1 and whether it lies in the range the paper recommends. */
  growthFactor: number
  factorInRange: boolean
  /** In English (the engine's words). */
  notes: string[]
}

/** A quick pick: sizes to put in the controls, and where they come from. */
export interface QuickPick {
  /** 'paper:bert-small>bert-base', 'depth-x2', 'width-x1.5'. */
  id: string
  /** For the paper's pairs: the pair's labels ("BERT-Small → BERT-Base"). */
  pair: { from: string; to: string } | null
  /** Depth and width ratios the pick applies to the source. */
  depthRatio: number
  widthRatio: number
  sizes: TargetSizes
}

/** One setting of a method, as the engine's descriptor declares it (engine/growth/method.ts SettingSpec): the form field. */
export interface DesignSettingSpec {
  name: string
  type: 'number' | 'integer' | 'choice' | 'boolean'
  default: number | string | boolean
  min?: number
  max?: number
  choices?: readonly string[]
  help: string
  flag?: string
}

/** A growth method as the designer lists it (the engine's method registry), with whether it can grow this pair. */
export interface DesignMethod {
  name: string
  label: string
  paper: string
  /** The project's page on it (docs/growth/...). */
  docs: string
  functionPreserving: 'exact' | 'approximate' | 'no' | 'n/a'
  grows: { depth: boolean; width: boolean }
  /** It trains before the large model does (LiGO's operator). */
  growthPhase: boolean
  settings: DesignSettingSpec[]
  /** It has a planner that suggests a setting from the training budget (designGrowth's `plan`, G_stack). */
  planner: boolean
  /** False also while the target has problems (then reason is null). */
  supported: boolean
  /** Why it cannot grow this pair, in English (the engine's words). */
  reason: string | null
}

export interface DesignPresetChoice {
  id: string
  label: string
  sizes: TargetSizes
  /** Empty when the preset is a valid target for this source. */
  problems: DesignProblem[]
}

export interface DesignGrowthResult {
  /**
   * `cliRef`: what `ligo grow --from` takes for this model (a preset id, or the checkpoint's path on the host);
   * `modelId`: its zoo id, which startGrow / startCompare take (null for a file that is not in the zoo).
   */
  source: { label: string; config: DesignConfig; cliRef: string; modelId: string | null }
  /** The data a growth phase and a comparison train on unless told (a built-in corpus that fits the model). */
  defaultData: string
  /** The target as designed (the source with the chosen sizes), valid or not. */
  target: { label: string; config: DesignConfig }
  /** Why the target cannot be grown, next to each control; empty when it can. */
  problems: DesignProblem[]
  before: ModelFigures
  /** Null while the target has problems. */
  after: ModelFigures | null
  growth: GrowthPhaseFigures | null
  /** The chosen method's planner at `planTokens`; null when it has none, no tokens were given or the target has problems. */
  plan: MethodPlan | null
  machine: { memoryBytes: number; memoryKind: 'ram' | 'gpu'; measuredGflops: number | null }
  quickPicks: QuickPick[]
  presets: DesignPresetChoice[]
  methods: DesignMethod[]
  /** Sources the picker offers: the built-in seeds (pretrained) and the presets (random init). */
  sources: Array<{ id: string; label: string; kind: 'seed' | 'preset'; family: string }>
}

/** A matrix to draw: rows x cols values, row-major, with what the rows and columns are. */
export interface OperatorMatrix {
  /** e.g. 'depth', 'width.emb', 'width.blocks.0.q'. */
  name: string
  rows: number
  cols: number
  /** Row-major, rows * cols values (sampled when the operator is larger than maxCells). */
  values: number[]
  /** Indices of the rows / columns shown when sampled, else null (all of them). */
  rowIndex: number[] | null
  colIndex: number[] | null
  rowLabel: string
  colLabel: string
}

/** A width map drawn as bars: for each new unit, the source unit it copies (Net2Net, bert2BERT). */
export interface WidthMapping {
  /** 'hidden', 'ffn', 'heads'. */
  module: string
  sourceUnits: number
  /** sourceOf[j] = the source unit the target unit j copies (identity for j < sourceUnits in these methods). */
  sourceOf: number[]
}

export interface GrowthOperatorParams {
  /** What to draw: a method's initialisation for a (small, large) pair, or a grown model's saved operator. */
  kind: 'init' | 'learned'
  /** init: the small model; learned: the grow output folder (with operator/) or the operator folder. */
  from: string
  /** init only. */
  to?: DesignTarget
  /** init only (default ligo). */
  method?: string
  /** Cells per matrix at most (default 4096); larger ones are sampled evenly. */
  maxCells?: number
}

export interface GrowthOperatorResult {
  method: string
  kind: 'init' | 'learned'
  smallLayers: number
  largeLayers: number
  /** Large layers x small layers: the depth operator (StackBERT's pattern, interpolation's, LiGO's). */
  depth: OperatorMatrix | null
  /** LiGO's width operators (B), or null for methods that map by copying units. */
  width: OperatorMatrix[]
  /** Net2Net / bert2BERT: which source unit each new unit copies. */
  mappings: WidthMapping[]
  notes: string[]
}

const plainObject: Validator<Record<string, unknown>> = (value, where) => {
  if (!isPlainObject(value)) throw new StudioError('invalid_request', `Invalid request: ${where} must be an object`)
  if (JSON.stringify(value).length > 100_000) throw new StudioError('invalid_request', `Invalid request: ${where} is larger than a config.json (100 kB)`)
  return value
}
const positive = number({ min: 1, max: 1e9, integer: true })
export const targetSizesValidator = object({ numLayers: positive, hiddenSize: positive, numHeads: positive, intermediateSize: positive, numClassLayers: optional(positive) }) as Validator<TargetSizes>
const targetValidator: Validator<DesignTarget> = (value, where) => {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  if ('preset' in v) return object({ preset: string({ minLength: 1, maxLength: 100 }) })(value, where)
  if ('configPath' in v) return object({ configPath: string({ minLength: 1, maxLength: 4096 }) })(value, where)
  if ('configJson' in v) return object({ configJson: plainObject, name: string({ minLength: 1, maxLength: 255 }) })(value, where)
  return object({ sizes: targetSizesValidator })(value, where)
}
const methodName = string({ minLength: 1, maxLength: 64, pattern: /^[a-z0-9-]+$/ })

/** A method's settings by name: numbers, short strings or booleans (the engine checks them against the method's schema). */
export const methodSettingsValidator: Validator<Record<string, MethodSettingValue>> = (value, where) => {
  const ok =
    isPlainObject(value) &&
    Object.keys(value).length <= 50 &&
    Object.entries(value).every(([k, v]) => /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(k) && (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 200)))
  if (!ok) throw new StudioError('invalid_request', `Invalid request: ${where} must map setting names to numbers, short strings or booleans`)
  return { ...(value as Record<string, MethodSettingValue>) }
}

export const designGrowthParamsValidator = object({
  from: string({ minLength: 1, maxLength: 4096 }),
  to: optional(targetValidator),
  batchSize: number({ min: 1, max: 65536, integer: true }),
  seqLen: optional(number({ min: 1, max: 1e6, integer: true })),
  method: optional(methodName),
  settings: optional(methodSettingsValidator),
  planTokens: optional(number({ min: 1, max: 1e16 })),
  measuredGflops: optional(number({ min: 1e-6, max: 1e9 })),
}) as Validator<DesignGrowthParams>

export const growthOperatorParamsValidator = object({
  kind: oneOf(['init', 'learned'] as const),
  from: string({ minLength: 1, maxLength: 4096 }),
  to: optional(targetValidator),
  method: optional(methodName),
  maxCells: optional(number({ min: 16, max: 65536, integer: true })),
}) as Validator<GrowthOperatorParams>

/**
 * The target of a grow or compare run (startGrow / startCompare `to`): a preset id, zoo model id or config file as
 * `ligo grow --to` takes it, or the designer's sizes on the source, which the host checks with the designer's rules
 * and writes as a config file into the run folder (host/target-config.ts).
 */
export type RunTarget = string | { sizes: TargetSizes }

export const runTargetValidator: Validator<RunTarget> = (value, where) =>
  typeof value === 'string' ? string({ minLength: 1, maxLength: 160 })(value, where) : object({ sizes: targetSizesValidator })(value, where)

/** A run target in a few words, for run names and lists: the id or file as given, or the sizes ("4L · 192H · 3A · FFN 768"). */
export function runTargetLabel(to: RunTarget): string {
  if (typeof to === 'string') return to
  const s = to.sizes
  return `${s.numLayers}L · ${s.hiddenSize}H · ${s.numHeads}A · FFN ${s.intermediateSize}${s.numClassLayers === undefined ? '' : ` · ${s.numClassLayers} CA`}`
}

/** The designer's rules on sizes given for a run: throws StudioError('invalid_request') with every problem in English. */
export function assertTargetSizes(source: DesignConfig, sizes: TargetSizes, where: string): void {
  const problems = checkTargetSizes(source, sizes)
  if (problems.length > 0) throw new StudioError('invalid_request', `${where}: ${problems.map(describeProblem).join('; ')}`)
}
