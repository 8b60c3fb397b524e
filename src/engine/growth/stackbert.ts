/**
 * StackBERT (Gong et al., ICML 2019; docs/growth/baselines.md §6.1, LiGO Eq. 1): large layer l <- small layer l mod L1,
 * embeddings, norms and heads copied. A wider target is first widened by Net2Net's copies (depth-baseline-width.ts). Not function preserving (the top
 * copy re-processes the bottom stack's output); to equal depth it is the identity.
 */
import type { ModelConfig, ParamMap } from '../models'
import { growByMaps, stackDepth } from './assemble'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'
import { depthBaselineWidth } from './depth-baseline-width'

export const stackbert: MapGrowthOperator = {
  kind: 'map',
  name: 'stackbert',
  label: 'StackBERT: stack the small model on itself (layer l <- l mod L1); a wider target widens by Net2Net copies first',
  paper: 'Gong et al., ICML 2019 (docs/growth/baselines.md §6.1)',
  grows: { depth: true, width: true },
  functionPreserving: 'no',
  supports: checkGrowthPair,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkGrowthPair(small, large), 'stackbert')
    return growByMaps(smallParams, small, large, { width: depthBaselineWidth(small, large, options.seed), depth: stackDepth, seed: options.seed })
  },
}
