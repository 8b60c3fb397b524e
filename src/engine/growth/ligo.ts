/**
 * LiGO, the learned linear growth operator (Wang et al., ICLR 2023; docs/growth/ligo.md §1-§4, §7, §10).
 *
 * Every large weight is a function of the frozen small weights and trainable coefficients:
 *   paper     (§1.2-§1.4)  Ω_i = Σ_j w^k_{i,j} · B_j W_j A_jᵀ        width first (per small layer j), then depth
 *   official  (§1.5)       Ω_i = [I; C^out_i] (Σ_j w_{i,j} W_j) [I; C^in_i]ᵀ   depth first, width per large layer i
 * with the tying of §1.4 (layout.ts): one residual-stream expansion shared by embeddings, LayerNorms, LayerScale,
 * Q/K/V/FFN inputs and O/FFN outputs; per-layer Q, K, V, FFN out-expansions; O's input tied to V's output and
 * FFN-down's input to FFN-up's output; heads keep their size and are added (rows of Q/K/V are head-major, §1.6).
 * Vision (§7, our design, README): patch embedding, CLS/DIST tokens and position tables grow with B^emb,
 * classifier inputs with B^emb; CaiT's LayerScale vectors grow like LayerNorm γ with their own depth coefficients,
 * the talking-heads maps with a per-layer head expansion on both sides, and the class-attention blocks are a
 * second stage with their own depth and width coefficients.
 *
 * The trainer trains the coefficients through the large model's own loss (§3); see LigoOperator in types.ts.
 */
import * as tf from '@tensorflow/tfjs-core'
import { fastMatMul, parameterShapes, type ModelConfig, type ParamMap } from '../models'
import { freshParameter, smallTensor } from './assemble'
import { IDENTITY, widen, type Expansion } from './expansion'
import { initialCoefficient, type LigoInit } from './ligo-init'
import { ligoCoefficientTable, type LigoCoefficient } from './ligo-coefficients'
import { BLOCK_STAGES, parameterLayout, smallSourceName, spaceKey, stageDepth, type AxisRole, type BlockStage } from './layout'
import type { GrowOptions, LearnedGrowthOperator, LigoCoefficientsDescription, LigoOperator, LigoParameterization } from './types'
import { assertSupported, checkGrowthPair, GrowthError } from './validate-pair'

export interface LigoOptions extends GrowOptions {
  parameterization?: LigoParameterization
  depthInit?: LigoInit['depthInit']
  /** Upper bound of the U(0, noise) depth noise before row normalisation (official default 0.03). */
  depthNoise?: number
  widthInit?: LigoInit['widthInit']
  /** Saved coefficients (exportCoefficients().tensors) to start from instead of the init; copied, not owned. */
  coefficients?: Record<string, tf.Tensor>
}

/**
 * Defaults. parameterization 'official': a third fewer coefficients, first D1 units exact copies of the small model's,
 * the reference experiment's form. Against 'paper' over 3 seeds on held-out data: ties at scratch's final loss and
 * the source's loss; the paper form ended lower on the encoder (README "Paper vs official form").
 */
export const LIGO_DEFAULTS = { parameterization: 'official', depthInit: 'stack', depthNoise: 0.03, widthInit: 'random-convex' } as const satisfies Omit<Required<LigoOptions>, 'seed' | 'coefficients'>

/**
 * Operator-training recipe for the trainer (docs/growth/ligo.md §3, docs/growth/savings.md point 2): 100 AdamW steps,
 * weight decay 0.1 on every coefficient, clip 1.0, linear decay and **no warmup** (the official config's 10K warmup
 * leaves the operator at its init, §3.2). lr 1e-3: 1e-3..3e-3 worked at small scale, 1e-4 barely moved it, 1e-2
 * diverged; the official 2e-4 is the choice to compare against.
 */
export const LIGO_TRAINING_DEFAULTS = { steps: 100, optimizer: 'adamw', learningRate: 1e-3, weightDecay: 0.1, clipNorm: 1, warmupSteps: 0, schedule: 'linear' } as const

let operatorCounter = 0

class LigoOperatorImpl implements LigoOperator {
  readonly parameterization: LigoParameterization
  readonly variables: Readonly<Record<string, tf.Variable>>
  private readonly table: LigoCoefficient[]
  private readonly init: LigoInit
  /** Non-block parameters: the small source (a copy) or a fresh init when the small model has none. */
  private readonly top = new Map<string, { tensor: tf.Tensor; fresh: boolean }>()
  /** Per stage and block-local name: the small layers' copies (paper) or their stack [L1, n] (official). */
  private readonly blocks = new Map<string, { stage: BlockStage; local: string; layers: tf.Tensor[]; stacked: tf.Tensor2D | null }>()
  private disposed = false

  constructor(
    smallParams: ParamMap,
    readonly smallConfig: ModelConfig,
    readonly largeConfig: ModelConfig,
    options: LigoOptions,
  ) {
    assertSupported(checkGrowthPair(smallConfig, largeConfig), 'ligo')
    this.parameterization = options.parameterization ?? LIGO_DEFAULTS.parameterization
    if (this.parameterization !== 'paper' && this.parameterization !== 'official')
      throw new GrowthError(`ligo: unknown parameterization "${this.parameterization}". Expected one of: paper, official`)
    this.init = {
      seed: options.seed,
      depthInit: options.depthInit ?? LIGO_DEFAULTS.depthInit,
      depthNoise: options.depthNoise ?? LIGO_DEFAULTS.depthNoise,
      widthInit: options.widthInit ?? LIGO_DEFAULTS.widthInit,
    }
    this.table = ligoCoefficientTable(smallConfig, largeConfig, this.parameterization)
    this.captureSmallWeights(smallParams)
    const id = operatorCounter++
    const vars: Record<string, tf.Variable> = {}
    for (const c of this.table) {
      const saved = options.coefficients?.[c.name]
      if (saved) checkShape(c.name, saved.shape, c.shape)
      const value = saved ?? initialCoefficient(c, this.init)
      vars[c.name] = tf.variable(value, true, `ligo${id}/${c.name}`)
      if (!saved) value.dispose()
    }
    this.variables = vars
  }

  /**
   * Copies of the small weights, made outside any gradient tape: they are constants for every later tf.grad, so no
   * gradient can reach the caller's tensors even when they are trainable variables.
   */
  private captureSmallWeights(smallParams: ParamMap): void {
    const small = this.smallConfig
    const large = this.largeConfig
    const smallNames = new Set(Object.keys(parameterShapes(small)))
    for (const name of Object.keys(parameterShapes(large))) {
      const layout = parameterLayout(name, large)
      if (layout.layer !== null) continue
      const source = smallSourceName(name, small, smallNames)
      this.top.set(name, source === null ? { tensor: freshParameter(large, name, this.init.seed), fresh: true } : { tensor: tf.clone(smallTensor(smallParams, source, small)), fresh: false })
    }
    for (const stage of BLOCK_STAGES) {
      const l1 = stageDepth(stage, small)
      if (stageDepth(stage, large) === 0) continue
      for (const name of Object.keys(parameterShapes(large))) {
        if (!name.startsWith(`${stage}.0.`)) continue
        const local = name.slice(`${stage}.0.`.length)
        const layers: tf.Tensor[] = []
        for (let j = 0; j < l1; j++) layers.push(smallTensor(smallParams, `${stage}.${j}.${local}`, small))
        if (this.parameterization === 'paper') this.blocks.set(`${stage}/${local}`, { stage, local, layers: layers.map((t) => tf.clone(t)), stacked: null })
        else this.blocks.set(`${stage}/${local}`, { stage, local, layers: [], stacked: tf.tidy(() => tf.stack(layers.map((t) => tf.reshape(t, [-1])))) as tf.Tensor2D }) // [L1, n]
      }
    }
  }

  trainableVariables(): tf.Variable[] {
    return this.table.map((c) => this.variables[c.name])
  }

  /** The expansion of an axis: [I; C] (official) or B (paper); identity where the space does not grow. */
  private expansion = (axis: AxisRole): Expansion => {
    let key = spaceKey(axis.space)
    if (axis.space.kind === 'head' && !this.variables['width.head']) key = 'emb' // paper form: the head shares B^emb
    const v = this.variables[`width.${key}`]
    if (!v) return IDENTITY
    return this.parameterization === 'official' ? { kind: 'append', extra: v } : { kind: 'matrix', matrix: v }
  }

  private depthMatrix(stage: BlockStage, module: string, part: 'weight' | 'bias'): tf.Tensor2D {
    const name = this.parameterization === 'paper' ? `depth.${stage}.${module}` : `depth.${stage}.${module}.${part}`
    return this.variables[name] as tf.Tensor2D
  }

  materialize(): ParamMap {
    if (this.disposed) throw new Error('ligo: materialize() after dispose()')
    const large = this.largeConfig
    const out: ParamMap = {}
    for (const [name, { tensor, fresh }] of this.top) out[name] = tf.clone(fresh ? tensor : widen(tensor, parameterLayout(name, large), this.expansion))
    for (const { stage, local, layers, stacked } of this.blocks.values()) {
      const l2 = stageDepth(stage, large)
      const sample = parameterLayout(`${stage}.0.${local}`, large)
      const w = this.depthMatrix(stage, sample.module as string, sample.part) // [L2, L1]
      if (stacked) {
        // official: depth first on the small weights, then each large layer's own width expansion
        const mixed = tf.unstack(fastMatMul(w, stacked)) // L2 × [n1]
        const smallShape = this.smallShape(stage, local)
        for (let i = 0; i < l2; i++) {
          const name = `${stage}.${i}.${local}`
          out[name] = tf.clone(widen(tf.reshape(mixed[i], smallShape), parameterLayout(name, large), this.expansion))
        }
      } else {
        // paper: width first, per small layer j (its own B_j), then depth
        const widened = layers.map((t, j) => tf.reshape(widen(t, parameterLayout(`${stage}.${j}.${local}`, this.smallConfig), this.expansion), [-1]))
        const mixed = tf.unstack(fastMatMul(w, tf.stack(widened) as tf.Tensor2D)) // L2 × [n2]
        const largeShape = parameterShapes(large)[`${stage}.0.${local}`]
        for (let i = 0; i < l2; i++) out[`${stage}.${i}.${local}`] = tf.reshape(mixed[i], largeShape)
      }
    }
    return out
  }

  private smallShape(stage: BlockStage, local: string): number[] {
    return parameterShapes(this.smallConfig)[`${stage}.0.${local}`]
  }

  materializeKept(): ParamMap {
    return tf.tidy(() => this.materialize())
  }

  coefficientCount(): number {
    return this.table.reduce((n, c) => n + c.shape.reduce((a, b) => a * b, 1), 0)
  }

  describe(): LigoCoefficientsDescription {
    let width = 0
    let depth = 0
    for (const c of this.table) {
      const n = c.shape.reduce((a, b) => a * b, 1)
      if (c.role === 'width') width += n
      else depth += n
    }
    return {
      format: 'ligo-coefficients',
      version: 1,
      parameterization: this.parameterization,
      smallConfig: this.smallConfig,
      largeConfig: this.largeConfig,
      init: { ...this.init },
      coefficients: this.table.map(({ name, shape, role, description }) => ({ name, shape: [...shape], role, description })),
      counts: { width, depth, total: width + depth },
    }
  }

  exportCoefficients(): { tensors: Record<string, tf.Tensor>; description: LigoCoefficientsDescription } {
    const tensors: Record<string, tf.Tensor> = {}
    for (const c of this.table) tensors[c.name] = tf.clone(this.variables[c.name])
    return { tensors, description: this.describe() }
  }

  loadCoefficients(tensors: Record<string, tf.Tensor>): void {
    const expected = new Set(this.table.map((c) => c.name))
    const extra = Object.keys(tensors).filter((n) => !expected.has(n))
    const missing = [...expected].filter((n) => !(n in tensors))
    if (extra.length || missing.length)
      throw new GrowthError(`ligo: coefficients do not match this operator (missing: ${missing.slice(0, 5).join(', ') || 'none'}; unexpected: ${extra.slice(0, 5).join(', ') || 'none'})`)
    for (const c of this.table) checkShape(c.name, tensors[c.name].shape, c.shape)
    for (const c of this.table) this.variables[c.name].assign(tensors[c.name])
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    Object.values(this.variables).forEach((v) => v.dispose())
    this.top.forEach(({ tensor }) => tensor.dispose())
    this.blocks.forEach(({ layers, stacked }) => {
      layers.forEach((t) => t.dispose())
      stacked?.dispose()
    })
  }
}

function checkShape(name: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((n, i) => n !== want[i])) throw new GrowthError(`ligo: coefficient ${name} has shape [${got}], this operator needs [${want}]`)
}

export function createLigoOperator(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: LigoOptions): LigoOperator {
  return new LigoOperatorImpl(smallParams, small, large, options)
}

export const ligo: LearnedGrowthOperator<LigoOptions> = {
  kind: 'learned',
  name: 'ligo',
  label: 'LiGO: learned linear growth operator (width and depth), trained ~100 steps, then materialised',
  paper: 'Wang et al., ICLR 2023 (docs/growth/ligo.md §1-§4, §7)',
  grows: { depth: true, width: true },
  functionPreserving: 'no',
  supports: checkGrowthPair,
  createOperator: createLigoOperator,
  /** The operator at its initialisation, materialised (zero operator-training steps). */
  grow(smallParams, small, large, options) {
    const op = createLigoOperator(smallParams, small, large, options)
    try {
      return op.materializeKept()
    } finally {
      op.dispose()
    }
  },
}
