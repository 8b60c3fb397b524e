/**
 * G_stack (docs/growth/gstack.md): g = 1 is the identity, the whole-stack map is M∘M∘…∘M, partial patterns repeat
 * their segment, noise touches only the repeats, the planner reproduces the paper's fitted rule on its own examples.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { parameterCount, parameterShapes, tinyConfig, TINY_CONFIGS, type FamilyName } from '../models'
import { disposeAll, maxAbsDiff, trainedLikeParams } from './growth.testing'
import { stackbert } from './stackbert'
import { gstack, gstackBaseTokens, gstackDepthMap, planGStack, savingFromSpeedup, speedupFromSaving } from './gstack'
import { trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import { getGrowthMethod } from './methods'
import { resolveSettings } from './method'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const FAMILIES: FamilyName[] = ['bert', 'roberta', 'gpt2', 'vit', 'deit', 'cait']

describe('gstack', () => {
  for (const family of FAMILIES) {
    it(`${family}: g = 1 is the identity, and ×3 gives the parameter count of the deeper config`, () => {
      const small = TINY_CONFIGS[family]
      const params = trainedLikeParams(small)
      const same = gstack.grow(params, small, small, { seed: 1, noise: 0.2 })
      for (const name of Object.keys(params)) expect(maxAbsDiff(same[name], params[name]), name).toBe(0)
      const large = tinyConfig(family, { numLayers: small.numLayers * 3 })
      const grown = gstack.grow(params, small, large, { seed: 1 })
      const count = Object.values(grown).reduce((n, t) => n + t.size, 0)
      expect(count).toBe(parameterCount(large))
      expect(Object.keys(grown).sort()).toEqual(Object.keys(parameterShapes(large)).sort())
      ;[params, same, grown].forEach(disposeAll)
    })
  }

  for (const family of FAMILIES) {
    it(`${family}: on a pair that also widens, the whole-stack map without noise is StackBERT's (both widen by Net2Net's copies first)`, () => {
      const small = TINY_CONFIGS[family]
      const params = trainedLikeParams(small)
      const large = tinyConfig(family, { numLayers: small.numLayers * 2, hiddenSize: (small.hiddenSize * 3) / 2, numHeads: (small.numHeads * 3) / 2, intermediateSize: (small.intermediateSize * 3) / 2 })
      const stacked = gstack.grow(params, small, large, { seed: 5 })
      const reference = stackbert.grow(params, small, large, { seed: 5 })
      expect(Object.keys(stacked).sort()).toEqual(Object.keys(parameterShapes(large)).sort())
      for (const name of Object.keys(reference)) expect(maxAbsDiff(stacked[name], reference[name]), name).toBe(0)
      // A partial pattern keeps the same widened blocks, in another order: block 0 of the front pattern is block 0.
      const front = gstack.grow(params, small, large, { seed: 5, pattern: 'front' })
      for (const name of Object.keys(reference).filter((n) => n.startsWith('blocks.0.'))) expect(maxAbsDiff(front[name], reference[name]), name).toBe(0)
      ;[params, stacked, reference, front].forEach(disposeAll)
    })
  }

  it('repeats the whole stack, or a front/middle/back segment of ⌈L1/2⌉ blocks', () => {
    const layers = (l1: number, l2: number, p: 'all' | 'front' | 'middle' | 'back') => gstackDepthMap(l1, l2, p).map((d) => `${d.layer}${d.repeat ? '*' : ''}`).join(' ')
    expect(layers(3, 9, 'all')).toBe('0 1 2 0* 1* 2* 0* 1* 2*')
    expect(layers(4, 8, 'back')).toBe('0 1 2 3 2* 3* 2* 3*')
    expect(layers(4, 8, 'front')).toBe('0 1 0* 1* 0* 1* 2 3')
    expect(layers(6, 9, 'middle')).toBe('0 1 2 3 1* 2* 3* 4 5')
    for (const p of ['all', 'front', 'middle', 'back'] as const) expect(gstackDepthMap(5, 13, p)).toHaveLength(13)
  })

  it('blends only the repeated copies toward a fresh init', () => {
    const small = TINY_CONFIGS.gpt2
    const large = tinyConfig('gpt2', { numLayers: small.numLayers * 2 })
    const params = trainedLikeParams(small)
    const grown = gstack.grow(params, small, large, { seed: 4, noise: 0.2 })
    expect(maxAbsDiff(grown['blocks.0.attn.q.weight'], params['blocks.0.attn.q.weight'])).toBe(0)
    expect(maxAbsDiff(grown[`blocks.${small.numLayers}.attn.q.weight`], params['blocks.0.attn.q.weight'])).toBeGreaterThan(1e-3)
    ;[params, grown].forEach(disposeAll)
  })

  it("the planner reproduces the paper's rule (Llama2-7B on 2T tokens -> 11.1B, Llama3-8B on 15T -> 6.58B) and clamps it", () => {
    expect(gstackBaseTokens(7e9, 2e12) / 1e9).toBeCloseTo(11.1, 1)
    expect(gstackBaseTokens(8e9, 15e12) / 1e9).toBeCloseTo(6.58, 2)
    const desktop = planGStack({ targetParameters: 124e6, targetTokens: 1e9, maxBaseFraction: 0.1, baseLayers: 3, targetLayers: 12 })
    expect(desktop.clamped).toBe(true)
    expect(desktop.baseTokens).toBe(1e8)
    expect(desktop.gInRange).toBe(true)
    expect(planGStack({ targetParameters: 1e6, targetTokens: 1e9, maxBaseFraction: 0.1, baseLayers: 1, targetLayers: 12 }).notes[0]).toContain('g = 12 is outside')
  })

  it("converts the paper's speedup to a saving (54.6% -> 35.3%) and back", () => {
    expect(savingFromSpeedup(0.546)).toBeCloseTo(0.353, 3)
    expect(speedupFromSaving(savingFromSpeedup(0.3))).toBeCloseTo(0.3, 12)
  })

  it('charges the base model only when told its tokens', async () => {
    const method = getGrowthMethod('gstack')
    const small = TINY_CONFIGS.gpt2
    const large = tinyConfig('gpt2', { numLayers: small.numLayers * 2 })
    const params = trainedLikeParams(small)
    const free = await method.prepare({ smallParams: params, small, large, seed: 1, settings: resolveSettings(method), batchSize: 2, seqLen: 4 })
    expect(free.growth.flops).toBe(0)
    const charged = await method.prepare({ smallParams: params, small, large, seed: 1, settings: resolveSettings(method, { baseTokens: 1000 }), batchSize: 2, seqLen: 4 })
    // 1,000 tokens at the small model's training FLOPs per token (a sequence's step cost over its 4 tokens).
    expect(charged.growth.flops).toBeCloseTo((1000 * trainingStepFlops(flopsShapeOf(small, { seqLen: 4 }), 1)) / 4, 0)
    expect(charged.notes.join(' ')).toContain('1,000 training tokens are charged')
    ;[params, free.initialParams, charged.initialParams].forEach(disposeAll)
  })
})
