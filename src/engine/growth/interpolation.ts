/**
 * Interpolation (Chang et al. 2017; Dong et al. 2020; docs/growth/baselines.md §6.3, LiGO Eq. 1): every small layer is
 * repeated in place, large layer l <- small layer ⌊l/k⌋ with k = L2/L1 (⌊l·L1/L2⌋ when L2 is not a multiple of
 * L1, which spreads the extra copies evenly). A wider target is first widened by Net2Net's copies
 * (depth-baseline-width.ts); to equal size it is the identity.
 */
import type { ModelConfig, ParamMap } from '../models'
import { growByMaps, interpolateDepth } from './assemble'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'
import { depthBaselineWidth } from './depth-baseline-width'

export const interpolation: MapGrowthOperator = {
  kind: 'map',
  name: 'interpolation',
  label: 'Interpolation: repeat each layer in place (layer l <- ⌊l/k⌋); a wider target widens by Net2Net copies first',
  paper: 'Chang et al. 2017, Dong et al. 2020 (docs/growth/baselines.md §6.3)',
  grows: { depth: true, width: true },
  functionPreserving: 'no',
  supports: checkGrowthPair,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkGrowthPair(small, large), 'interpolation')
    return growByMaps(smallParams, small, large, { width: depthBaselineWidth(small, large, options.seed), depth: interpolateDepth, seed: options.seed })
  },
}
