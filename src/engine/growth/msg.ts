/**
 * MSG, masked structural growth (Yao et al., ICLR 2024; docs/growth/msg.md). The large model holds the source's
 * weights in the leading rows and columns of every tensor (the source's units, heads and blocks come first) and
 * random new parts elsewhere; the new parts enter through masks m that ramp linearly 0 -> 1 over `rampSteps`
 * training steps, one dimension (stage) after the other. With every new mask at 0 the grown model computes exactly
 * the source's function whatever the new weights are (models/growth-masks.ts says where each mask acts); once every
 * mask is 1 it is the plain large model, which is the checkpoint this operator writes.
 *
 *   grow          the large parameters: source tensors embedded in the large model's family init; new blocks follow
 *                 the top source blocks (as LEMON's) and copy the block they follow (MSG's code default) or keep
 *                 their random init
 *   msgStagePlan  which dimensions grow for this pair, in the stage order, and when each one's ramp starts
 *   msgMasksAt    the masks of training step s (null once every mask is 1: the plain forward)
 */
import * as tf from '@tensorflow/tfjs-core'
import { initTensor, parameterShapes, type GrowthMasks, type ModelConfig, type ParamMap } from '../models'
import { parameterLayout, smallSourceName, stageDepth, type BlockStage } from './layout'
import { lemonDepthMap } from './lemon'
import type { GrowOptions, MapGrowthOperator, SupportResult } from './types'
import { assertSupported, checkGrowthPair, GrowthError } from './validate-pair'

/** The dimensions MSG grows, one stage each. */
export const MSG_DIMENSIONS = ['ffn', 'heads', 'hidden', 'layers'] as const
export type MsgDimension = (typeof MSG_DIMENSIONS)[number]

/**
 * Stage orders offered (a comma list of dimensions, or `all` = every mask ramps at once). The first is the default;
 * the second is the order of the paper's BERT-Base schedule (FFN, layers, hidden, heads).
 */
export const MSG_STAGE_ORDERS = ['ffn,heads,hidden,layers', 'ffn,layers,hidden,heads', 'layers,hidden,heads,ffn', 'hidden,ffn,heads,layers', 'all'] as const

export const MSG_NEW_BLOCKS = ['copy', 'random'] as const
export type MsgNewBlocks = (typeof MSG_NEW_BLOCKS)[number]

export interface MsgOptions extends GrowOptions {
  /** New blocks copy the source block they follow (default) or keep the family's random init. */
  newBlocks?: MsgNewBlocks
}

function supports(small: ModelConfig, large: ModelConfig): SupportResult {
  const common = checkGrowthPair(small, large)
  if (!common.ok) return common
  // A tied large head would replace the source's own output head: the function could not be the source's.
  if ('tieWordEmbeddings' in small && 'tieWordEmbeddings' in large && !small.tieWordEmbeddings && large.tieWordEmbeddings) {
    return { ok: false, reason: 'the source has its own output head (tieWordEmbeddings false) and the target ties it to the word embedding, so MSG could not start from the source\'s function: untie the target' }
  }
  return { ok: true }
}

const classLayers = (c: ModelConfig): number => (c.family === 'cait' ? c.numClassLayers : 0)

/** The large model's block map of a stage: which source block each block starts from, and whether it is new. */
const depthMap = (stage: BlockStage, small: ModelConfig, large: ModelConfig) =>
  stageDepth(stage, small) > 0 ? lemonDepthMap(stageDepth(stage, small), stageDepth(stage, large)) : []

/** `small` in the leading corner of `random` (same rank, every axis at least as long); new tensor. */
function embedLeading(small: tf.Tensor, random: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const padding = small.shape.map((n, a) => [0, random.shape[a] - n] as [number, number])
    const inside = tf.pad(tf.onesLike(small), padding) // 1 where the source's entry is
    return tf.add(tf.pad(small, padding), tf.mul(random, tf.sub(1, inside)))
  })
}

export const msg: MapGrowthOperator<MsgOptions> = {
  kind: 'map',
  name: 'msg',
  label: 'MSG: new units, heads and blocks enter through masks ramping 0 → 1, stage by stage (exact at mask 0)',
  paper: 'Yao et al., ICLR 2024 (docs/growth/msg.md)',
  grows: { depth: true, width: true },
  functionPreserving: 'exact',
  supports,
  grow(smallParams: ParamMap, small: ModelConfig, large: ModelConfig, options: MsgOptions): ParamMap {
    assertSupported(supports(small, large), 'msg')
    const newBlocks = options.newBlocks ?? 'copy'
    const smallNames = new Set(Object.keys(parameterShapes(small)))
    const maps: Record<BlockStage, ReturnType<typeof depthMap>> = { blocks: depthMap('blocks', small, large), cls_blocks: depthMap('cls_blocks', small, large) }
    const out: ParamMap = {}
    for (const [name, shape] of Object.entries(parameterShapes(large))) {
      const layout = parameterLayout(name, large)
      const from = layout.layer === null ? null : maps[layout.stage as BlockStage][layout.layer]
      const sourceName = from ? `${layout.stage}.${from.layer}.${layout.local}` : smallSourceName(name, small, smallNames)
      const random = initTensor(large, name, shape, options.seed)
      if (sourceName === null || (from?.newBlock && newBlocks === 'random')) {
        out[name] = random // a part only the large config has, or a new block kept random
        continue
      }
      out[name] = embedLeading(smallParams[sourceName], random)
      random.dispose()
    }
    return out
  },
}

export interface MsgStage {
  dimensions: MsgDimension[]
  /** The step its masks start to rise (they are 0 before, 1 from start + ramp on). */
  start: number
  ramp: number
}

/** The dimensions this pair grows. */
export function grownDimensions(small: ModelConfig, large: ModelConfig): Set<MsgDimension> {
  const grown = new Set<MsgDimension>()
  if (large.intermediateSize > small.intermediateSize) grown.add('ffn')
  if (large.numHeads > small.numHeads) grown.add('heads')
  if (large.hiddenSize > small.hiddenSize) grown.add('hidden')
  if (large.numLayers > small.numLayers || classLayers(large) > classLayers(small)) grown.add('layers')
  return grown
}

/**
 * The stages of a run of `horizon` steps: the grown dimensions in `order` (dimensions this pair does not grow take no
 * stage), ramps back to back from step 0. A ramp is `rampSteps` long, shortened so that every mask is 1 by half the
 * run at the latest: the last half trains the plain large model, which is what the run's checkpoint is.
 */
export function msgStagePlan(small: ModelConfig, large: ModelConfig, order: string, rampSteps: number, horizon: number): MsgStage[] {
  const grown = grownDimensions(small, large)
  const groups: MsgDimension[][] = order === 'all' ? [MSG_DIMENSIONS.filter((d) => grown.has(d))] : order.split(',').map((d) => [d as MsgDimension]).filter(([d]) => grown.has(d))
  const active = groups.filter((g) => g.length > 0)
  const staged = new Set(active.flat())
  const missing = [...grown].filter((d) => !staged.has(d))
  if (missing.length > 0) throw new GrowthError(`\`settings.msg.stages\` "${order}" has no stage for ${missing.join(', ')}, which this pair grows`)
  const ramp = Math.max(1, Math.min(rampSteps, Math.floor(horizon / (2 * Math.max(1, active.length)))))
  return active.map((dimensions, k) => ({ dimensions, start: k * ramp, ramp }))
}

/** A stage's mask at `step`: 0 until it starts, then rising by 1/ramp per step to 1. */
export const stageMask = (stage: MsgStage, step: number): number => Math.min(1, Math.max(0, (step - stage.start) / stage.ramp))

/** Mask vectors: 1 for the source's `n1` leading entries, `m` for the `n2 − n1` new ones. */
const leadingOnes = (n1: number, n2: number, m: number): number[] => Array.from({ length: n2 }, (_, i) => (i < n1 ? 1 : m))

/** The masks when dimension d's new parts stand at value(d). */
function masksOf(small: ModelConfig, large: ModelConfig, value: (d: MsgDimension) => number): GrowthMasks {
  const blockMasks = (stage: BlockStage) => depthMap(stage, small, large).map((b) => (b.newBlock ? value('layers') : 1))
  return {
    ffn: leadingOnes(small.intermediateSize, large.intermediateSize, value('ffn')),
    heads: leadingOnes(small.numHeads, large.numHeads, value('heads')),
    hidden: leadingOnes(small.hiddenSize, large.hiddenSize, value('hidden')),
    blocks: blockMasks('blocks'),
    ...(large.family === 'cait' ? { clsBlocks: blockMasks('cls_blocks') } : {}),
  }
}

/** Every new mask at `m` (0: the source's function; 1: the plain large model). */
export const uniformMasks = (small: ModelConfig, large: ModelConfig, m: number): GrowthMasks => masksOf(small, large, () => m)

/** The masks of training step `step` (of a run of `horizon` steps); null once every mask is 1. */
export function msgMasksAt(small: ModelConfig, large: ModelConfig, order: string, rampSteps: number, step: number, horizon: number): GrowthMasks | null {
  const plan = msgStagePlan(small, large, order, rampSteps, horizon)
  if (plan.every((s) => stageMask(s, step) === 1)) return null
  return masksOf(small, large, (d) => stageMask(plan.find((s) => s.dimensions.includes(d))!, step))
}
