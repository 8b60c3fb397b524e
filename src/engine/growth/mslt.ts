/**
 * MSLT / "Progressively Stacking 2.0" (Yang et al. 2020; docs/growth/baselines.md §6.2), as one growth event from the small
 * model to the large one:
 *   depth map: layers 0..L1-1 keep their place; the new top layers are copies of the current top layers
 *     (new layer i <- small layer L1-1-((L2-1-i) mod L1), i.e. adding L1 layers stacks the whole model, adding
 *     n < L1 layers copies the top n in order). A wider target is first widened by Net2Net's copies
 *     (depth-baseline-width.ts).
 *   schedule (the trainer follows it): stage 1 trains only the new top blocks plus everything above them (CaiT's
 *     class-attention blocks, final norm, pooler, heads) while the embeddings and the old blocks are frozen
 *     (forward only: their forward FLOPs are still charged, the paper's accounting); stage 2 trains everything.
 */
import { parameterShapes, type ModelConfig, type ParamMap } from '../models'
import { growByMaps, type DepthMap } from './assemble'
import { parameterLayout } from './layout'
import type { GrowOptions, MapGrowthOperator } from './types'
import { assertSupported, checkGrowthPair } from './validate-pair'
import { depthBaselineWidth } from './depth-baseline-width'

/** New top layers copy the current top layers; the old layers keep their place. */
export const msltDepth: DepthMap = (_stage, i, l1, l2) => (i < l1 ? { layer: i } : { layer: l1 - 1 - ((l2 - 1 - i) % l1) })

export interface TrainingStage {
  name: 'new-top-layers' | 'all-layers'
  /** The stage covers steps [startFraction, endFraction) of the grown model's training budget. */
  startFraction: number
  endFraction: number
  /** Large parameter names that get gradients and optimizer updates in this stage. */
  trainable: string[]
  /** Large parameter names that run forward only. */
  frozen: string[]
  description: string
}

export interface StageSchedule {
  method: 'mslt'
  stages: TrainingStage[]
}

export interface MsltScheduleOptions {
  /** Share of the budget spent training only the new top layers (default 0.5; the paper gives no number). */
  newLayersFraction?: number
}

export const MSLT_DEFAULT_NEW_LAYERS_FRACTION = 0.5

/** Which large parameters train in which stage. */
export function msltSchedule(small: ModelConfig, large: ModelConfig, options: MsltScheduleOptions = {}): StageSchedule {
  const fraction = options.newLayersFraction ?? MSLT_DEFAULT_NEW_LAYERS_FRACTION
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`mslt schedule: newLayersFraction must be in [0, 1], got ${fraction}`)
  const names = Object.keys(parameterShapes(large))
  const isOld = (name: string) => {
    const layout = parameterLayout(name, large)
    return layout.stage === 'embed' || (layout.stage === 'blocks' && (layout.layer as number) < small.numLayers)
  }
  const frozen = names.filter(isOld)
  const top = names.filter((n) => !isOld(n))
  return {
    method: 'mslt',
    stages: [
      { name: 'new-top-layers', startFraction: 0, endFraction: fraction, trainable: top, frozen, description: `train blocks ${small.numLayers}..${large.numLayers - 1} and the layers above them; embeddings and blocks 0..${small.numLayers - 1} frozen` },
      { name: 'all-layers', startFraction: fraction, endFraction: 1, trainable: names, frozen: [], description: 'train every parameter' },
    ],
  }
}

/** The stage active at `step` of `totalSteps`. */
export function stageAt(schedule: StageSchedule, step: number, totalSteps: number): TrainingStage {
  const f = totalSteps > 0 ? step / totalSteps : 1
  return schedule.stages.find((s) => f >= s.startFraction && f < s.endFraction) ?? schedule.stages[schedule.stages.length - 1]
}

export const mslt: MapGrowthOperator & { schedule: typeof msltSchedule } = {
  kind: 'map',
  name: 'mslt',
  label: 'MSLT: stack new top layers, train them first, then all layers; a wider target widens by Net2Net copies first',
  paper: 'Yang et al. 2020, "Progressively Stacking 2.0" (docs/growth/baselines.md §6.2)',
  grows: { depth: true, width: true },
  functionPreserving: 'no',
  supports: checkGrowthPair,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: GrowOptions): ParamMap {
    assertSupported(checkGrowthPair(small, large), 'mslt')
    return growByMaps(smallParams, small, large, { width: depthBaselineWidth(small, large, options.seed), depth: msltDepth, seed: options.seed })
  },
  schedule: msltSchedule,
}
