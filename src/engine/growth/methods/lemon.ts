/** lemon: a one-shot, function-preserving weight map (docs/growth/lemon.md). */
import { mapPicture } from '../design/pictures'
import { lemon, lemonDepthMap, lemonInexactness, lemonLayerNormEps } from '../lemon'
import type { GrowthMethod } from '../method'
import { weightMapMethod } from './one-shot'

const base = weightMapMethod(
  lemon,
  'docs/growth/lemon.md',
  mapPicture({
    depth: (_stage, i, l1, l2) => ({ layer: lemonDepthMap(l1, l2)[i].layer }),
    copiesUnits: false,
    notes: ['LEMON: each new block copies the source block below it with zero residual outputs, so it adds 0 to the stream'],
  }),
)

export const lemonMethod: GrowthMethod = {
  ...base,
  // LEMON is exact only with the target's LayerNorm eps scaled by k·D1/D2 (pre-LN): the grown config carries it.
  targetConfig: (small, large) => ({ ...large, layerNormEps: lemonLayerNormEps(small, large) }),
  // The grown model says where it is not an exact copy of the source (post-LN depth; an eps set by hand).
  prepare: async (input) => {
    const prepared = await base.prepare(input)
    return { ...prepared, notes: [...prepared.notes, ...lemonInexactness(input.small, input.large)] }
  },
}
