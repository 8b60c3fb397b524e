/**
 * Preset table and parameter counts. Counts are recomputed here from closed-form formulas (written out, not
 * from the shape table) and compared with published figures.
 */
import { describe, expect, it } from 'vitest'
import { makeConfig, validateConfig, type CaiTConfig, type DecoderConfig, type EncoderConfig, type ViTConfig } from './config'
import { estimateTrainingMemory, parameterCount } from './param-count'
import { getPreset, GROWTH_PAIRS, PRESETS, PRESET_IDS } from './presets'

const linear = (out: number, inp: number) => out * inp + out
const norm = (h: number) => 2 * h
/** Post-LN or pre-LN block: q, k, v, out, two norms, MLP. */
const block = (H: number, I: number) => 4 * linear(H, H) + 2 * norm(H) + linear(I, H) + linear(H, I)

function encoderFormula(c: EncoderConfig): number {
  const { vocabSize: V, maxPositions: P, typeVocabSize: T, hiddenSize: H, intermediateSize: I, numLayers: L } = c
  const embeddings = V * H + P * H + T * H + norm(H)
  const mlmHead = linear(H, H) + norm(H) + V + (c.tieWordEmbeddings ? 0 : V * H)
  return embeddings + L * block(H, I) + (c.addPooler ? linear(H, H) : 0) + mlmHead
}
const decoderFormula = (c: DecoderConfig) => c.vocabSize * c.hiddenSize + c.maxPositions * c.hiddenSize + c.numLayers * block(c.hiddenSize, c.intermediateSize) + norm(c.hiddenSize) + (c.tieWordEmbeddings ? 0 : c.vocabSize * c.hiddenSize)
function vitFormula(c: ViTConfig): number {
  const { hiddenSize: H, patchSize: p, numChannels: C, numClasses: K } = c
  const N = (c.imageSize / p) ** 2
  const prefix = c.family === 'deit' ? 2 : 1
  const qkvBiasCorrection = c.qkvBias ? 0 : -3 * H
  return linear(H, C * p * p) + prefix * H + (N + prefix) * H + c.numLayers * (block(H, c.intermediateSize) + qkvBiasCorrection) + norm(H) + prefix * linear(K, H)
}
function caitFormula(c: CaiTConfig): number {
  const { hiddenSize: H, patchSize: p, numChannels: C, numClasses: K, numHeads: A } = c
  const N = (c.imageSize / p) ** 2
  const layerScale = 2 * H
  const sa = block(H, c.intermediateSize) + 2 * linear(A, A) + layerScale
  const ca = block(H, c.intermediateSize) + layerScale
  return linear(H, C * p * p) + H + N * H + c.numLayers * sa + c.numClassLayers * ca + norm(H) + linear(K, H)
}

describe('presets', () => {
  it('every preset validates, ids are unique, growth pairs name real presets of one family', () => {
    for (const p of PRESETS) expect(validateConfig(p.config)).toEqual(p.config)
    expect(new Set(PRESET_IDS).size).toBe(PRESETS.length)
    for (const pair of GROWTH_PAIRS) expect(getPreset(pair.from).config.family).toBe(getPreset(pair.to).config.family)
    expect(() => getPreset('bert-huge')).toThrow(/Unknown model preset "bert-huge". Expected one of: bert-small/)
  })

  it('has every paper model of docs/growth/ligo.md §5.1', () => {
    expect(PRESETS.filter((p) => p.paper).map((p) => p.label)).toEqual([
      'BERT-Small', 'BERT-Base', 'BERT-Large', 'RoBERTa-Small', 'RoBERTa-Base', 'GPT2-Base (117M)', 'GPT2-Medium (345M)', 'DeiT-S', 'DeiT-B', 'CaiT-XS24', 'CaiT-S24',
    ])
  })

  it('parameter counts equal the closed-form formulas for every preset', () => {
    for (const { id, config: c } of PRESETS) {
      const formula =
        c.family === 'bert' || c.family === 'roberta' ? encoderFormula(c) : c.family === 'gpt2' ? decoderFormula(c) : c.family === 'cait' ? caitFormula(c) : vitFormula(c as ViTConfig)
      expect(parameterCount(c), id).toBe(formula)
    }
  })

  it('parameter counts match published figures', () => {
    // BertForMaskedLM bert-base-uncased (HF): 109,514,298; BertModel with pooler: 109,482,240
    expect(parameterCount(getPreset('bert-base').config)).toBe(109_514_298)
    const bertModel = { ...(getPreset('bert-base').config as EncoderConfig), addPooler: true }
    const mlmHead = 768 * 768 + 768 + 2 * 768 + 30522
    expect(parameterCount(bertModel) - mlmHead).toBe(109_482_240)
    expect(parameterCount(getPreset('bert-large').config)).toBe(335_174_458) // BertForMaskedLM bert-large
    expect(parameterCount(getPreset('roberta-base').config)).toBe(124_697_433) // RobertaForMaskedLM roberta-base
    expect(parameterCount(getPreset('gpt2-base').config)).toBe(124_439_808) // GPT2LMHeadModel gpt2 (tied)
    expect(parameterCount(getPreset('deit-s').config)).toBe(22_050_664) // timm deit_small_patch16_224
    expect(parameterCount(getPreset('deit-b').config)).toBe(86_567_656) // timm deit_base_patch16_224
    // timm cait_xs24_384 (docs/formats/checkpoints.md §2.6): 26,670,088
    expect(parameterCount(makeConfig('cait', { ...(getPreset('cait-xs24').config as CaiTConfig), imageSize: 384 }))).toBe(26_670_088)
  })

  it('the parameter counts in the preset comments are current', async () => {
    const { readFileSync } = await import('node:fs')
    const source = readFileSync(new URL('./presets.ts', import.meta.url), 'utf8')
    for (const { id, config } of PRESETS) {
      const line = source.split('\n').find((l) => l.includes(`id: '${id}'`))
      expect(line?.match(/\/\/ ([\d,]+) params/)?.[1], id).toBe(parameterCount(config).toLocaleString('en-US'))
    }
  })
})

describe('estimateTrainingMemory', () => {
  it('counts 16 bytes per parameter for weights, gradients and AdamW, plus activations growing with the batch', () => {
    const config = getPreset('bert-mini').config
    const one = estimateTrainingMemory(config, { batchSize: 1, sequenceLength: 128 })
    const eight = estimateTrainingMemory(config, { batchSize: 8, sequenceLength: 128 })
    expect(one.weightsBytes).toBe(parameterCount(config) * 4)
    expect(one.gradientsBytes + one.optimizerBytes).toBe(3 * one.weightsBytes)
    expect(eight.activationsBytes).toBeCloseTo(8 * one.activationsBytes, 0)
    expect(eight.totalBytes).toBe(4 * eight.weightsBytes + eight.activationsBytes)
    // logits, log-softmax and their gradient over an 8000-word vocabulary dominate: ≥ 3·8000 floats per token
    expect(one.activationsBytes).toBeGreaterThan(128 * 3 * 8000 * 4)
    expect(estimateTrainingMemory(getPreset('vit-mini').config, { batchSize: 2 }).tokensPerExample).toBe(17)
  })
})
