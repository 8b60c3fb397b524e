/**
 * G_stack, depthwise stacking for LLM pre-training (Du et al., NeurIPS 2024; docs/growth/gstack.md): the large
 * model is the small model's whole block stack repeated g times (M∘M∘…∘M), embeddings, final norm and head copied.
 * The paper grows depth only; a wider target is first widened by Net2Net's copies (depth-baseline-width.ts), as
 * StackBERT is, so G_stack has a row on every benchmark pair. Not function preserving; nothing learned. What it adds
 * over StackBERT's map is
 *   - partial stacking: only a contiguous segment (front, middle or back) is repeated (the paper's App. H.3),
 *   - optional noise on the repeated copies (App. I.2),
 *   - its planner (planGStack): the growth factor g and the base model's training tokens d from the paper's fitted
 *     rule (Eq. 2), clamped to the user's budget, and the base model's own cost charged to the method.
 */
import * as tf from '@tensorflow/tfjs-core'
import { initTensor, parameterShapes, type ModelConfig, type ParamMap } from '../models'
import { growByMaps, stackDepth } from './assemble'
import { depthBaselineWidth } from './depth-baseline-width'
import { parameterLayout, stageDepth, type BlockStage } from './layout'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair, sameWidth } from './validate-pair'

export const GSTACK_PATTERNS = ['all', 'front', 'middle', 'back'] as const
export type GStackPattern = (typeof GSTACK_PATTERNS)[number]

export interface GStackOptions extends GrowOptions {
  /** Which source blocks are repeated: the whole stack (the paper's choice) or a contiguous half of it. */
  pattern?: GStackPattern
  /** Repeated copies (not the first instance) become (1 − α)·W + α·R with R the large model's init; 0 = exact copies. */
  noise?: number
}

/**
 * The source block of every large block. 'all': l ← l mod L1. A partial pattern repeats a segment of ⌈L1/2⌉ blocks
 * (front [0, m), middle centred, back [L1 − m, L1)) until the stack is L2 deep, keeping the blocks around it in
 * order, and marks which large blocks are repeats (they get the noise).
 */
export function gstackDepthMap(l1: number, l2: number, pattern: GStackPattern): Array<{ layer: number; repeat: boolean }> {
  if (pattern === 'all') return Array.from({ length: l2 }, (_, l) => ({ layer: l % l1, repeat: l >= l1 }))
  const m = Math.ceil(l1 / 2)
  const start = pattern === 'front' ? 0 : pattern === 'back' ? l1 - m : Math.floor((l1 - m) / 2)
  const out: Array<{ layer: number; repeat: boolean }> = []
  for (let i = 0; i < start; i++) out.push({ layer: i, repeat: false })
  const after = l1 - start - m
  for (let k = 0; out.length < l2 - after; k++) out.push({ layer: start + (k % m), repeat: k >= m })
  for (let i = start + m; i < l1; i++) out.push({ layer: i, repeat: false })
  return out
}

/** The source widened to the target's width at its own depth (Net2Net's copies), or the source when widths match. */
function widenFirst(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, seed: number): { params: ParamMap; config: ModelConfig } {
  if (sameWidth(small, large)) return { params: smallParams, config: small }
  const config = { ...large, numLayers: small.numLayers, ...(large.family === 'cait' && small.family === 'cait' ? { numClassLayers: small.numClassLayers } : {}) } as ModelConfig
  // stackDepth to equal depth is the identity: only the width map acts.
  return { params: growByMaps(smallParams, small, config, { width: depthBaselineWidth(small, config, seed), depth: stackDepth, seed }), config }
}

export const gstack: MapGrowthOperator<GStackOptions> = {
  kind: 'map',
  name: 'gstack',
  label: 'G_stack: repeat the whole block stack g times (or a front/middle/back segment), with its planner; a wider target widens by Net2Net copies first',
  paper: 'Du et al., NeurIPS 2024 (docs/growth/gstack.md)',
  grows: { depth: true, width: true },
  functionPreserving: 'no',
  supports: checkGrowthPair,
  grow(source: ParamMap, sourceConfig: ModelConfig, large: ModelConfig, options: GStackOptions): ParamMap {
    assertSupported(checkGrowthPair(sourceConfig, large), 'gstack')
    const { params: smallParams, config: small } = widenFirst(source, sourceConfig, large, options.seed)
    try {
      return stackBlocks(smallParams, small, large, options)
    } finally {
      if (smallParams !== source) tf.dispose(Object.values(smallParams))
    }
  },
}

/** The stack of an equal-width pair: every large block from its source block, repeats blended with noise. */
function stackBlocks(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GStackOptions): ParamMap {
  const pattern = options.pattern ?? 'all'
  const noise = options.noise ?? 0
  const maps: Partial<Record<BlockStage, Array<{ layer: number; repeat: boolean }>>> = {
    blocks: gstackDepthMap(stageDepth('blocks', small), stageDepth('blocks', large), pattern),
    // CaiT's class-attention blocks are not part of the repeated stack: they follow it (stacked only if deeper).
    cls_blocks: stageDepth('cls_blocks', small) > 0 ? gstackDepthMap(stageDepth('cls_blocks', small), stageDepth('cls_blocks', large), 'all') : [],
  }
  const out: ParamMap = {}
  for (const [name, shape] of Object.entries(parameterShapes(large))) {
    const layout = parameterLayout(name, large)
    const from = layout.layer === null ? null : maps[layout.stage as BlockStage]![layout.layer]
    const source = from ? smallParams[`${layout.stage}.${from.layer}.${layout.local}`] : smallParams[name]
    out[name] = tf.tidy(() => {
      if (!source) return initTensor(large, name, shape, options.seed) // a part only the large config has
      if (!from?.repeat || noise === 0) return tf.clone(source)
      return tf.add(tf.mul(source, 1 - noise), tf.mul(initTensor(large, name, shape, options.seed), noise))
    })
  }
  return out
}

/** G_stack's fitted growth-timing rule (Eq. 2): log10 d = 0.88·log10 N + 163.27 / log10 C − 5.74, C = 6·N·D. */
export function gstackBaseTokens(targetParameters: number, targetTokens: number): number {
  const c = 6 * targetParameters * targetTokens
  return 10 ** (0.88 * Math.log10(targetParameters) + 163.27 / Math.log10(c) - 5.74)
}

/** The paper's growth factor (it found the optimum between 2 and 4 and fixed g = 4, §4.2). */
export const GSTACK_PAPER_FACTOR = 4

export interface GStackPlanInput {
  /** Parameters of the large model (N) and the tokens it will train on (D: the budget). */
  targetParameters: number
  targetTokens: number
  /** The share of D the base model may train on at most (the rule asks for more than a desktop budget has). */
  maxBaseFraction: number
  /** Blocks of the base model and of the target (g = L2/L1). */
  baseLayers: number
  targetLayers: number
}

export interface GStackPlan {
  /** The growth factor of this pair, and the paper's range for it. */
  g: number
  gInRange: boolean
  /** Tokens the fitted rule asks the base model to train on, and what the budget allows. */
  ruleBaseTokens: number
  baseTokens: number
  clamped: boolean
  notes: string[]
}

/** A note when the growth factor g = L2/L1 is outside the paper's range 2-4; null inside it. */
export function gstackFactorNote(baseLayers: number, targetLayers: number): string | null {
  const g = targetLayers / baseLayers
  if (g >= 2 && g <= 4) return null
  return `growth factor g = ${Number(g.toFixed(2))} is outside the paper's range 2-4 (it found g = 4 best and a 1-layer base worse than scratch)`
}

/**
 * The share of the large model's budget the planner lets the base model train on (the designer's default): the
 * fitted rule asks for more than a desktop budget holds (docs/growth/gstack.md "The planner").
 */
export const GSTACK_MAX_BASE_FRACTION = 0.1

/** The planner: how many tokens to train the base model on before stacking, and whether g is in the paper's range. */
export function planGStack(input: GStackPlanInput): GStackPlan {
  const g = input.targetLayers / input.baseLayers
  const rule = gstackBaseTokens(input.targetParameters, input.targetTokens)
  const cap = input.maxBaseFraction * input.targetTokens
  const baseTokens = Math.min(rule, cap)
  const factorNote = gstackFactorNote(input.baseLayers, input.targetLayers)
  const notes: string[] = factorNote ? [factorNote] : []
  const gInRange = factorNote === null
  if (rule > cap) {
    notes.push(
      `the fitted rule asks for ${rule.toExponential(2)} base tokens, more than ${(100 * input.maxBaseFraction).toFixed(0)}% of the ${input.targetTokens.toExponential(2)}-token budget: clamped to ${baseTokens.toExponential(2)} (the rule was fitted on 410M-3B models)`,
    )
  }
  return { g, gInRange, ruleBaseTokens: rule, baseTokens, clamped: rule > cap, notes }
}

// G_stack's "speedup" <-> our saving: one pair of formulas, in src/shared so the designer converts with them too.
export { savingFromSpeedup, speedupFromSaving } from '../../shared/growth-design/speedup'
