/**
 * LEMON, lossless model expansion (Wang et al., ICLR 2024; docs/growth/lemon.md). One shot, data-free, nothing
 * learned: the large model computes exactly the small model's function, yet its copies of a neuron differ, so
 * training breaks the symmetry.
 *
 * Width, axis by axis on the growth layout (layout.ts), D1 -> D2 with k = ⌊D2/D1⌋ and r = D2 − k·D1:
 *   residual stream (emb), output axes   "average expansion": x* = [x, …, x (k copies), mean(x) (r times)].
 *                                         Rows that write the stream are copied k times, the r residue rows are the
 *                                         mean row (LayerScale folded in, see foldScale).
 *   LayerNorm on the stream               mean(x*) = mean(x) and var(x*) = (k·D1/D2)·var(x), so γ is copied and
 *                                         scaled by √(k·D1/D2), eps by k·D1/D2, β copied, residue γ = 1, β = 0:
 *                                         LN(x*) = [LN(x), …, LN(x), 0, …, 0].
 *   q/k/v, ffn, talking heads, outputs    circular duplication: unit j <- unit j mod D1 (Q/K/V rows are head-major,
 *                                         so whole heads are duplicated and the head size is kept).
 *   every input axis (fan-in)             the consumer's columns start from the large model's random init R and are
 *                                         projected so that the copies of source column i sum to it:
 *                                         W_c = R_c − (Σ_c' R_c' − W_i)/n_i; columns that read the zero residue keep R.
 *   a tied output head                    the word embedding is average-expanded, so the norm feeding the head
 *                                         (final_norm, BERT's head.mlm.norm) is scaled by 1/k: the k copies then sum
 *                                         to the small logits.
 * Depth (≤ any multiple; the paper grows ≤ 2× per step): the first 2·L1 − L2 source blocks map 1:1 and each of the
 * remaining source blocks is followed by copies whose residual outputs (attn.out, mlp.down) are zero, so they add 0
 * to the stream.
 *
 * Exactness: pre-LN families (GPT-2, ViT, DeiT, CaiT) at any width and depth. Post-LN BERT/RoBERTa normalise the
 * stream after every block, which undoes the residue's mean: exact only when D2 is a multiple of D1 (supports()
 * refuses other widths), and their new blocks compute LN(LN(x)) ≠ x, so depth growth is approximate there (noted).
 */
import * as tf from '@tensorflow/tfjs-core'
import { initTensor, NORM_PLACEMENT, parameterShapes, type ModelConfig, type ParamMap } from '../models'
import { parameterLayout, smallSourceName, spaceSize, stageDepth, type BlockStage, type SpaceKind } from './layout'
import type { GrowOptions, MapGrowthOperator, SupportResult } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'

/** LayerNorms applied to the stream (their statistics change under average expansion). */
const STREAM_NORMS = /^(embed\.norm|final_norm|(blocks|cls_blocks)\.\d+\.(attn_norm|mlp_norm))\.(weight|bias)$/
/** BERT's MLM-transform norm: it feeds the decoder, like final_norm does in GPT-2. */
const HEAD_NORM = /^head\.mlm\.norm\.(weight|bias)$/
/** Residual-branch outputs: zero in LEMON's new blocks; their stream rows fold the branch's LayerScale. */
const RESIDUAL_OUTPUTS: Record<string, string> = { 'attn.out.weight': 'attn_scale', 'attn.out.bias': 'attn_scale', 'mlp.down.weight': 'mlp_scale', 'mlp.down.bias': 'mlp_scale' }
const LAYER_SCALES = new Set(['attn_scale', 'mlp_scale'])

/** A dense array with its shape (row-major), the unit the expansions below work on. */
interface Dense {
  data: Float32Array
  shape: number[]
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** Strides of an axis: (outer, length, inner) such that index = (o·length + j)·inner + t. */
function axisStrides(shape: readonly number[], axis: number): [number, number, number] {
  return [size(shape.slice(0, axis)), shape[axis], size(shape.slice(axis + 1))]
}

/**
 * Output-axis expansion: target index j along `axis` = Σ_i weights(j)[i]·source_i (a sparse row of the expansion
 * matrix, given as [sourceIndex, weight] pairs).
 */
function expandOut(x: Dense, axis: number, target: number, weights: (j: number) => ReadonlyArray<readonly [number, number]>): Dense {
  const [outer, d1, inner] = axisStrides(x.shape, axis)
  const shape = [...x.shape]
  shape[axis] = target
  const data = new Float32Array(outer * target * inner)
  for (let j = 0; j < target; j++) {
    const row = weights(j)
    for (let o = 0; o < outer; o++) {
      const dst = (o * target + j) * inner
      for (const [i, w] of row) {
        const src = (o * d1 + i) * inner
        for (let t = 0; t < inner; t++) data[dst + t] += w * x.data[src + t]
      }
    }
  }
  return { data, shape }
}

/**
 * Input-axis (fan-in) expansion against the large model's random init `r` (same shape as the result): the copies
 * of source column i (target columns j with sourceOf(j) = i) are projected so that they sum to it; columns whose
 * sourceOf is null (they read the stream's zero residue) keep their random values.
 */
function expandIn(x: Dense, axis: number, r: Dense, sourceOf: (j: number) => number | null): Dense {
  const [outer, d1, inner] = axisStrides(x.shape, axis)
  const target = r.shape[axis]
  const copies: number[][] = Array.from({ length: d1 }, () => [])
  for (let j = 0; j < target; j++) {
    const i = sourceOf(j)
    if (i !== null) copies[i].push(j)
  }
  const data = Float32Array.from(r.data)
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < d1; i++) {
      const cs = copies[i]
      for (let t = 0; t < inner; t++) {
        let sum = 0
        for (const c of cs) sum += r.data[(o * target + c) * inner + t]
        const shift = (sum - x.data[(o * d1 + i) * inner + t]) / cs.length
        for (const c of cs) data[(o * target + c) * inner + t] = r.data[(o * target + c) * inner + t] - shift
      }
    }
  }
  return { data, shape: [...r.shape] }
}

/** The small block each large block of a stage starts from, and whether it is one of LEMON's zero-output copies. */
export function lemonDepthMap(l1: number, l2: number): Array<{ layer: number; newBlock: boolean }> {
  // Every source block keeps its place; the L2 − L1 new blocks follow the top source blocks (2·L1 − L2 blocks map
  // 1:1 when L2 ≤ 2·L1, as in the paper); beyond 2× each source block gets ⌊(L2−L1)/L1⌋ or one more copies.
  const extra = l2 - l1
  const base = Math.floor(extra / l1)
  const plusOne = extra % l1
  const out: Array<{ layer: number; newBlock: boolean }> = []
  for (let i = 0; i < l1; i++) {
    out.push({ layer: i, newBlock: false })
    const copies = base + (i >= l1 - plusOne ? 1 : 0)
    for (let c = 0; c < copies; c++) out.push({ layer: i, newBlock: true })
  }
  return out
}

function lemonSupports(small: ModelConfig, large: ModelConfig): SupportResult {
  const common = checkGrowthPair(small, large)
  if (!common.ok) return common
  if (NORM_PLACEMENT[small.family] === 'post' && large.hiddenSize % small.hiddenSize !== 0) {
    return {
      ok: false,
      reason: `${small.family} normalises the stream after each block (post-LN), where LEMON is exact only when the hidden size grows by a whole factor: ${large.hiddenSize} is no multiple of ${small.hiddenSize} (try ${2 * small.hiddenSize})`,
    }
  }
  return { ok: true }
}

/** The LayerNorm epsilon that makes LEMON exact for a target config (pre-LN: eps·k·D1/D2; post-LN keeps eps). */
export function lemonLayerNormEps(small: ModelConfig, large: ModelConfig): number {
  const k = Math.floor(large.hiddenSize / small.hiddenSize)
  return NORM_PLACEMENT[small.family] === 'pre' ? (small.layerNormEps * k * small.hiddenSize) / large.hiddenSize : small.layerNormEps
}

/** Why the grown model is not an exact copy of the source's function, if it is not (empty: exact). */
export function lemonInexactness(small: ModelConfig, large: ModelConfig): string[] {
  const notes: string[] = []
  const eps = lemonLayerNormEps(small, large)
  if (Math.abs(large.layerNormEps - eps) > 1e-3 * eps) {
    notes.push(`LEMON is exact with layerNormEps ${eps.toPrecision(6)} (the source's ${small.layerNormEps} × k·D1/D2); the target keeps ${large.layerNormEps}, a difference of order eps/variance`)
  }
  const deeper = large.numLayers > small.numLayers || (small.family === 'cait' && large.family === 'cait' && large.numClassLayers > small.numClassLayers)
  if (NORM_PLACEMENT[small.family] === 'post' && deeper) {
    notes.push(`${small.family} is post-LN: LEMON's new blocks add nothing to the stream but its LayerNorms still renormalise it (LN(LN(x)) ≠ x), so the deeper model is close to the source's function, not equal to it`)
  }
  return notes
}

function read(t: tf.Tensor): Dense {
  return { data: Float32Array.from(t.dataSync() as Float32Array), shape: [...t.shape] }
}

export const lemon: MapGrowthOperator = {
  kind: 'map',
  name: 'lemon',
  label: 'LEMON: lossless width and depth expansion (average-expanded stream, split fan-in, zero-output new blocks)',
  paper: 'Wang et al., ICLR 2024 (docs/growth/lemon.md)',
  grows: { depth: true, width: true },
  functionPreserving: 'exact',
  supports: lemonSupports,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(lemonSupports(small, large), 'lemon')
    const smallNames = new Set(Object.keys(parameterShapes(small)))
    const largeShapes = parameterShapes(large)
    const placement = NORM_PLACEMENT[small.family]
    const d1 = small.hiddenSize
    const d2 = large.hiddenSize
    const k = Math.floor(d2 / d1)
    const residueStart = k * d1
    const tiedHead = 'tieWordEmbeddings' in large && large.tieWordEmbeddings
    const depthMaps: Record<BlockStage, Array<{ layer: number; newBlock: boolean }>> = {
      blocks: lemonDepthMap(stageDepth('blocks', small), stageDepth('blocks', large)),
      cls_blocks: stageDepth('cls_blocks', small) > 0 ? lemonDepthMap(stageDepth('cls_blocks', small), stageDepth('cls_blocks', large)) : [],
    }

    /** Output-axis rule of a space: stream spaces average, per-layer spaces duplicate circularly. */
    const outWeights = (kind: SpaceKind, small1: number, scale: Float32Array | null) => (j: number): ReadonlyArray<readonly [number, number]> => {
      const streamLike = kind === 'emb' || (kind === 'head' && placement === 'pre')
      if (!streamLike || j < Math.floor(spaceSize(kind, large) / small1) * small1) return [[j % small1, 1]]
      // Residue row: the mean over the source rows, with the branch's LayerScale folded in (foldScale).
      return Array.from({ length: small1 }, (_, i) => [i, (scale ? scale[i] : 1) / small1] as const)
    }
    /** Input-axis rule: the source column a target column copies, or null for the stream's residue. */
    const inSource = (kind: SpaceKind, small1: number) => (j: number): number | null => {
      const streamLike = kind === 'emb' || kind === 'head'
      if (streamLike && j >= Math.floor(spaceSize(kind, large) / small1) * small1) return null
      return j % small1
    }

    const out: ParamMap = {}
    for (const name of Object.keys(largeShapes)) {
      const layout = parameterLayout(name, large)
      let sourceName: string | null
      let newBlock = false
      if (layout.layer === null) sourceName = smallSourceName(name, small, smallNames)
      else {
        const from = depthMaps[layout.stage as BlockStage][layout.layer]
        sourceName = `${layout.stage}.${from.layer}.${layout.local}`
        newBlock = from.newBlock
      }
      const random = initTensor(large, name, largeShapes[name], options.seed)
      if (sourceName === null) {
        out[name] = random // a parameter only the large config has (a pooler): the family's init
        continue
      }
      const r = read(random)
      random.dispose()
      let x = read(smallParams[sourceName])
      const local = layout.local ?? ''
      // The branch's LayerScale (CaiT) is folded into the residue rows of its output projection; its own residue is 1.
      const scaleName = RESIDUAL_OUTPUTS[local] && layout.layer !== null ? sourceName.replace(local, RESIDUAL_OUTPUTS[local]) : null
      const scale = scaleName && smallParams[scaleName] ? read(smallParams[scaleName]).data : null

      layout.axes.forEach((axis, a) => {
        if (axis?.role !== 'out') return
        x = expandOut(x, a, largeShapes[name][a], outWeights(axis.space.kind, x.shape[a], scale))
      })
      const inAxis = layout.axes.findIndex((axis) => axis?.role === 'in')
      if (inAxis >= 0) x = expandIn(x, inAxis, r, inSource(layout.axes[inAxis]!.space.kind, x.shape[inAxis]))

      const isNorm = STREAM_NORMS.test(name) || HEAD_NORM.test(name)
      if (isNorm || LAYER_SCALES.has(local)) {
        const weight = name.endsWith('.weight') || LAYER_SCALES.has(local)
        // Stream statistics: variance scales by k·D1/D2 under average expansion (1 when D2 = k·D1).
        const gain = isNorm && weight && placement === 'pre' && STREAM_NORMS.test(name) ? Math.sqrt((k * d1) / d2) : 1
        // The norm that feeds a tied head: the k copies of the embedding sum the logits k times.
        const feedsTiedHead = tiedHead && (placement === 'pre' ? name.startsWith('final_norm.') : HEAD_NORM.test(name))
        const factor = isNorm ? gain / (feedsTiedHead ? k : 1) : 1
        for (let j = 0; j < x.data.length; j++) {
          if (j >= residueStart) x.data[j] = weight ? 1 : 0 // residue: LN output 0 (β = 0), LayerScale 1
          else x.data[j] *= factor
        }
      }
      if (newBlock && RESIDUAL_OUTPUTS[local]) x.data.fill(0)
      out[name] = tf.tensor(x.data, x.shape)
    }
    return out
  },
}
