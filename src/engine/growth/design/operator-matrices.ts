/**
 * The growth operators as matrices to draw (issue 11, "the picture"): the depth operator as a large-layers x
 * small-layers matrix and the width expansions per module. Initial values come from the operators' own maps
 * (StackBERT's l mod L1, interpolation's ⌊l·L1/L2⌋, Net2Net's placement, LiGO's init of ligo-init.ts); learned
 * values from a grown model's saved LiGO operator (engine/io/operator-file.ts). No tensors are created: every
 * value here is plain arithmetic.
 */
import type { GrowthOperatorResult, OperatorMatrix, WidthMapping } from '../../../shared/growth-design'
import { Rng } from '../../data/rng'
import { headDim, parameterSeed, type ModelConfig } from '../../models'
import { interpolateDepth, stackDepth, type DepthMap } from '../assemble'
import { LIGO_DEFAULTS } from '../ligo'
import { ligoCoefficientTable, type WidthCoefficient } from '../ligo-coefficients'
import { depthValues, extraRows, type LigoInit } from '../ligo-init'
import { msltDepth } from '../mslt'
import { net2netDepth, net2netWidth } from '../net2net'

export const DEFAULT_MAX_CELLS = 4096

/** How each one-shot method grows, as data: its depth map and whether it copies units Net2Net's way. */
const MAP_METHODS: Readonly<Record<string, { depth: DepthMap | null; copiesUnits: boolean }>> = {
  stackbert: { depth: stackDepth, copiesUnits: false },
  interpolation: { depth: interpolateDepth, copiesUnits: false },
  mslt: { depth: msltDepth, copiesUnits: false },
  net2net: { depth: net2netDepth, copiesUnits: true },
  'bert2bert-fpi': { depth: stackDepth, copiesUnits: true },
  'bert2bert-aki': { depth: stackDepth, copiesUnits: true },
}

/** Evenly spaced indices, at most `limit` of `n` (first and last kept). */
export function sampleIndices(n: number, limit: number): number[] | null {
  if (n <= limit) return null
  return Array.from({ length: limit }, (_, k) => Math.round((k * (n - 1)) / (limit - 1)))
}

/** A row-major [rows, cols] matrix, sampled evenly (keeping its aspect) so that at most maxCells values travel. */
export function matrixFor(name: string, values: ArrayLike<number>, rows: number, cols: number, labels: { rowLabel: string; colLabel: string }, maxCells: number): OperatorMatrix {
  const scale = Math.min(1, Math.sqrt(maxCells / (rows * cols)))
  const keptRows = Math.max(Math.min(rows, 2), Math.min(rows, Math.floor(rows * scale)))
  const keptCols = Math.max(Math.min(cols, 2), Math.min(cols, Math.floor(maxCells / keptRows)))
  const rowIndex = sampleIndices(rows, keptRows)
  const colIndex = sampleIndices(cols, keptCols)
  const r = rowIndex ?? Array.from({ length: rows }, (_, i) => i)
  const c = colIndex ?? Array.from({ length: cols }, (_, j) => j)
  const out: number[] = []
  for (const i of r) for (const j of c) out.push(values[i * cols + j])
  return { name, rows, cols, values: out, rowIndex, colIndex, ...labels }
}

export const DEPTH_LABELS = { rowLabel: 'large layer', colLabel: 'small layer' }

/** The one-hot depth matrix of a layer map: row i has a 1 at the small layer large layer i copies. */
function depthFromMap(map: DepthMap, l1: number, l2: number): Float32Array {
  const values = new Float32Array(l2 * l1)
  for (let i = 0; i < l2; i++) values[i * l1 + map('blocks', i, l1, l2).layer] = 1
  return values
}

/** Net2Net / bert2BERT: which source unit each new unit copies, for the hidden size, the first FFN, the first heads. */
function copyMappings(small: ModelConfig, large: ModelConfig, seed: number): WidthMapping[] {
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

/** B = [I; C] of a width coefficient (C from the init scheme), [D2, D1]. */
function widthInit(c: WidthCoefficient, init: LigoInit): Float32Array {
  const d1 = c.smallSize
  const full = new Float32Array(c.largeSize * d1)
  for (let j = 0; j < d1; j++) full[j * d1 + j] = 1
  full.set(extraRows(c.largeSize - d1, d1, init.widthInit, new Rng(parameterSeed(init.seed, c.name))), d1 * d1)
  return full
}

/** A method's initial operator for a (small, large) pair. */
export function initialOperator(method: string, small: ModelConfig, large: ModelConfig, options: { seed?: number; maxCells?: number } = {}): GrowthOperatorResult {
  const seed = options.seed ?? 0
  const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS
  const base = { method, kind: 'init' as const, smallLayers: small.numLayers, largeLayers: large.numLayers }
  const l1 = small.numLayers
  const l2 = large.numLayers
  if (method === 'ligo') {
    const init: LigoInit = { seed, depthInit: LIGO_DEFAULTS.depthInit, depthNoise: LIGO_DEFAULTS.depthNoise, widthInit: LIGO_DEFAULTS.widthInit }
    const table = ligoCoefficientTable(small, large, 'official')
    const depth = table.find((c) => c.role === 'depth' && c.stage === 'blocks')
    const width = table.filter((c): c is WidthCoefficient => c.role === 'width' && (c.stage === null || c.layer === 0))
    return {
      ...base,
      depth: depth ? matrixFor(depth.name, depthValues(depth.shape, init, new Rng(parameterSeed(seed, depth.name))), l2, l1, DEPTH_LABELS, maxCells) : null,
      width: width.map((c) => matrixFor(c.name, widthInit(c, init), c.largeSize, c.smallSize, { rowLabel: 'large unit', colLabel: 'small unit' }, maxCells)),
      mappings: [],
      notes: [`LiGO init: StackBERT's pattern plus U(0, ${init.depthNoise}) noise per row, each row summing to 1; new width units random convex combinations of the old ones (ligo-method.md §2)`],
    }
  }
  const plan = MAP_METHODS[method]
  if (!plan) return { ...base, depth: null, width: [], mappings: [], notes: [`${method} maps no weights: it starts from a fresh initialisation`] }
  return {
    ...base,
    depth: plan.depth ? matrixFor('depth', depthFromMap(plan.depth, l1, l2), l2, l1, DEPTH_LABELS, maxCells) : null,
    width: [],
    mappings: plan.copiesUnits ? copyMappings(small, large, seed) : [],
    notes: method === 'net2net' ? ['Net2Net: inserted layers copy the layer below with their residual output set to zero (identity at initialisation)'] : [],
  }
}
