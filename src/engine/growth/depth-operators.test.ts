/**
 * StackBERT, interpolation and MSLT: the identity at equal depth, their layer maps at depth ×2 / ×1.5, MSLT's schedule;
 * on a pair that also grows width, Net2Net's widening then the depth map (depth-baseline-width.ts).
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { FAMILY_NAMES, parameterShapes, tinyConfig, TINY_CONFIGS, type ModelConfig, type ParamMap } from '../models'
import { disposeAll, maxAbsDiff, trainedLikeParams } from './growth.testing'
import { interpolation } from './interpolation'
import { mslt, msltSchedule, stageAt } from './mslt'
import { stackbert } from './stackbert'
import { bert2bertFpi } from './bert2bert'
import { net2net } from './net2net'
import type { MapGrowthOperator } from './types'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Every large parameter equals the small parameter `source(name)` names. */
function expectCopies(grown: ParamMap, small: ParamMap, source: (name: string) => string): void {
  for (const name of Object.keys(grown)) {
    const from = source(name)
    if (maxAbsDiff(grown[name], small[from]) !== 0) throw new Error(`${name} is not a copy of ${from}`)
  }
}

const layerMap = (f: (i: number) => number) => (name: string) => name.replace(/^blocks\.(\d+)\./, (_, i) => `blocks.${f(Number(i))}.`)

const OPERATORS: Array<[string, MapGrowthOperator]> = [['stackbert', stackbert], ['interpolation', interpolation], ['mslt', mslt]]

describe('depth-only operators', () => {
  for (const [name, op] of OPERATORS)
    for (const family of FAMILY_NAMES)
      it(`${name}, ${family}: to equal depth is the identity`, () => {
        const config = TINY_CONFIGS[family]
        const params = trainedLikeParams(config)
        const grown = op.grow(params, config, config, { seed: 1 })
        expectCopies(grown, params, (n) => n)
        expect(Object.values(grown).every((t) => !Object.values(params).includes(t))).toBe(true) // copies, not aliases
        disposeAll(grown)
        disposeAll(params)
      })

  const small: ModelConfig = tinyConfig('gpt2', { numLayers: 3 })
  const cases: Array<[string, MapGrowthOperator, number, number[]]> = [
    ['stackbert', stackbert, 6, [0, 1, 2, 0, 1, 2]],
    ['interpolation', interpolation, 6, [0, 0, 1, 1, 2, 2]],
    ['mslt', mslt, 6, [0, 1, 2, 0, 1, 2]],
    ['mslt', mslt, 5, [0, 1, 2, 1, 2]], // two new layers copy the top two
    ['interpolation', interpolation, 5, [0, 0, 1, 1, 2]],
  ]
  for (const [name, op, l2, expected] of cases)
    it(`${name}: 3 -> ${l2} layers copies small layers [${expected}]`, () => {
      const params = trainedLikeParams(small)
      const large = tinyConfig('gpt2', { numLayers: l2 })
      const grown = op.grow(params, small, large, { seed: 1 })
      expectCopies(grown, params, layerMap((i) => expected[i]))
      disposeAll(grown)
      disposeAll(params)
    })
})

/** Both maps hold the same names with identical values; both are disposed. */
function expectEqualMaps(a: ParamMap, b: ParamMap): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort())
  for (const n of Object.keys(b)) expect(maxAbsDiff(a[n], b[n]), n).toBe(0)
  disposeAll(a)
  disposeAll(b)
}

describe('depth operators on a pair that also grows width', () => {
  const small: ModelConfig = tinyConfig('gpt2', { numLayers: 3 })
  // hidden 8 -> 12 keeps the head size 4 (2 -> 3 heads); FFN 12 -> 18
  const wide = { hiddenSize: 12, numHeads: 3, intermediateSize: 18 }
  const widened: ModelConfig = tinyConfig('gpt2', { numLayers: 3, ...wide })
  for (const [name, op] of OPERATORS)
    for (const l2 of [5, 6])
      it(`${name}, 3 -> ${l2} layers and wider: Net2Net's widening of the small model, then the depth map`, () => {
        const params = trainedLikeParams(small)
        const large = tinyConfig('gpt2', { numLayers: l2, ...wide })
        expect(op.supports(small, large)).toEqual({ ok: true })
        const grown = op.grow(params, small, large, { seed: 4 })
        // the same widening on its own (equal depth: Net2Net's depth map is the identity), then the depth-only map
        const wider = net2net.grow(params, small, widened, { seed: 4 })
        const expected = op.grow(wider, widened, large, { seed: 4 })
        expectEqualMaps(grown, expected)
        disposeAll(wider)
        disposeAll(params)
      })

  it("stackbert on a wider pair is bert2BERT FPI's map (same width copies, then stacking)", () => {
    const params = trainedLikeParams(small)
    const large = tinyConfig('gpt2', { numLayers: 6, ...wide })
    const grown = stackbert.grow(params, small, large, { seed: 7 })
    expectEqualMaps(grown, bert2bertFpi.grow(params, small, large, { seed: 7 }))
    disposeAll(params)
  })
})

describe('mslt schedule', () => {
  it('trains the new top blocks and what is above them first, then everything', () => {
    const small = TINY_CONFIGS.cait
    const large = tinyConfig('cait', { numLayers: 4 })
    const schedule = msltSchedule(small, large, { newLayersFraction: 0.25 })
    const all = Object.keys(parameterShapes(large))
    const [first, second] = schedule.stages
    expect(first.trainable.some((n) => n.startsWith('blocks.1.'))).toBe(false)
    expect(first.trainable.filter((n) => n.startsWith('blocks.')).every((n) => /^blocks\.[23]\./.test(n))).toBe(true)
    expect(first.trainable).toContain('cls_blocks.0.attn.q.weight')
    expect(first.trainable).toContain('head.cls.weight')
    expect(first.frozen).toContain('embed.patch.weight')
    expect(first.frozen).toContain('blocks.0.mlp.up.weight')
    expect([...first.trainable, ...first.frozen].sort()).toEqual([...all].sort())
    expect(second.trainable.sort()).toEqual([...all].sort())
    expect(stageAt(schedule, 0, 100).name).toBe('new-top-layers')
    expect(stageAt(schedule, 24, 100).name).toBe('new-top-layers')
    expect(stageAt(schedule, 25, 100).name).toBe('all-layers')
    expect(stageAt(schedule, 100, 100).name).toBe('all-layers')
    expect(() => msltSchedule(small, large, { newLayersFraction: 2 })).toThrow('mslt schedule: newLayersFraction must be in [0, 1], got 2')
  })
})
