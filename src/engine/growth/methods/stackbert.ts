/** stackbert: a one-shot weight map (docs/growth/baselines.md). */
import { stackbert } from '../stackbert'
import type { GrowthMethod } from '../method'
import { stackDepth } from '../assemble'
import { mapPicture } from '../design/pictures'
import { weightMapMethod } from './one-shot'

export const stackbertMethod: GrowthMethod = weightMapMethod(stackbert, 'docs/growth/baselines.md', mapPicture({ depth: stackDepth, copiesUnits: true }))
