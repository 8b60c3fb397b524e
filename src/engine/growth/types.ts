/**
 * The growth operators' shared interface (issue 7; docs/growth/ligo.md §1, §6).
 *
 * A growth operator maps a small model (canonical parameter map + config) to the parameter map of a larger config
 * of the same family. Three kinds:
 *   - 'map': a one-shot weight map (StackBERT, interpolation, MSLT, Net2Net, bert2BERT) or a fresh init (scratch);
 *     `grow` is all there is (MSLT adds a training schedule, see mslt.ts);
 *   - 'learned': LiGO. `grow` gives the operator's initialisation (zero operator-training steps); `createOperator`
 *     gives a `LigoOperator` whose coefficient variables the trainer trains through the large model's own loss;
 *   - 'distillation': KI. `grow` is a scratch init; the operator exports the distillation loss and its schedule.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { ModelConfig, ParamMap } from '../models'

/** Whether an operator can grow this pair; `reason` says why not, naming the field and both values. */
export type SupportResult = { ok: true } | { ok: false; reason: string }

/** Options every operator takes. The seed fixes every random choice (index maps, noise, fresh parameters). */
export interface GrowOptions {
  seed: number
}

export interface GrowthOperatorBase<O extends GrowOptions = GrowOptions> {
  /** Its key in registry.ts and the name of the method descriptor that wraps it (methods/index.ts, METHOD_NAMES). */
  name: string
  /** One line for CLI/UI lists. */
  label: string
  /** The paper and the section of docs/growth/ligo.md the operator follows. */
  paper: string
  /** Which dimensions it can grow. */
  grows: { depth: boolean; width: boolean }
  /** Function preservation at initialisation (docs/growth/baselines.md §6.8). */
  functionPreserving: 'exact' | 'approximate' | 'no' | 'n/a'
  supports(small: ModelConfig, large: ModelConfig): SupportResult
  /**
   * The large model's parameters: exactly the names and shapes of parameterShapes(largeConfig). The caller owns the
   * returned tensors; the small parameters are read, never disposed or modified. Throws GrowthError when
   * `supports` says no.
   */
  grow(smallParams: ParamMap, smallConfig: ModelConfig, largeConfig: ModelConfig, options: O): ParamMap
}

export interface MapGrowthOperator<O extends GrowOptions = GrowOptions> extends GrowthOperatorBase<O> {
  kind: 'map'
}

/** KI (ki.ts): scratch init plus a distillation objective with a linearly decaying weight. */
export interface DistillationGrowthOperator extends GrowthOperatorBase {
  kind: 'distillation'
}

/** LiGO (ligo.ts). */
export interface LearnedGrowthOperator<O extends GrowOptions = GrowOptions> extends GrowthOperatorBase<O> {
  kind: 'learned'
  /** The trainable operator: coefficient variables + a differentiable materialisation of the large parameters. */
  createOperator(smallParams: ParamMap, smallConfig: ModelConfig, largeConfig: ModelConfig, options: O): LigoOperator
}

/** Any registered operator (operator-specific options extend GrowOptions; methods accept them bivariantly). */
export type GrowthOperator = MapGrowthOperator | DistillationGrowthOperator | LearnedGrowthOperator

/** LiGO's two parameterisations (docs/growth/ligo.md §1.4 paper, §1.5 official code). */
export type LigoParameterization = 'paper' | 'official'

/** One coefficient tensor of a LiGO operator, for the JSON description written beside the tensors. */
export interface LigoCoefficientInfo {
  /** e.g. "width.emb", "width.blocks.3.q", "depth.blocks.attn.q.weight". */
  name: string
  shape: number[]
  role: 'width' | 'depth'
  /** What it multiplies, in words: "[I; C] out-expansion of the residual stream (B^emb)", … */
  description: string
}

/** The JSON half of a LiGO coefficient export (the tensors are the other half, keyed by the same names). */
export interface LigoCoefficientsDescription {
  format: 'ligo-coefficients'
  version: 1
  parameterization: LigoParameterization
  smallConfig: ModelConfig
  largeConfig: ModelConfig
  init: { seed: number; depthInit: 'stack' | 'interpolate' | 'net2net'; depthNoise: number; widthInit: 'random-convex' | 'zero' | 'select' }
  coefficients: LigoCoefficientInfo[]
  counts: { width: number; depth: number; total: number }
}

/**
 * A trainable LiGO operator (docs/growth/ligo.md §1, §3, §10). The small weights are frozen constants captured when the
 * operator was created (no gradient tape can reach them); the only trainable tensors are `variables`.
 *
 * Operator training, per step:
 *   optimizer.minimize(() => family.loss(family.forward(op.materialize(), largeConfig, inputs, options), targets),
 *                      false, op.trainableVariables())
 * then, once: `const large = op.materializeKept()` (a plain large checkpoint) and `op.dispose()`.
 */
export interface LigoOperator {
  readonly parameterization: LigoParameterization
  readonly smallConfig: ModelConfig
  readonly largeConfig: ModelConfig
  /** Coefficient name -> trainable variable (names as in LigoCoefficientInfo). */
  readonly variables: Readonly<Record<string, tf.Variable>>
  /** Object.values(variables), in a stable order: the varList for optimizer.minimize / tf.variableGrads. */
  trainableVariables(): tf.Variable[]
  /**
   * The large parameter map computed from the current coefficients, differentiable w.r.t. them. Every returned
   * tensor is new (call inside tf.tidy / optimizer.minimize; the scope frees them).
   */
  materialize(): ParamMap
  /** materialize() outside any scope: the caller owns the result (the grown checkpoint). */
  materializeKept(): ParamMap
  /** Number of trainable coefficients (width + depth). */
  coefficientCount(): number
  describe(): LigoCoefficientsDescription
  /** Copies of the coefficient tensors (caller disposes) and their JSON description. */
  exportCoefficients(): { tensors: Record<string, tf.Tensor>; description: LigoCoefficientsDescription }
  /** Assign saved coefficients; every name must exist with the same shape. */
  loadCoefficients(tensors: Record<string, tf.Tensor>): void
  /** Frees the variables and the captured small weights. */
  dispose(): void
}
