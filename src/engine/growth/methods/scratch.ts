/** Scratch: the baseline every saving is measured against (docs/growth/accounting.md). */
import { scratch } from '../scratch'
import type { GrowthMethod } from '../method'
import { oneShotPrepare, operatorInfo, plainHooks } from './one-shot'

export const scratchMethod: GrowthMethod = {
  ...operatorInfo(scratch),
  docs: 'docs/growth/accounting.md',
  schedule: 'scratch',
  growthPhase: false,
  settings: [],
  supports: scratch.supports,
  prepare: oneShotPrepare(scratch),
  hooks: plainHooks,
}
