/**
 * StackBERT (Gong et al., ICML 2019; docs/growth/baselines.md §6.1, LiGO Eq. 1): large layer l <- small layer l mod L1,
 * embeddings, norms and heads copied. Depth only: the width must not change. Not function preserving (the top
 * copy re-processes the bottom stack's output); to equal depth it is the identity.
 */
import type { ModelConfig, ParamMap } from '../models'
import { growByMaps, NO_WIDTH, stackDepth } from './assemble'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkDepthOnlyPair } from './validate-pair'

export const stackbert: MapGrowthOperator = {
  kind: 'map',
  name: 'stackbert',
  label: 'StackBERT: stack the small model on itself (layer l <- l mod L1)',
  paper: 'Gong et al., ICML 2019 (docs/growth/baselines.md §6.1)',
  grows: { depth: true, width: false },
  functionPreserving: 'no',
  supports: (small, large) => checkDepthOnlyPair(small, large, 'stackbert'),
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkDepthOnlyPair(small, large, 'stackbert'), 'stackbert')
    return growByMaps(smallParams, small, large, { width: NO_WIDTH, depth: stackDepth, seed: options.seed })
  },
}
