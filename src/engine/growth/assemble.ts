/**
 * The one-shot operators' common machinery: width first (every small layer widened in its own spaces), then a
 * depth map that says which widened small layer each large layer starts from (docs/growth/ligo.md §1.8: StackBERT,
 * interpolation, Net2Net and bert2BERT are all "width map, then a permutation-with-replacement of layers").
 */
import * as tf from '@tensorflow/tfjs-core'
import { initTensor, parameterShapes, type ModelConfig, type ParamMap } from '../models'
import { IDENTITY, widen, type Expansion } from './expansion'
import { parameterLayout, smallSourceName, stageDepth, type AxisRole, type BlockStage } from './layout'
import { GrowthError } from './validate-pair'

/** Where large layer `i` of a stage comes from. */
export interface DepthSource {
  /** The small layer whose (widened) weights it copies. */
  layer: number
  /**
   * Net2Net's identity-like new layer: the residual branches' output projections (attn.out, mlp.down, weights and
   * biases) are zero, so the block adds nothing to the stream (docs/growth/baselines.md §6.4).
   */
  zeroResidual?: boolean
}

export type DepthMap = (stage: BlockStage, largeLayer: number, smallDepth: number, largeDepth: number) => DepthSource

/** StackBERT (§6.1, Prop. 1): large layer i <- small layer i mod L1. */
export const stackDepth: DepthMap = (_stage, i, l1) => ({ layer: i % l1 })

/** Interpolation (§6.3): large layer i <- small layer ⌊i/k⌋ with k = L2/L1; ⌊i·L1/L2⌋ when L2 is no multiple. */
export const interpolateDepth: DepthMap = (_stage, i, l1, l2) => ({ layer: Math.floor((i * l1) / l2) })

/** Width resolver for depth-only operators (equal widths). */
export const NO_WIDTH = (): Expansion => IDENTITY

export interface MapGrowthPlan {
  /** Expansion of an axis; block spaces name the *small* layer being widened. */
  width: (axis: AxisRole) => Expansion
  depth: DepthMap
  /**
   * bert2BERT AKI (§6.5): for small layer j, the small layer whose widened tensor supplies the *new* output rows
   * (rows D1..D2-1); the first D1 rows still come from layer j. Absent: new rows come from layer j itself.
   */
  newRowsFrom?: (stage: BlockStage, smallLayer: number, smallDepth: number) => number
  seed: number
}

const RESIDUAL_OUTPUTS = new Set(['attn.out.weight', 'attn.out.bias', 'mlp.down.weight', 'mlp.down.bias'])

/** A parameter the small model lacks (e.g. a pooler only the large config adds), initialised as the family does. */
export function freshParameter(config: ModelConfig, name: string, seed: number): tf.Tensor {
  return initTensor(config, name, parameterShapes(config)[name], seed)
}

/** The small tensor, or a GrowthError naming the parameter and the small config. */
export function smallTensor(smallParams: ParamMap, name: string, small: ModelConfig): tf.Tensor {
  const t = smallParams[name]
  if (!t) throw new GrowthError(`Small model parameters lack "${name}", which its ${small.family} config (${small.numLayers} layers) needs`)
  return t
}

/** Splice output axis 0: rows [0, d1) from `own`, the rest from `upper` (AKI). */
function spliceNewRows(own: tf.Tensor, upper: tf.Tensor, d1: number): tf.Tensor {
  const d2 = own.shape[0]
  if (d2 === d1) return own
  const rest = own.shape.slice(1)
  return tf.concat([tf.slice(own, [0, ...rest.map(() => 0)], [d1, ...rest]), tf.slice(upper, [d1, ...rest.map(() => 0)], [d2 - d1, ...rest])], 0)
}

/** Grow every large parameter by the plan. The caller owns the result. */
export function growByMaps(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, plan: MapGrowthPlan): ParamMap {
  const smallNames = new Set(Object.keys(parameterShapes(small)))
  const out: ParamMap = {}
  for (const name of Object.keys(parameterShapes(large))) {
    out[name] = tf.tidy(() => {
      const largeLayout = parameterLayout(name, large)
      if (largeLayout.layer === null) {
        const source = smallSourceName(name, small, smallNames)
        if (source === null) return freshParameter(large, name, plan.seed)
        return tf.clone(widen(smallTensor(smallParams, source, small), largeLayout, plan.width))
      }
      const stage = largeLayout.stage as BlockStage
      const l1 = stageDepth(stage, small)
      const from = plan.depth(stage, largeLayout.layer, l1, stageDepth(stage, large))
      const sourceName = `${stage}.${from.layer}.${largeLayout.local}`
      const sourceLayout = parameterLayout(sourceName, small) // block spaces of small layer `from.layer`
      let grown = widen(smallTensor(smallParams, sourceName, small), sourceLayout, plan.width)
      const upper = plan.newRowsFrom?.(stage, from.layer, l1)
      const out0 = sourceLayout.axes[0]
      if (upper !== undefined && upper !== from.layer && out0?.role === 'out') {
        const upperTensor = smallTensor(smallParams, `${stage}.${upper}.${largeLayout.local}`, small)
        grown = spliceNewRows(grown, widen(upperTensor, sourceLayout, plan.width), smallParams[sourceName].shape[0])
      }
      if (from.zeroResidual && RESIDUAL_OUTPUTS.has(largeLayout.local as string)) return tf.zerosLike(grown)
      return tf.clone(grown)
    })
  }
  return out
}
