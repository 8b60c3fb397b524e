/**
 * The table of LiGO's trainable coefficients for a (small, large, parameterisation) triple: names, shapes and what
 * each multiplies. The operator allocates exactly this table, and the coefficient count of docs/growth/ligo.md §1.7 is
 * its sum (so the count can be checked for BERT-Small -> BERT-Base without allocating 30M floats).
 *
 *   width (§1.3-§1.5), only for spaces that grow:
 *     official  [I; C]: C [D2-D1, D1] for emb and head (encoders' MLM transform, C^cls) and, per *large* layer,
 *               for q, k, v, ffn (and heads for CaiT's talking heads)
 *     paper     B [D2, D1] for emb (head shares it) and, per *small* layer, for q, k, v, ffn (heads)
 *   depth (§1.3, §1.4):
 *     official  one [L2, L1] matrix per stage, module and part (weight / bias): row i is large layer i's
 *               coefficient vector over the small layers (16 vectors per BERT layer)
 *     paper     one [L2, L1] matrix w^k per stage and module k, shared by its weight and bias
 * Stages: `blocks`, and CaiT's `cls_blocks` as a separate module family with its own depth coefficients (§7).
 */
import { parameterShapes, type ModelConfig } from '../models'
import { BLOCK_STAGES, parameterLayout, spaceSize, stageDepth, type BlockStage, type SpaceKind } from './layout'
import type { LigoCoefficientInfo, LigoParameterization } from './types'

export interface WidthCoefficient extends LigoCoefficientInfo {
  role: 'width'
  kind: SpaceKind
  stage: BlockStage | null
  layer: number | null
  /** D1 and D2 of the space. */
  smallSize: number
  largeSize: number
}

export interface DepthCoefficient extends LigoCoefficientInfo {
  role: 'depth'
  stage: BlockStage
  module: string
  /** official: the part this matrix mixes; paper: null (weight and bias share it). */
  part: 'weight' | 'bias' | null
}

export type LigoCoefficient = WidthCoefficient | DepthCoefficient

const SPACE_WORDS: Record<SpaceKind, string> = {
  emb: 'the residual stream (B^emb: embeddings, LayerNorms, LayerScale, Q/K/V/FFN inputs, O/FFN outputs, heads\' inputs)',
  head: 'the MLM head transform (C^cls: head.mlm.dense output, head.mlm.norm, untied decoder input)',
  q: 'Q\'s output rows (new heads)',
  k: 'K\'s output rows (new heads)',
  v: 'V\'s output rows (new heads) and O\'s input',
  ffn: 'FFN-up\'s output and FFN-down\'s input',
  heads: 'the talking-heads maps\' head axis (in and out)',
}

/** Blocks-local module -> the parts it has in this config ("attn.q" -> ["weight", "bias"]). */
export function stageModules(stage: BlockStage, config: ModelConfig): Map<string, Array<'weight' | 'bias'>> {
  const modules = new Map<string, Array<'weight' | 'bias'>>()
  for (const name of Object.keys(parameterShapes(config))) {
    if (!name.startsWith(`${stage}.0.`)) continue
    const layout = parameterLayout(name, config)
    const parts = modules.get(layout.module as string) ?? []
    parts.push(layout.part)
    modules.set(layout.module as string, parts)
  }
  return modules
}

function widthEntry(kind: SpaceKind, stage: BlockStage | null, layer: number | null, small: ModelConfig, large: ModelConfig, p: LigoParameterization): WidthCoefficient | null {
  const d1 = spaceSize(kind, small)
  const d2 = spaceSize(kind, large)
  if (d1 === d2) return null
  const where = stage === null ? '' : ` of ${stage} ${layer} (${p === 'official' ? 'large' : 'small'} layer)`
  const name = stage === null ? `width.${kind}` : `width.${stage}.${layer}.${kind}`
  const shape = p === 'official' ? [d2 - d1, d1] : [d2, d1]
  const form = p === 'official' ? `[I; C] expansion, C [${d2 - d1}, ${d1}]` : `full expansion B [${d2}, ${d1}]`
  return { name, shape, role: 'width', kind, stage, layer, smallSize: d1, largeSize: d2, description: `${form} of ${SPACE_WORDS[kind]}${where}` }
}

/** Every coefficient of the operator, width first, in a stable order. */
export function ligoCoefficientTable(small: ModelConfig, large: ModelConfig, p: LigoParameterization): LigoCoefficient[] {
  const table: LigoCoefficient[] = []
  const push = (e: WidthCoefficient | null) => {
    if (e) table.push(e)
  }
  push(widthEntry('emb', null, null, small, large, p))
  const encoder = large.family === 'bert' || large.family === 'roberta'
  if (p === 'official' && encoder) push(widthEntry('head', null, null, small, large, p))
  for (const stage of BLOCK_STAGES) {
    const layers = stageDepth(stage, p === 'official' ? large : small)
    for (let layer = 0; layer < layers; layer++) {
      for (const kind of ['q', 'k', 'v', 'ffn'] as const) push(widthEntry(kind, stage, layer, small, large, p))
      if (stage === 'blocks' && large.family === 'cait') push(widthEntry('heads', stage, layer, small, large, p))
    }
  }
  for (const stage of BLOCK_STAGES) {
    const l1 = stageDepth(stage, small)
    const l2 = stageDepth(stage, large)
    if (l2 === 0) continue
    for (const [module, parts] of stageModules(stage, large)) {
      const what = `mixes ${stage} "${module}" of the ${l1} small layers into each of the ${l2} large layers`
      if (p === 'paper') table.push({ name: `depth.${stage}.${module}`, shape: [l2, l1], role: 'depth', stage, module, part: null, description: `w^k [L2, L1]: ${what} (weight and bias)` })
      else
        for (const part of parts)
          table.push({ name: `depth.${stage}.${module}.${part}`, shape: [l2, l1], role: 'depth', stage, module, part, description: `coefficients [L2, L1]: ${what} (${part})` })
    }
  }
  return table
}

/** Width, depth and total coefficient counts (docs/growth/ligo.md §1.7). */
export function ligoCoefficientCounts(small: ModelConfig, large: ModelConfig, p: LigoParameterization): { width: number; depth: number; total: number } {
  let width = 0
  let depth = 0
  for (const c of ligoCoefficientTable(small, large, p)) {
    const n = c.shape.reduce((a, b) => a * b, 1)
    if (c.role === 'width') width += n
    else depth += n
  }
  return { width, depth, total: width + depth }
}
