/** interpolation: a one-shot weight map (docs/growth/baselines.md). */
import { interpolation } from '../interpolation'
import type { GrowthMethod } from '../method'
import { interpolateDepth } from '../assemble'
import { mapPicture } from '../design/pictures'
import { weightMapMethod } from './one-shot'

export const interpolationMethod: GrowthMethod = weightMapMethod(interpolation, 'docs/growth/baselines.md', mapPicture({ depth: interpolateDepth, copiesUnits: true }))
