/**
 * MSLT (docs/growth/baselines.md): new top layers copy the top layers; the large model then trains in two stages,
 * the new top layers first (the old ones run forward only and are charged so), then everything.
 */
import { frozenLayersStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import type { GrowthMethod } from '../method'
import { mapPicture } from '../design/pictures'
import { mslt, msltDepth, msltSchedule, stageAt, MSLT_DEFAULT_NEW_LAYERS_FRACTION } from '../mslt'
import { oneShotPrepare, operatorInfo, plainStepFlops } from './one-shot'

export const msltMethod: GrowthMethod = {
  ...operatorInfo(mslt),
  docs: 'docs/growth/baselines.md',
  schedule: 'grown',
  growthPhase: false,
  settings: [
    { name: 'newLayersFraction', type: 'number', default: MSLT_DEFAULT_NEW_LAYERS_FRACTION, min: 0, max: 1, help: 'Share of the budget training only the new top layers (the paper gives no number)' },
  ],
  supports: mslt.supports,
  picture: mapPicture({ depth: msltDepth, copiesUnits: true }),
  prepare: oneShotPrepare(mslt),
  hooks(input) {
    const schedule = msltSchedule(input.small, input.large, { newLayersFraction: input.settings.newLayersFraction as number })
    const plain = plainStepFlops(input.large, input)
    const frozen = frozenLayersStepFlops(flopsShapeOf(input.large, { seqLen: input.seqLen }), input.batchSize, { frozenLayers: input.small.numLayers })
    return {
      stepFlops: (step, horizon) => (stageAt(schedule, step, horizon).name === 'new-top-layers' ? frozen : plain),
      stageAt: (step, horizon) => {
        const stage = stageAt(schedule, step, horizon)
        return { name: stage.name, trainable: stage.trainable }
      },
    }
  },
}
