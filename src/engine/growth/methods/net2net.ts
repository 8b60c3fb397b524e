/** net2net: a one-shot weight map (docs/growth/baselines.md). */
import { net2net } from '../net2net'
import type { GrowthMethod } from '../method'
import { weightMapMethod } from './one-shot'

export const net2netMethod: GrowthMethod = weightMapMethod(net2net, 'docs/growth/baselines.md')
