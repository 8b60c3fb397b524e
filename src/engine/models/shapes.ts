/**
 * Every parameter of a model, by canonical name (docs/formats/checkpoints.md §5.1), with its shape.
 * The one table that init, parameter counts, growth operators and checkpoint mappers read.
 * Linear weights are [out, in]; q, k, v separate; tokens squeezed to [H]; indices zero-based.
 */
import { numPatches, prefixTokens, type CaiTConfig, type DecoderConfig, type EncoderConfig, type ModelConfig, type ViTConfig } from './config'

export type ShapeTable = Record<string, number[]>

function addLinear(t: ShapeTable, name: string, out: number, inp: number, bias = true): void {
  t[`${name}.weight`] = [out, inp]
  if (bias) t[`${name}.bias`] = [out]
}

function addNorm(t: ShapeTable, name: string, h: number): void {
  t[`${name}.weight`] = [h]
  t[`${name}.bias`] = [h]
}

/** One transformer block's parameters under `prefix` (blocks.{i} or cls_blocks.{j}). */
function addBlock(t: ShapeTable, prefix: string, c: ModelConfig, options: { qkvBias: boolean; talkingHeads: boolean; layerScale: boolean }): void {
  const H = c.hiddenSize
  addNorm(t, `${prefix}.attn_norm`, H)
  for (const part of ['q', 'k', 'v']) addLinear(t, `${prefix}.attn.${part}`, H, H, options.qkvBias)
  if (options.talkingHeads) {
    addLinear(t, `${prefix}.attn.talk_pre`, c.numHeads, c.numHeads)
    addLinear(t, `${prefix}.attn.talk_post`, c.numHeads, c.numHeads)
  }
  addLinear(t, `${prefix}.attn.out`, H, H)
  if (options.layerScale) t[`${prefix}.attn_scale`] = [H]
  addNorm(t, `${prefix}.mlp_norm`, H)
  addLinear(t, `${prefix}.mlp.up`, c.intermediateSize, H)
  addLinear(t, `${prefix}.mlp.down`, H, c.intermediateSize)
  if (options.layerScale) t[`${prefix}.mlp_scale`] = [H]
}

function encoderShapes(c: EncoderConfig): ShapeTable {
  const H = c.hiddenSize
  const t: ShapeTable = {
    'embed.tok.weight': [c.vocabSize, H],
    'embed.pos.weight': [c.maxPositions, H],
    'embed.type.weight': [c.typeVocabSize, H],
  }
  addNorm(t, 'embed.norm', H)
  for (let i = 0; i < c.numLayers; i++) addBlock(t, `blocks.${i}`, c, { qkvBias: true, talkingHeads: false, layerScale: false })
  if (c.addPooler) addLinear(t, 'pooler', H, H)
  addLinear(t, 'head.mlm.dense', H, H)
  addNorm(t, 'head.mlm.norm', H)
  t['head.mlm.bias'] = [c.vocabSize]
  if (!c.tieWordEmbeddings) t['head.lm.weight'] = [c.vocabSize, H]
  return t
}

function decoderShapes(c: DecoderConfig): ShapeTable {
  const H = c.hiddenSize
  const t: ShapeTable = { 'embed.tok.weight': [c.vocabSize, H], 'embed.pos.weight': [c.maxPositions, H] }
  for (let i = 0; i < c.numLayers; i++) addBlock(t, `blocks.${i}`, c, { qkvBias: true, talkingHeads: false, layerScale: false })
  addNorm(t, 'final_norm', H)
  if (!c.tieWordEmbeddings) t['head.lm.weight'] = [c.vocabSize, H]
  return t
}

function patchEmbedShapes(t: ShapeTable, c: ViTConfig | CaiTConfig): void {
  t['embed.patch.weight'] = [c.hiddenSize, c.numChannels, c.patchSize, c.patchSize]
  t['embed.patch.bias'] = [c.hiddenSize]
  t['embed.cls'] = [c.hiddenSize]
}

function vitShapes(c: ViTConfig): ShapeTable {
  const H = c.hiddenSize
  const t: ShapeTable = {}
  patchEmbedShapes(t, c)
  if (c.family === 'deit') t['embed.dist'] = [H]
  t['embed.pos.weight'] = [numPatches(c) + prefixTokens(c), H]
  for (let i = 0; i < c.numLayers; i++) addBlock(t, `blocks.${i}`, c, { qkvBias: c.qkvBias, talkingHeads: false, layerScale: false })
  addNorm(t, 'final_norm', H)
  addLinear(t, 'head.cls', c.numClasses, H)
  if (c.family === 'deit') addLinear(t, 'head.dist', c.numClasses, H)
  return t
}

function caitShapes(c: CaiTConfig): ShapeTable {
  const H = c.hiddenSize
  const t: ShapeTable = {}
  patchEmbedShapes(t, c)
  t['embed.pos.weight'] = [numPatches(c), H] // no CLS row: CLS joins only at the class-attention stage
  for (let i = 0; i < c.numLayers; i++) addBlock(t, `blocks.${i}`, c, { qkvBias: c.qkvBias, talkingHeads: true, layerScale: true })
  for (let j = 0; j < c.numClassLayers; j++) addBlock(t, `cls_blocks.${j}`, c, { qkvBias: c.qkvBias, talkingHeads: false, layerScale: true })
  addNorm(t, 'final_norm', H)
  addLinear(t, 'head.cls', c.numClasses, H)
  return t
}

/** Canonical name -> shape for every trainable parameter of the model the config describes. */
export function parameterShapes(c: ModelConfig): ShapeTable {
  switch (c.family) {
    case 'bert':
    case 'roberta':
      return encoderShapes(c)
    case 'gpt2':
      return decoderShapes(c)
    case 'vit':
    case 'deit':
      return vitShapes(c)
    case 'cait':
      return caitShapes(c)
  }
}
