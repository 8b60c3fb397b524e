/** bert2BERT AKI: new units from the layer above, then stacking (docs/growth/baselines.md). */
import { bert2bertAki } from '../bert2bert'
import type { GrowthMethod } from '../method'
import { stackDepth } from '../assemble'
import { mapPicture } from '../design/pictures'
import { weightMapMethod } from './one-shot'

export const bert2bertAkiMethod: GrowthMethod = weightMapMethod(bert2bertAki, 'docs/growth/baselines.md', mapPicture({ depth: stackDepth, copiesUnits: true }))
