/**
 * msg (docs/growth/msg.md): the large model with the source in its leading units and blocks, new parts random
 * (or copied blocks), and masks that bring the new parts in during training, stage by stage: the trainer passes the
 * masks of each step to the forward (TrainingHooks.growthMasksAt), so training starts from the source's function.
 */
import { mapPicture } from '../design/pictures'
import { lemonDepthMap } from '../lemon'
import { msg, msgMasksAt, MSG_NEW_BLOCKS, MSG_STAGE_ORDERS, type MsgNewBlocks } from '../msg'
import { NO_GROWTH_PHASE, type GrowthMethod } from '../method'
import { operatorInfo, plainHooks } from './one-shot'

export const msgMethod: GrowthMethod = {
  ...operatorInfo(msg),
  docs: 'docs/growth/msg.md',
  schedule: 'grown',
  growthPhase: false,
  settings: [
    { name: 'rampSteps', type: 'integer', default: 100, min: 1, max: 1_000_000, help: 'Steps over which each stage\'s masks rise from 0 to 1 (shortened so every mask is 1 by half the run)' },
    { name: 'stages', type: 'choice', default: MSG_STAGE_ORDERS[0], choices: MSG_STAGE_ORDERS, help: 'The order in which the grown dimensions ramp in, one stage each (all: together)' },
    { name: 'newBlocks', type: 'choice', default: 'copy', choices: MSG_NEW_BLOCKS, help: 'New blocks copy the source block below them (MSG\'s code) or keep a random init' },
  ],
  supports: msg.supports,
  picture: mapPicture({
    depth: (_stage, i, l1, l2) => ({ layer: lemonDepthMap(l1, l2)[i].layer }),
    copiesUnits: false,
    notes: [
      "MSG: the source's units, heads and blocks come first; the new ones (random, new blocks copied by default) enter through masks that rise from 0 to 1 during training, one dimension per stage",
    ],
  }),
  async prepare(input) {
    const initialParams = msg.grow(input.smallParams, input.small, input.large, { seed: input.seed, newBlocks: input.settings.newBlocks as MsgNewBlocks })
    const notes = ['MSG preserves the function while its masks rise during training (ligo compare); this checkpoint is the plain large model, every mask at 1, so its new parts are active']
    return { initialParams, growth: { ...NO_GROWTH_PHASE }, notes }
  },
  hooks(input) {
    const { small, large, settings } = input
    const order = settings.stages as string
    const ramp = settings.rampSteps as number
    return { ...plainHooks(input), growthMasksAt: (step, horizon) => msgMasksAt(small, large, order, ramp, step, horizon) }
  },
}
