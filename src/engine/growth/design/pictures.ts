/**
 * What the methods' descriptors draw (GrowthMethod.picture, engine/growth/method.ts): a method's initial growth
 * operator as plain, unsampled matrices. The depth operator is a large-layers x small-layers matrix (StackBERT's
 * l mod L1, interpolation's ⌊l·L1/L2⌋, MSLT's and Net2Net's placement, LiGO's init of ligo-init.ts); Net2Net-style
 * methods also say which source unit each new unit copies; LiGO's width operators B = [I; C] come as matrices.
 * No tensors are created: every value here is plain arithmetic (docs/growth/ligo.md §2, docs/growth/baselines.md).
 */
import type { WidthMapping } from '../../../shared/growth-design'
import { Rng } from '../../data/rng'
import { headDim, parameterSeed, type ModelConfig } from '../../models'
import type { DepthMap } from '../assemble'
import { LIGO_DEFAULTS } from '../ligo'
import { ligoCoefficientTable, type WidthCoefficient } from '../ligo-coefficients'
import { depthValues, extraRows, type LigoInit } from '../ligo-init'
import type { OperatorPicture, PictureMatrix } from '../method'
import { net2netWidth } from '../net2net'
import { DEPTH_LABELS } from './sampling'

const WIDTH_LABELS = { rowLabel: 'large unit', colLabel: 'small unit' }

/** The one-hot depth matrix of a layer map: row i has a 1 at the small layer large layer i copies. */
function depthFromMap(map: DepthMap, l1: number, l2: number): PictureMatrix {
  const values = new Float32Array(l2 * l1)
  for (let i = 0; i < l2; i++) values[i * l1 + map('blocks', i, l1, l2).layer] = 1
  return { name: 'depth', rows: l2, cols: l1, values, ...DEPTH_LABELS }
}

/** Net2Net / bert2BERT: which source unit each new unit copies, for the hidden size, the first FFN, the first heads. */
export function copyMappings(small: ModelConfig, large: ModelConfig, seed: number): WidthMapping[] {
  const resolve = net2netWidth(small, large, seed, 'random')
  const out: WidthMapping[] = []
  const add = (module: string, kind: 'emb' | 'ffn' | 'q', sourceUnits: number, perUnit: number) => {
    const e = resolve({ space: { kind, stage: kind === 'emb' ? null : 'blocks', layer: kind === 'emb' ? null : 0 }, role: 'out' })
    if (e.kind !== 'select') return
    out.push({ module, sourceUnits, sourceOf: Array.from({ length: e.index.length / perUnit }, (_, u) => Math.floor(e.index[u * perUnit] / perUnit)) })
  }
  if (large.hiddenSize > small.hiddenSize) {
    add('hidden', 'emb', small.hiddenSize, 1)
    add('heads', 'q', small.numHeads, headDim(small))
  }
  if (large.intermediateSize > small.intermediateSize) add('ffn', 'ffn', small.intermediateSize, 1)
  return out
}

/** The picture of a one-shot weight map: its depth map, and whether it copies units Net2Net's way. */
export function mapPicture(plan: { depth: DepthMap; copiesUnits: boolean; notes?: string[] }): (small: ModelConfig, large: ModelConfig, seed: number) => OperatorPicture {
  return (small, large, seed) => ({
    depth: depthFromMap(plan.depth, small.numLayers, large.numLayers),
    width: [],
    mappings: plan.copiesUnits ? copyMappings(small, large, seed) : [],
    notes: plan.notes ?? [],
  })
}

/** B = [I; C] of a width coefficient (C from the init scheme), [D2, D1]. */
function widthInit(c: WidthCoefficient, init: LigoInit): Float32Array {
  const d1 = c.smallSize
  const full = new Float32Array(c.largeSize * d1)
  for (let j = 0; j < d1; j++) full[j * d1 + j] = 1
  full.set(extraRows(c.largeSize - d1, d1, init.widthInit, new Rng(parameterSeed(init.seed, c.name))), d1 * d1)
  return full
}

/** LiGO's initial operator: exactly the coefficients createLigoOperator starts from (official [I; C] form). */
export function ligoPicture(small: ModelConfig, large: ModelConfig, seed: number): OperatorPicture {
  const init: LigoInit = { seed, depthInit: LIGO_DEFAULTS.depthInit, depthNoise: LIGO_DEFAULTS.depthNoise, widthInit: LIGO_DEFAULTS.widthInit }
  const table = ligoCoefficientTable(small, large, 'official')
  const depth = table.find((c) => c.role === 'depth' && c.stage === 'blocks')
  const width = table.filter((c): c is WidthCoefficient => c.role === 'width' && (c.stage === null || c.layer === 0))
  return {
    depth: depth ? { name: depth.name, rows: large.numLayers, cols: small.numLayers, values: depthValues(depth.shape, init, new Rng(parameterSeed(seed, depth.name))), ...DEPTH_LABELS } : null,
    width: width.map((c) => ({ name: c.name, rows: c.largeSize, cols: c.smallSize, values: widthInit(c, init), ...WIDTH_LABELS })),
    mappings: [],
    notes: [`LiGO init: StackBERT's pattern plus U(0, ${init.depthNoise}) noise per row, each row summing to 1; new width units random convex combinations of the old ones (ligo-method.md §2)`],
  }
}
