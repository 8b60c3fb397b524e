/**
 * The width map of the depth-only baselines (StackBERT, interpolation, MSLT) on a pair that also grows width
 * (issue 14: every baseline has a row on every pair): Net2Net's function-preserving copies with fan-in
 * normalisation (net2net.ts; bert2BERT's FPI width), applied to every small layer before the depth map, as bert2BERT
 * pairs its width map with stacking (docs/growth/baselines.md §6.5). On equal widths every space maps to itself, so
 * the depth-only operators are unchanged there. StackBERT with this map is bert2BERT FPI's map.
 */
import type { ModelConfig } from '../models'
import type { Expansion } from './expansion'
import type { AxisRole } from './layout'
import { net2netWidth } from './net2net'

export const depthBaselineWidth = (small: ModelConfig, large: ModelConfig, seed: number): ((axis: AxisRole) => Expansion) => net2netWidth(small, large, seed, 'random')
