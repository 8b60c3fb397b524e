/**
 * Interpolation (Chang et al. 2017; Dong et al. 2020; docs/growth/baselines.md §6.3, LiGO Eq. 1): every small layer is
 * repeated in place, large layer l <- small layer ⌊l/k⌋ with k = L2/L1 (⌊l·L1/L2⌋ when L2 is not a multiple of
 * L1, which spreads the extra copies evenly). Depth only; to equal depth it is the identity.
 */
import type { ModelConfig, ParamMap } from '../models'
import { growByMaps, interpolateDepth, NO_WIDTH } from './assemble'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkDepthOnlyPair } from './validate-pair'

export const interpolation: MapGrowthOperator = {
  kind: 'map',
  name: 'interpolation',
  label: 'Interpolation: repeat each layer in place (layer l <- ⌊l/k⌋)',
  paper: 'Chang et al. 2017, Dong et al. 2020 (docs/growth/baselines.md §6.3)',
  grows: { depth: true, width: false },
  functionPreserving: 'no',
  supports: (small, large) => checkDepthOnlyPair(small, large, 'interpolation'),
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkDepthOnlyPair(small, large, 'interpolation'), 'interpolation')
    return growByMaps(smallParams, small, large, { width: NO_WIDTH, depth: interpolateDepth, seed: options.seed })
  },
}
