/** lemon: a one-shot, function-preserving weight map (docs/growth/lemon.md). */
import { lemon, lemonInexactness } from '../lemon'
import type { GrowthMethod } from '../method'
import { weightMapMethod } from './one-shot'

const base = weightMapMethod(lemon, 'docs/growth/lemon.md')

export const lemonMethod: GrowthMethod = {
  ...base,
  // The grown model says where it is not an exact copy of the source (LayerNorm eps, post-LN depth).
  prepare: async (input) => {
    const prepared = await base.prepare(input)
    return { ...prepared, notes: [...prepared.notes, ...lemonInexactness(input.small, input.large)] }
  },
}
