/**
 * Net2Net (Chen, Goodfellow, Shlens, ICLR 2016; docs/growth/baselines.md §6.4, §1.8 Eq. 2), applied to transformers with
 * the tying of layout.ts:
 *   Net2WiderNet: a map g: [D2] -> [D1], g(i) = i for i < D1, uniform random (or cyclic) above. A new unit copies
 *     unit g(i) on every output axis; on every input axis column i is old column g(i) divided by the copy count
 *     |{i' : g(i') = g(i)}| (Eq. 2, which divides the original column too). Attention copies whole heads: one head
 *     map per layer shared by Q, K, V (scores need matching Q/K heads; O's input follows V) and by CaiT's
 *     talking-heads maps. The residual stream has one map for the whole model.
 *   Net2DeeperNet: small layer j lands at large position ⌊j·L2/L1⌋; the positions in between get identity-like
 *     blocks: copies of the layer below with attn.out and mlp.down zeroed, so the block adds nothing.
 * Exactly function preserving for elementwise activations and pre-LN blocks; the LayerNorms see duplicated
 * channels (their statistics change unless every channel is copied equally often) and post-LN blocks renormalise
 * the stream, so the full models are only approximately preserved (README: measured gap).
 */
import { Rng } from '../data/rng'
import type { ModelConfig, ParamMap } from '../models'
import { headDim, parameterSeed } from '../models'
import { growByMaps, type DepthMap, type MapGrowthPlan } from './assemble'
import { IDENTITY, type Expansion } from './expansion'
import { spaceKey, spaceSize, type AxisRole } from './layout'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'

export interface Net2NetOptions extends GrowOptions {
  /** 'random' (Net2Net: new units copy uniformly drawn old ones) or 'cyclic' (g(i) = i mod D1: balanced copies). */
  mapping?: 'random' | 'cyclic'
}

/** g: [d2] -> [d1]: identity below d1, then random or cyclic. */
export function unitMap(d1: number, d2: number, mapping: 'random' | 'cyclic', rng: Rng): Int32Array {
  const g = new Int32Array(d2)
  for (let i = 0; i < d2; i++) g[i] = i < d1 ? i : mapping === 'cyclic' ? i % d1 : rng.nextInt(d1)
  return g
}

/** A head map [A2] -> [A1] lifted to channels: channel c of head a copies channel c of head g(a). */
export function headChannelMap(heads: Int32Array, headSize: number): Int32Array {
  const g = new Int32Array(heads.length * headSize)
  heads.forEach((h, a) => {
    for (let c = 0; c < headSize; c++) g[a * headSize + c] = h * headSize + c
  })
  return g
}

/** The pair of expansions of a map: output axes copy, input axes copy and divide by the copy count. */
export function copyExpansions(g: Int32Array, d1: number): { out: Expansion; in: Expansion } {
  const counts = new Float32Array(d1)
  g.forEach((j) => counts[j]++)
  const scale = Float32Array.from(g, (j) => 1 / counts[j])
  return { out: { kind: 'select', index: g, scale: null }, in: { kind: 'select', index: g, scale } }
}

/**
 * The Net2Net width resolver (also bert2BERT FPI/AKI): maps drawn lazily, one per space, from streams derived from
 * the seed and the space's key so the result does not depend on the order parameters are visited.
 */
export function net2netWidth(small: ModelConfig, large: ModelConfig, seed: number, mapping: 'random' | 'cyclic'): (axis: AxisRole) => Expansion {
  const cache = new Map<string, { out: Expansion; in: Expansion } | null>()
  const d = headDim(small)
  const mapFor = (key: string, d1: number, d2: number, heads: boolean) => {
    let hit = cache.get(key)
    if (hit === undefined) {
      const rng = new Rng(parameterSeed(seed, key))
      if (d1 === d2) hit = null
      else if (heads) hit = copyExpansions(headChannelMap(unitMap(d1 / d, d2 / d, mapping, rng), d), d1)
      else hit = copyExpansions(unitMap(d1, d2, mapping, rng), d1)
      cache.set(key, hit)
    }
    return hit
  }
  /** The same head map at head granularity (talking heads act on the head axis): head a copies head g(a). */
  const headLevel = (key: string, channels: Expansion) => {
    let hit = cache.get(key)
    if (hit === undefined) {
      const index = (channels as { index: Int32Array }).index
      const heads = Int32Array.from({ length: index.length / d }, (_, a) => index[a * d] / d)
      hit = copyExpansions(heads, spaceSize('heads', small))
      cache.set(key, hit)
    }
    return hit
  }
  return (axis) => {
    const { kind } = axis.space
    let maps
    if (kind === 'emb' || kind === 'head') maps = mapFor('emb', small.hiddenSize, large.hiddenSize, false)
    else if (kind === 'ffn') maps = mapFor(spaceKey(axis.space), small.intermediateSize, large.intermediateSize, false)
    else {
      // q, k, v and talking heads of one layer share one head map.
      const attnKey = `${axis.space.stage}.${axis.space.layer}.attn`
      maps = mapFor(attnKey, small.hiddenSize, large.hiddenSize, true)
      if (maps && kind === 'heads') maps = headLevel(`${attnKey}.heads`, maps.out)
    }
    if (!maps) return IDENTITY
    return axis.role === 'out' ? maps.out : maps.in
  }
}

/** Net2DeeperNet placement: small layer j at ⌊j·L2/L1⌋, identity-like copies of the layer below in between. */
export const net2netDepth: DepthMap = (_stage, i, l1, l2) => {
  let j = 0
  while (j + 1 < l1 && Math.floor(((j + 1) * l2) / l1) <= i) j++
  return { layer: j, zeroResidual: Math.floor((j * l2) / l1) !== i }
}

export function net2netPlan(small: ModelConfig, large: ModelConfig, options: Net2NetOptions): MapGrowthPlan {
  return { width: net2netWidth(small, large, options.seed, options.mapping ?? 'random'), depth: net2netDepth, seed: options.seed }
}

export const net2net: MapGrowthOperator<Net2NetOptions> = {
  kind: 'map',
  name: 'net2net',
  label: 'Net2Net: copy units with fan-in normalisation, identity-like new layers',
  paper: 'Chen, Goodfellow, Shlens, ICLR 2016 (docs/growth/baselines.md §6.4, Eq. 2 of §3.1 in LiGO)',
  grows: { depth: true, width: true },
  functionPreserving: 'approximate',
  supports: checkGrowthPair,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: Net2NetOptions): ParamMap {
    assertSupported(checkGrowthPair(small, large), 'net2net')
    return growByMaps(smallParams, small, large, net2netPlan(small, large, options))
  },
}
