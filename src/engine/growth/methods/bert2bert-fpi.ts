/** bert2BERT FPI: Net2Net width maps, then stacking (docs/growth/baselines.md). */
import { bert2bertFpi } from '../bert2bert'
import type { GrowthMethod } from '../method'
import { stackDepth } from '../assemble'
import { mapPicture } from '../design/pictures'
import { weightMapMethod } from './one-shot'

export const bert2bertFpiMethod: GrowthMethod = weightMapMethod(bert2bertFpi, 'docs/growth/baselines.md', mapPicture({ depth: stackDepth, copiesUnits: true }))
