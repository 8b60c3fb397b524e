/**
 * GPT-2 (docs/formats/checkpoints.md §2.3) as a pure function of the canonical parameter map.
 * Pre-LN blocks: x += Attn(LN1(x)) with a causal mask; x += MLP(LN2(x)) with gelu_new; final LN; LM head tied to
 * embed.tok unless tieWordEmbeddings is false.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { DecoderConfig } from './config'
import { resolveAttentionImpl, type AttentionSettings } from './layers/attention'
import { makeDropout } from './layers/dropout'
import { liveUnits } from './growth-masks'
import { embedding } from './layers/embedding'
import { layerNorm } from './layers/layer-norm'
import { linear } from './layers/linear'
import { paramReader, type ParamMap } from './layers/params'
import { preLnBlock } from './layers/pre-ln-block'
import type { ForwardOptions, TextInputs } from './types'

/** Final hidden states [B, T, H] (after ln_f). */
export function decoderHidden(params: ParamMap, config: DecoderConfig, inputs: TextInputs, options: ForwardOptions): tf.Tensor {
  const ids = inputs.inputIds
  if (ids.rank !== 2) throw new Error(`gpt2 forward: inputIds must be [batch, seq], got shape [${ids.shape}]`)
  const [, length] = ids.shape
  if (length > config.maxPositions) throw new Error(`gpt2 forward: sequence length ${length} exceeds the ${config.maxPositions} positions of this model`)
  const p = paramReader(params, 'gpt2')
  const dropout = makeDropout(options.training, options.dropoutSeed)
  const settings: AttentionSettings = {
    numHeads: config.numHeads,
    impl: resolveAttentionImpl(options.attention),
    probsDropout: config.attentionDropout,
    dropout,
    causal: true, // applied inside the softmax (no [T, T] mask tensor)
    keyMask: inputs.attentionMask, // [B, T]
  }
  const live = liveUnits(options.growthMasks) // MSG's masked LayerNorms (growth-masks.ts); undefined otherwise
  const words = embedding(p('embed.tok.weight'), ids) // [B, T, H]
  const positions = tf.slice(p('embed.pos.weight'), [0, 0], [length, config.hiddenSize]) // [T, H], broadcast over B
  let x = dropout(tf.add(words, positions), config.hiddenDropout)
  for (let i = 0; i < config.numLayers; i++) {
    x = preLnBlock(p, `blocks.${i}`, x, settings, { eps: config.layerNormEps, hiddenDropout: config.hiddenDropout, activation: 'gelu_new', live })
  }
  return layerNorm(x, p('final_norm.weight'), p('final_norm.bias'), config.layerNormEps, live)
}

/** Next-token logits [B, T, V]; position t predicts token t+1. */
export function decoderForward(params: ParamMap, config: DecoderConfig, inputs: TextInputs, options: ForwardOptions): tf.Tensor {
  const p = paramReader(params, 'gpt2')
  const hidden = decoderHidden(params, config, inputs, options)
  return linear(hidden, config.tieWordEmbeddings ? p('embed.tok.weight') : p('head.lm.weight')) // [B, T, V], no bias
}
