/**
 * Growth masks (MSG, masked structural growth: docs/growth/msg.md): optional multipliers m ∈ [0, 1] on the units,
 * heads and blocks a grown model added to its source. With every new mask at 0 the grown model computes exactly the
 * source's function whatever the new weights are; at 1 it is the plain large model. Absent (the default) nothing
 * changes and nothing is computed.
 *
 * Where each mask acts, and why there:
 *   ffn     [F]   the FFN's intermediate activation: down(act ⊙ m) = (W_down ⊙ m)·act, so it scales W_down's columns.
 *   heads   [A]   each head's context before attn.out: it scales attn.out's columns head by head (d columns each), and
 *                 the input heads (columns) of CaiT's talking-heads maps, which would otherwise mix new heads' scores
 *                 and probabilities into the old heads.
 *   hidden  [D]   the residual stream. Every read of the stream goes through a LayerNorm (pre-LN: attn_norm, mlp_norm,
 *                 final_norm; post-LN BERT: the stream is the LayerNorm's output; BERT's MLM head normalises its own
 *                 D-wide transform), so those LayerNorms take mean and variance over the live units only,
 *                 μ = Σ mᵢxᵢ / Σ mᵢ, σ² = Σ mᵢ(xᵢ − μ)² / Σ mᵢ, and scale their output by m (layers/layer-norm.ts).
 *   blocks  [L]   per block: x ← x + m·(block(x) − x). Pre-LN blocks add their branches to the stream, so the same
 *   clsBlocks     holds branch by branch by scaling the branches' output projections (attn.out, mlp.down) by m;
 *                 post-LN blocks (BERT, RoBERTa) renormalise the stream, so the encoder blends the block's output.
 * The weight-side masks are applied to a view of the parameter map (applyGrowthMasks, the families' forward through
 * the registry), which multiplies a few weight matrices instead of activations [B, T, ·]; gradients are the same.
 */
import * as tf from '@tensorflow/tfjs-core'
import { headDim, type FamilyName, type ModelConfig } from './config'
import type { ParamMap } from './layers/params'

export interface GrowthMasks {
  /** Residual-stream units [hiddenSize]. */
  hidden?: readonly number[]
  /** FFN units [intermediateSize], every block. */
  ffn?: readonly number[]
  /** Heads [numHeads], every block. */
  heads?: readonly number[]
  /** One per block (blocks.i) [numLayers]. */
  blocks?: readonly number[]
  /** One per CaiT class-attention block (cls_blocks.j) [numClassLayers]. */
  clsBlocks?: readonly number[]
}

/** Where each family normalises the residual stream (encoder.ts post-LN; decoder, vit, cait pre-LN). */
export const NORM_PLACEMENT: Readonly<Record<FamilyName, 'pre' | 'post'>> = { bert: 'post', roberta: 'post', gpt2: 'pre', vit: 'pre', deit: 'pre', cait: 'pre' }

const allOnes = (mask: readonly number[] | undefined): boolean => mask === undefined || mask.every((m) => m === 1)

/** The live-unit weights of the stream's LayerNorms [D], or undefined when every unit is live. */
export function liveUnits(masks: GrowthMasks | undefined): tf.Tensor1D | undefined {
  return masks?.hidden && !allOnes(masks.hidden) ? tf.tensor1d(masks.hidden as number[], 'float32') : undefined
}

/** The mask of block `i` of a post-LN stack (1 when absent). */
export const blockMask = (masks: GrowthMasks | undefined, i: number): number => masks?.blocks?.[i] ?? 1

/** x ← x + m·(y − x): a post-LN block's output y blended with its input x; m = 1 is y itself. */
export function blendBlock(x: tf.Tensor, y: tf.Tensor, m: number): tf.Tensor {
  return m === 1 ? y : tf.add(x, tf.mul(tf.sub(y, x), m))
}

function checkLength(name: string, mask: readonly number[] | undefined, expected: number): void {
  if (mask !== undefined && mask.length !== expected) throw new Error(`growthMasks.${name} has ${mask.length} entries; the model has ${expected}`)
}

/**
 * The parameter map as the masks see it (the weight-side masks above): new tensors for the masked weights, the
 * others as given. Without masks, or with every mask at 1, the map itself.
 */
export function applyGrowthMasks(params: ParamMap, config: ModelConfig, masks: GrowthMasks | undefined): ParamMap {
  if (!masks) return params
  const classLayers = config.family === 'cait' ? config.numClassLayers : 0
  checkLength('hidden', masks.hidden, config.hiddenSize)
  checkLength('ffn', masks.ffn, config.intermediateSize)
  checkLength('heads', masks.heads, config.numHeads)
  checkLength('blocks', masks.blocks, config.numLayers)
  checkLength('clsBlocks', masks.clsBlocks, classLayers)
  const out: ParamMap = { ...params }
  const scale = (name: string, by: tf.Tensor | number) => {
    if (out[name]) out[name] = tf.mul(out[name], by)
  }
  const ffn = allOnes(masks.ffn) ? null : tf.tensor2d(masks.ffn as number[], [1, config.intermediateSize])
  const heads = allOnes(masks.heads) ? null : tf.tensor2d(masks.heads as number[], [1, config.numHeads])
  // Per head, d columns of attn.out: [1, A·d], head-major as the Q/K/V rows.
  const headColumns = heads ? tf.reshape(tf.tile(tf.reshape(heads, [config.numHeads, 1]), [1, headDim(config)]), [1, config.hiddenSize]) : null
  const post = NORM_PLACEMENT[config.family] === 'post'
  const stages: Array<[string, number, readonly number[] | undefined]> = [
    ['blocks', config.numLayers, masks.blocks],
    ['cls_blocks', classLayers, masks.clsBlocks],
  ]
  for (const [stage, depth, blockMasks] of stages) {
    for (let i = 0; i < depth; i++) {
      const b = `${stage}.${i}`
      if (ffn) scale(`${b}.mlp.down.weight`, ffn)
      if (headColumns) scale(`${b}.attn.out.weight`, headColumns)
      if (heads && stage === 'blocks') ['talk_pre', 'talk_post'].forEach((t) => scale(`${b}.attn.${t}.weight`, heads))
      const m = blockMasks?.[i] ?? 1
      // Pre-LN: x + m·attn(LN(x)), then + m·mlp(LN(·)). Post-LN blocks are blended in the encoder (blendBlock).
      if (m !== 1 && !post) ['attn.out.weight', 'attn.out.bias', 'mlp.down.weight', 'mlp.down.bias'].forEach((local) => scale(`${b}.${local}`, m))
    }
  }
  return out
}
