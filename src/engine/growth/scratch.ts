/**
 * Scratch: the large model initialised by its family's own init (models/init.ts) from the seed. The baseline every
 * saving is measured against (docs/growth/accounting.md §3.3); it ignores the small model.
 */
import { getFamily, type ModelConfig, type ParamMap } from '../models'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'

export const scratch: MapGrowthOperator = {
  kind: 'map',
  name: 'scratch',
  label: 'Scratch: random initialisation of the large model',
  paper: 'baseline (docs/growth/accounting.md §3.3)',
  grows: { depth: true, width: true },
  functionPreserving: 'n/a',
  supports: checkGrowthPair,
  grow(_smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkGrowthPair(small, large), 'scratch')
    return getFamily(large.family).init(large, options.seed)
  },
}
