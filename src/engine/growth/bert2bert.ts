/**
 * bert2BERT (Chen et al., ACL 2022; docs/growth/baselines.md §6.5): width first, then stack the widened model.
 *   FPI (function-preserving initialisation): Net2Net's width maps on every matrix (net2net.ts), LayerNorm γ/β
 *     copied without rescaling, so the widened model equals the small one up to the LayerNorm statistics.
 *   AKI (advanced knowledge initialisation): the same maps, but the *new* output units of layer l come from layer
 *     l+1 of the source (the top layer uses itself): breaks FPI's symmetry; not function preserving.
 *   Depth: stack the widened model (StackBERT's l mod L1), as bert2BERT does ⌊L2/L1⌋ times.
 * LiGO's tables call AKI + stacking "bert2BERT".
 */
import type { ModelConfig, ParamMap } from '../models'
import { growByMaps, stackDepth } from './assemble'
import { net2netWidth, type Net2NetOptions } from './net2net'
import type { MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'

export type Bert2BertVariant = 'fpi' | 'aki'

export function bert2bertGrow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: Net2NetOptions, variant: Bert2BertVariant): ParamMap {
  assertSupported(checkGrowthPair(small, large), `bert2bert-${variant}`)
  return growByMaps(smallParams, small, large, {
    width: net2netWidth(small, large, options.seed, options.mapping ?? 'random'),
    depth: stackDepth,
    newRowsFrom: variant === 'aki' ? (_stage, j, l1) => Math.min(j + 1, l1 - 1) : undefined,
    seed: options.seed,
  })
}

function variantOperator(variant: Bert2BertVariant): MapGrowthOperator<Net2NetOptions> {
  return {
    kind: 'map',
    name: `bert2bert-${variant}`,
    label:
      variant === 'fpi'
        ? 'bert2BERT FPI: function-preserving width copies, then stacking'
        : 'bert2BERT AKI: new units from the layer above, then stacking (LiGO\'s "bert2BERT")',
    paper: 'Chen et al., ACL 2022 (docs/growth/baselines.md §6.5)',
    grows: { depth: true, width: true },
    functionPreserving: variant === 'fpi' ? 'approximate' : 'no',
    supports: checkGrowthPair,
    grow: (smallParams, small, large, options) => bert2bertGrow(smallParams, small, large, options, variant),
  }
}

export const bert2bertFpi = variantOperator('fpi')
export const bert2bertAki = variantOperator('aki')
