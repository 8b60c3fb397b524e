/**
 * MSG (docs/growth/msg.md): with every new mask at 0 the grown model reproduces the source's outputs on every family,
 * whatever the new weights are (two seeds, random or copied new blocks, and noise on every new entry); at 1 it is the plain large model; the
 * stage ramps rise monotonically to 1 in the stage order and finish by half the run.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { FAMILY_NAMES, forward, parameterShapes, tinyInputs, type FamilyName, type GrowthMasks, type ModelConfig, type ModelInputs, type ParamMap } from '../models'
import { layerNorm } from '../models/layers/layer-norm'
import { depthPair, disposeAll, fullPair, maxAbsDiff, trainedLikeParams, widthPair } from './growth.testing'
import { msg, msgMasksAt, msgStagePlan, stageMask, uniformMasks, type MsgNewBlocks } from './msg'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** The model's outputs (logits; DeiT: both heads) on one batch. */
function outputs(config: ModelConfig, params: ParamMap, inputs: ModelInputs, growthMasks?: GrowthMasks): tf.Tensor {
  return forward(params, config, inputs, { training: false, deitHeads: 'both', growthMasks })
}

const PAIRS = { 'width ×1.5 and depth ×2': fullPair, 'depth ×2': depthPair, 'width ×1.5': widthPair } as const

/**
 * Any other new weights: N(0, 1) noise added to every new block and to every entry outside the source's leading
 * corner (the source's own entries untouched).
 */
function perturbNewParts(grown: ParamMap, small: ModelConfig, large: ModelConfig, seed: number): ParamMap {
  const smallShapes = parameterShapes(small)
  const masks = uniformMasks(small, large, 0)
  const out: ParamMap = {}
  for (const [name, t] of Object.entries(grown)) {
    const block = /^(blocks|cls_blocks)\.(\d+)\.(.+)$/.exec(name)
    const newBlock = block !== null && (block[1] === 'blocks' ? masks.blocks : masks.clsBlocks)![Number(block[2])] === 0
    const smallShape = block ? smallShapes[`${block[1]}.0.${block[3]}`] : smallShapes[name]
    out[name] = tf.tidy(() => {
      const noise = tf.randomNormal(t.shape, 0, 1, 'float32', seed + name.length)
      if (newBlock || !smallShape) return tf.add(t, noise)
      const inside = tf.pad(tf.ones(smallShape), smallShape.map((n, a) => [0, t.shape[a] - n] as [number, number]))
      return tf.add(t, tf.mul(noise, tf.sub(1, inside)))
    })
  }
  return out
}

interface Variant {
  seed: number
  newBlocks: MsgNewBlocks
  perturb: boolean
}

/** max |source − grown under masks m|, the outputs' scale, and max |masked − unmasked|, for one family and pair. */
function gapAt(family: FamilyName, pair: keyof typeof PAIRS, m: number, variant: Variant): { gap: number; scale: number; plainGap: number } {
  const { small, large } = PAIRS[pair](family)
  const smallParams = trainedLikeParams(small)
  const raw = msg.grow(smallParams, small, large, variant)
  const grown = variant.perturb ? perturbNewParts(raw, small, large, variant.seed) : raw
  if (variant.perturb) disposeAll(raw)
  const before = tf.memory().numTensors
  const result = tf.tidy(() => {
    const inputs = tinyInputs(small) as ModelInputs
    const source = outputs(small, smallParams, inputs)
    const masked = outputs(large, grown, inputs, uniformMasks(small, large, m))
    const plain = outputs(large, grown, inputs)
    return { gap: maxAbsDiff(source, masked), scale: tf.max(tf.abs(source)).dataSync()[0], plainGap: maxAbsDiff(masked, plain) }
  })
  expect(tf.memory().numTensors).toBe(before) // the masks' tensors live in the forward's scope
  disposeAll(smallParams)
  disposeAll(grown)
  return result
}

const VARIANTS: Variant[] = [
  { seed: 3, newBlocks: 'copy', perturb: false },
  { seed: 11, newBlocks: 'random', perturb: false },
  { seed: 5, newBlocks: 'copy', perturb: true },
]

describe('msg', () => {
  for (const family of FAMILY_NAMES) {
    for (const pair of Object.keys(PAIRS) as Array<keyof typeof PAIRS>) {
      it(`${family}, ${pair}: masks at 0 give the source's outputs whatever the new weights, masks at 1 the plain large model`, () => {
        for (const variant of VARIANTS) {
          const where = `${family} ${pair} ${JSON.stringify(variant)}`
          const zero = gapAt(family, pair, 0, variant)
          expect(zero.scale).toBeGreaterThan(0.01)
          expect(zero.gap, where).toBeLessThan(1e-5 * Math.max(1, zero.scale))
          // The check can fail: without the masks, the grown model with other new weights is another function.
          if (variant.perturb) expect(zero.plainGap, where).toBeGreaterThan(1e-2)
          const one = gapAt(family, pair, 1, variant)
          expect(one.plainGap, where).toBeLessThan(1e-5 * Math.max(1, one.scale))
        }
      })
    }
  }

  it("the masked LayerNorm with every unit live is the plain LayerNorm; at 0 its new units' output is 0", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 6], 0, 2, 'float32', 5)
      const [w, b] = [tf.randomNormal([6], 1, 0.1, 'float32', 6), tf.randomNormal([6], 0, 0.1, 'float32', 7)]
      expect(maxAbsDiff(layerNorm(x, w, b, 1e-5, tf.ones([6])), layerNorm(x, w, b, 1e-5))).toBeLessThan(1e-5)
      const live = tf.tensor1d([1, 1, 1, 1, 0, 0])
      const masked = layerNorm(x, w, b, 1e-5, live)
      const head = (t: tf.Tensor, n: number) => tf.slice(t, [0, 0, 0], [2, 3, n])
      const source = layerNorm(head(x, 4), tf.slice(w, [0], [4]), tf.slice(b, [0], [4]), 1e-5) // the 4 live units alone
      expect(maxAbsDiff(head(masked, 4), source)).toBeLessThan(1e-5)
      expect(tf.max(tf.abs(tf.slice(masked, [0, 0, 4], [2, 3, 2]))).dataSync()[0]).toBe(0)
    })
  })

  it('the source sits in the leading units and blocks; new parts are the family init', () => {
    const { small, large } = fullPair('gpt2')
    const smallParams = trainedLikeParams(small)
    const grown = msg.grow(smallParams, small, large, { seed: 3, newBlocks: 'copy' })
    const up = grown['blocks.0.mlp.up.weight'] // [F2, D2]
    expect(maxAbsDiff(tf.slice(up, [0, 0], [small.intermediateSize, small.hiddenSize]), smallParams['blocks.0.mlp.up.weight'])).toBe(0)
    // lemonDepthMap(2, 4): blocks 1 and 3 are new copies of source blocks 0 and 1.
    expect(maxAbsDiff(tf.slice(grown['blocks.1.attn.q.weight'], [0, 0], [small.hiddenSize, small.hiddenSize]), smallParams['blocks.0.attn.q.weight'])).toBe(0)
    expect(uniformMasks(small, large, 0).blocks).toEqual([1, 0, 1, 0])
    disposeAll(smallParams)
    disposeAll(grown)
  })

  it('ramps stage by stage in the given order, monotone, reaching 1, every mask 1 by half the run', () => {
    const { small, large } = fullPair('cait')
    const horizon = 1000
    const plan = msgStagePlan(small, large, 'ffn,heads,hidden,layers', 100, horizon)
    expect(plan.map((s) => [s.dimensions.join('+'), s.start, s.ramp])).toEqual([
      ['ffn', 0, 100],
      ['heads', 100, 100],
      ['hidden', 200, 100],
      ['layers', 300, 100],
    ])
    let previous: number[] | null = null
    let firstNull = -1
    for (let step = 0; step <= horizon; step++) {
      const masks = msgMasksAt(small, large, 'ffn,heads,hidden,layers', 100, step, horizon)
      if (masks === null && firstNull < 0) firstNull = step
      const flat = masks ? [...masks.ffn!, ...masks.heads!, ...masks.hidden!, ...masks.blocks!, ...masks.clsBlocks!] : null
      if (flat && previous) flat.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(previous![i]))
      if (flat) {
        expect(Math.min(...flat)).toBeGreaterThanOrEqual(0)
        expect(Math.max(...flat)).toBeLessThanOrEqual(1)
      }
      previous = flat
    }
    expect(firstNull).toBe(400) // the last ramp ends at 300 + 100: every mask is 1, the plain forward
    const at = (step: number) => msgMasksAt(small, large, 'ffn,heads,hidden,layers', 100, step, horizon)!
    expect(at(0).ffn!.slice(-1)[0]).toBe(0)
    expect(at(50).ffn!.slice(-1)[0]).toBe(0.5)
    expect(at(150)).toMatchObject({ ffn: Array(18).fill(1), heads: [1, 1, 0.5], hidden: [...Array(8).fill(1), 0, 0, 0, 0], blocks: [1, 0, 1, 0] })
    expect(at(350).clsBlocks).toEqual([1, 1, 0.5]) // CaiT's third class block is new
  })

  it('shortens the ramps to end by half a short run, skips dimensions the pair keeps, and refuses an order without a grown one', () => {
    const { small, large } = depthPair('bert')
    expect(msgStagePlan(small, large, 'ffn,heads,hidden,layers', 100, 60)).toEqual([{ dimensions: ['layers'], start: 0, ramp: 30 }])
    const full = fullPair('bert')
    const plan = msgStagePlan(full.small, full.large, 'all', 100, 1000)
    expect(plan).toEqual([{ dimensions: ['ffn', 'heads', 'hidden', 'layers'], start: 0, ramp: 100 }])
    expect(stageMask(plan[0], 100)).toBe(1)
    expect(() => msgStagePlan(full.small, full.large, 'ffn,heads,hidden', 100, 1000)).toThrow('`settings.msg.stages` "ffn,heads,hidden" has no stage for layers')
  })
})
