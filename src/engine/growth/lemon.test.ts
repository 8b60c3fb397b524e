/**
 * LEMON (docs/growth/lemon.md): the grown model reproduces the source's outputs on every family where LEMON claims
 * exactness (pre-LN at any width and depth; post-LN at whole-factor widths and equal depth), its copies of a unit
 * differ (symmetry broken), and the refusals say why.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { forward, parameterShapes, tinyConfig, tinyInputs, TINY_CONFIGS, type FamilyName, type ModelConfig, type ModelInputs } from '../models'
import { disposeAll, maxAbsDiff, trainedLikeParams } from './growth.testing'
import { lemon, lemonDepthMap, lemonInexactness, lemonLayerNormEps } from './lemon'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const EVAL = { training: false } as const

/** The model's outputs (logits; DeiT: both heads) as one tensor. */
function outputs(config: ModelConfig, params: Parameters<typeof forward>[0], inputs: ModelInputs): tf.Tensor {
  const out = forward(params, config, inputs, EVAL) as unknown
  if (out instanceof tf.Tensor) return out
  const parts = Object.values(out as Record<string, tf.Tensor>).filter((t) => t instanceof tf.Tensor)
  return tf.concat(parts.map((t) => tf.reshape(t, [-1])))
}

/** Grow small -> large with LEMON (large's eps set as LEMON needs it) and compare outputs on one batch. */
function growthGap(small: ModelConfig, largeSizes: Partial<ModelConfig>): { gap: number; scale: number; large: ModelConfig } {
  const large0 = { ...small, ...largeSizes } as ModelConfig
  const large = { ...large0, layerNormEps: lemonLayerNormEps(small, large0) } as ModelConfig
  const smallParams = trainedLikeParams(small)
  const grown = lemon.grow(smallParams, small, large, { seed: 3 })
  const inputs = tinyInputs(small) as ModelInputs
  const a = outputs(small, smallParams, inputs)
  const b = outputs(large, grown, inputs)
  const gap = maxAbsDiff(a, b)
  const scale = tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0])
  ;[a, b].forEach((t) => t.dispose())
  disposeAll(smallParams)
  disposeAll(grown)
  return { gap, scale, large }
}

const PRE_LN: FamilyName[] = ['gpt2', 'vit', 'deit', 'cait']

describe('lemon', () => {
  it('keeps source blocks in place and puts the new blocks after the top ones (2·L1 − L2 map 1:1)', () => {
    const layers = (l1: number, l2: number) => lemonDepthMap(l1, l2).map((d) => `${d.layer}${d.newBlock ? "'" : ''}`)
    expect(layers(2, 4)).toEqual(['0', "0'", '1', "1'"])
    expect(layers(4, 6)).toEqual(['0', '1', '2', "2'", '3', "3'"])
    expect(layers(3, 3)).toEqual(['0', '1', '2'])
    expect(layers(2, 7)).toEqual(['0', "0'", "0'", '1', "1'", "1'", "1'"])
  })

  for (const family of PRE_LN) {
    it(`${family}: the grown model computes the source's function (width ×1.5, non-divisible, and depth ×2)`, () => {
      const small = TINY_CONFIGS[family]
      const extra = family === 'cait' ? { numClassLayers: (small as { numClassLayers: number }).numClassLayers + 1 } : {}
      // H 8 -> 12 (k = 1, residue 4), heads 2 -> 3 at head size 4, FFN 12 -> 18 (uneven copy counts).
      const { gap, scale } = growthGap(small, { numLayers: small.numLayers * 2, hiddenSize: 12, numHeads: 3, intermediateSize: 18, ...extra } as Partial<ModelConfig>)
      expect(scale).toBeGreaterThan(0.01)
      expect(gap).toBeLessThan(1e-5 * Math.max(1, scale))
    })

    it(`${family}: exact at a whole-factor width (H 8 -> 16, k = 2) too`, () => {
      const small = TINY_CONFIGS[family]
      const { gap, scale } = growthGap(small, { hiddenSize: 16, numHeads: 4, intermediateSize: 24 } as Partial<ModelConfig>)
      expect(gap).toBeLessThan(1e-5 * Math.max(1, scale))
    })
  }

  for (const family of ['bert', 'roberta'] as const) {
    it(`${family} (post-LN): exact when the width grows by a whole factor at equal depth`, () => {
      const small = TINY_CONFIGS[family]
      const { gap, scale } = growthGap(small, { hiddenSize: 16, numHeads: 4, intermediateSize: 18 } as Partial<ModelConfig>)
      expect(scale).toBeGreaterThan(0.01)
      expect(gap).toBeLessThan(1e-5 * Math.max(1, scale))
    })

    it(`${family} (post-LN): refuses a width that is no multiple, and notes that new blocks are approximate`, () => {
      const small = TINY_CONFIGS[family]
      const support = lemon.supports(small, tinyConfig(family, { hiddenSize: 12, numHeads: 3 }))
      expect(support).toEqual({ ok: false, reason: expect.stringContaining('12 is no multiple of 8') })
      const deeper = tinyConfig(family, { numLayers: small.numLayers * 2 })
      expect(lemonInexactness(small, deeper).join(' ')).toContain('post-LN')
    })
  }

  it('gives every parameter of the large config its shape, and breaks the symmetry between copies', () => {
    const small = TINY_CONFIGS.gpt2
    const large = tinyConfig('gpt2', { hiddenSize: 16, numHeads: 4, intermediateSize: 24 })
    const smallParams = trainedLikeParams(small)
    const grown = lemon.grow(smallParams, small, large, { seed: 1 })
    const shapes = parameterShapes(large)
    expect(Object.keys(grown).sort()).toEqual(Object.keys(shapes).sort())
    for (const [name, shape] of Object.entries(shapes)) expect(grown[name].shape, name).toEqual(shape)
    // Q's two copies of input column 0 (columns 0 and 8) differ, but sum to the source's column.
    const q = grown['blocks.0.attn.q.weight'].arraySync() as number[][]
    const q0 = smallParams['blocks.0.attn.q.weight'].arraySync() as number[][]
    expect(Math.abs(q[0][0] - q[0][8])).toBeGreaterThan(1e-4)
    expect(q[0][0] + q[0][8]).toBeCloseTo(q0[0][0], 5)
    disposeAll(smallParams)
    disposeAll(grown)
  })

  it('says when the target keeps a LayerNorm epsilon that makes it inexact', () => {
    const small = TINY_CONFIGS.vit
    const large = tinyConfig('vit', { hiddenSize: 12, numHeads: 3 })
    expect(lemonLayerNormEps(small, large)).toBeCloseTo((small.layerNormEps * 8) / 12, 15)
    expect(lemonInexactness(small, large).join(' ')).toContain('layerNormEps')
    expect(lemonInexactness(small, { ...large, layerNormEps: lemonLayerNormEps(small, large) })).toEqual([])
  })
})
