import { describe, expect, it } from 'vitest'
import { getPreset, PRESETS } from '../models/presets'
import { formatFlops, ligoGrowthStepFlops, trainingFlops, trainingStepFlops } from './flops'
import { flopsShapeOf } from './model-flops'

const shape = (id: string, seqLen?: number) => flopsShapeOf(getPreset(id).config, { seqLen })

describe('flopsShapeOf', () => {
  it('reproduces the paper figures from the presets (docs/growth/accounting.md §3.3)', () => {
    expect(formatFlops(trainingStepFlops(shape('bert-base', 128), 256))).toBe('15.07 TFLOP')
    expect(formatFlops(100 * ligoGrowthStepFlops(shape('bert-small', 128), shape('bert-base', 128), 256), { style: 'scientific' })).toBe('3.61e15 FLOP')
    expect(formatFlops(10_000 * ligoGrowthStepFlops(shape('bert-small', 128), shape('bert-base', 128), 256), { style: 'scientific' })).toBe('3.61e17 FLOP')
    expect(formatFlops(trainingFlops(shape('bert-base', 128), 256, 400_000), { style: 'scientific' })).toBe('6.03e18 FLOP')
  })

  it('maps every preset (family, sizes, DeiT prefix tokens, CaiT class-attention blocks)', () => {
    for (const preset of PRESETS) expect(trainingStepFlops(flopsShapeOf(preset.config, { seqLen: 64 }), 2), preset.id).toBeGreaterThan(0)
    expect(shape('deit-mini')).toMatchObject({ family: 'vit', prefixTokens: 2, imageSize: 28, patchSize: 7, channels: 1, numClasses: 10 })
    expect(shape('vit-mini')).toMatchObject({ prefixTokens: 1 })
    expect(shape('cait-mini')).toMatchObject({ family: 'cait', classAttentionLayers: 2, layers: 4 })
    expect(shape('gpt2-mini')).toMatchObject({ family: 'decoder', vocab: 8000, seqLen: 128 })
    expect(shape('roberta-base')).toMatchObject({ family: 'encoder', seqLen: 512 })
    expect(() => shape('bert-mini', 0)).toThrow('sequence length must be an integer >= 1, got 0')
  })
})
