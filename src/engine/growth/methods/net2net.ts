/** net2net: a one-shot weight map (docs/growth/baselines.md). */
import { net2net, net2netDepth } from '../net2net'
import type { GrowthMethod } from '../method'
import { mapPicture } from '../design/pictures'
import { weightMapMethod } from './one-shot'

export const net2netMethod: GrowthMethod = weightMapMethod(
  net2net,
  'docs/growth/baselines.md',
  mapPicture({ depth: net2netDepth, copiesUnits: true, notes: ['Net2Net: inserted layers copy the layer below with their residual output set to zero (identity at initialisation)'] }),
)
