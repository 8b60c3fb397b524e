/**
 * LiGO: Prop. 1 (one-hot depth + [I; 0] width = StackBERT / interpolation), gradients reach every coefficient and
 * never the small weights, coefficient counts of docs/growth/ligo.md §1.7, init rules, export/load, a few training steps.
 * What the materialised weights are, module by module, is checked against a hand-built reference in ligo-tying.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { FAMILY_NAMES, forward, getFamily, getPreset, parameterShapes, tinyInputs, type ModelConfig, type ModelInputs, type ParamMap } from '../models'
import { depthPair, disposeAll, fullPair, maxAbsDiff, trainedLikeParams } from './growth.testing'
import { interpolation } from './interpolation'
import { createLigoOperator, ligo, type LigoOptions } from './ligo'
import { ligoCoefficientCounts, ligoCoefficientTable } from './ligo-coefficients'
import { net2net } from './net2net'
import { stackbert } from './stackbert'
import type { LigoParameterization } from './types'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const PARAMETERIZATIONS: LigoParameterization[] = ['official', 'paper']
const ONE_HOT = { depthNoise: 0, widthInit: 'zero' } as const

function expectSameParams(a: ParamMap, b: ParamMap, tolerance = 1e-6): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort())
  for (const name of Object.keys(a)) {
    const diff = maxAbsDiff(a[name], b[name])
    if (diff > tolerance) throw new Error(`${name} differs by ${diff}`)
  }
}

/** Targets for the family's loss on tinyInputs. */
function lossOf(config: ModelConfig, params: ParamMap, inputs: ModelInputs): tf.Scalar {
  const family = getFamily(config.family)
  const logits = family.forward(params, config, inputs, { training: false })
  const labels = 'inputIds' in inputs ? inputs.inputIds : tf.tensor1d([0, 1], 'int32')
  return family.loss(logits, { labels })
}

describe('ligo: Prop. 1 (docs/growth/ligo.md §1.8)', () => {
  for (const p of PARAMETERIZATIONS)
    for (const family of FAMILY_NAMES) {
      it(`${p}, ${family}: one-hot depth and [I; 0] width equal StackBERT, interpolation and Net2Net's identity blocks (depth ×2)`, () => {
        const { small, large } = depthPair(family)
        const params = trainedLikeParams(small)
        for (const [depthInit, plain] of [['stack', stackbert], ['interpolate', interpolation], ['net2net', net2net]] as const) {
          const grown = ligo.grow(params, small, large, { seed: 1, parameterization: p, depthInit, ...ONE_HOT })
          const reference = plain.grow(params, small, large, { seed: 1 })
          expectSameParams(grown, reference)
          disposeAll(grown)
          disposeAll(reference)
        }
        disposeAll(params)
      })
    }

  for (const p of PARAMETERIZATIONS)
    it(`${p}: with width growth, [I; 0] gives the stacked small weights in the old block and zeros elsewhere`, () => {
      const { small, large } = fullPair('cait')
      const params = trainedLikeParams(small)
      const grown = ligo.grow(params, small, large, { seed: 1, parameterization: p, ...ONE_HOT })
      const shapes = parameterShapes(small)
      tf.tidy(() => {
        for (const name of Object.keys(grown)) {
          const block = /^(blocks|cls_blocks)\.(\d+)\.(.+)$/.exec(name)
          const l1 = block?.[1] === 'cls_blocks' ? 2 : small.numLayers
          const sourceName = block ? `${block[1]}.${Number(block[2]) % l1}.${block[3]}` : name
          const source = params[sourceName]
          const oldBlock = tf.slice(grown[name], source.shape.map(() => 0), shapes[sourceName])
          if (maxAbsDiff(oldBlock, source) > 1e-6) throw new Error(`${name}: old block differs from ${sourceName}`)
          const total = tf.sum(tf.abs(grown[name])).dataSync()[0]
          const kept = tf.sum(tf.abs(source)).dataSync()[0]
          if (Math.abs(total - kept) > 1e-3) throw new Error(`${name}: new entries are not zero`)
        }
      })
      disposeAll(grown)
      disposeAll(params)
    })
})

describe('ligo: gradients', () => {
  for (const p of PARAMETERIZATIONS)
    for (const family of ['bert', 'gpt2', 'deit', 'cait'] as const) {
      it(`${p}, ${family}: every coefficient gets a non-zero gradient, the small weights none`, () => {
        const { small, large } = fullPair(family)
        const plain = trainedLikeParams(small)
        const smallVars: Record<string, tf.Variable> = {}
        for (const [name, t] of Object.entries(plain)) smallVars[name] = tf.variable(t, true, `small-${p}-${family}-${name}`)
        const op = createLigoOperator(smallVars, small, large, { seed: 2, parameterization: p })
        const inputs = tinyInputs(large) as ModelInputs
        // variableGrads over *all* trainable variables: the small ones would show up if any gradient reached them
        const { value, grads } = tf.variableGrads(() => lossOf(large, op.materialize(), inputs))
        expect(Object.keys(grads).sort()).toEqual(op.trainableVariables().map((v) => v.name).sort())
        const dead = Object.entries(grads).filter(([, g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) === 0).map(([n]) => n)
        expect(dead).toEqual([])
        expect(op.trainableVariables().length).toBe(ligoCoefficientTable(small, large, p).length)
        value.dispose()
        Object.values(grads).forEach((g) => g.dispose())
        Object.values(inputs).forEach((t) => (t as tf.Tensor).dispose())
        op.dispose()
        Object.values(smallVars).forEach((v) => v.dispose())
        disposeAll(plain)
      })
    }

  it('a few Adam steps on the operator lower the large model\'s loss', () => {
    const { small, large } = fullPair('bert')
    const params = trainedLikeParams(small)
    const op = createLigoOperator(params, small, large, { seed: 3 })
    const inputs = tinyInputs(large) as ModelInputs
    const optimizer = tf.train.adam(0.01)
    const losses: number[] = []
    for (let step = 0; step < 8; step++) {
      const loss = optimizer.minimize(() => lossOf(large, op.materialize(), inputs), true, op.trainableVariables()) as tf.Scalar
      losses.push(loss.dataSync()[0])
      loss.dispose()
    }
    expect(losses[7]).toBeLessThan(losses[0])
    const grown = op.materializeKept()
    tf.tidy(() => {
      expect(lossOf(large, grown, inputs).dataSync()[0]).toBeLessThan(losses[0])
    })
    disposeAll(grown)
    optimizer.dispose()
    Object.values(inputs).forEach((t) => (t as tf.Tensor).dispose())
    op.dispose()
    disposeAll(params)
  })

  it('create, gradient steps, materializeKept and dispose leak no tensor', () => {
    const { small, large } = fullPair('cait')
    const params = trainedLikeParams(small)
    const inputs = tinyInputs(large) as ModelInputs
    const before = tf.memory().numTensors
    for (const parameterization of PARAMETERIZATIONS) {
      const op = createLigoOperator(params, small, large, { seed: 3, parameterization })
      for (let step = 0; step < 2; step++) {
        const { value, grads } = tf.variableGrads(() => lossOf(large, op.materialize(), inputs), op.trainableVariables())
        value.dispose()
        Object.values(grads).forEach((g) => g.dispose())
      }
      disposeAll(op.materializeKept())
      op.dispose()
    }
    expect(tf.memory().numTensors).toBe(before)
    Object.values(inputs).forEach((t) => (t as tf.Tensor).dispose())
    disposeAll(params)
  })
})

describe('ligo: coefficients', () => {
  it('counts BERT-Small -> BERT-Base as docs/growth/ligo.md §1.7 computes', () => {
    const small = getPreset('bert-small').config
    const large = getPreset('bert-base').config
    // official code: 2·(256·512) + 12·(3·256·512 + 1024·2048) width, 12 layers × 16 vectors × 6 depth
    expect(ligoCoefficientCounts(small, large, 'official')).toEqual({ width: 30_146_560, depth: 1_152, total: 30_147_712 })
    // paper literal: 768·512 + 6·(3·768·512 + 3072·2048) width, 8 matrices 12×6 depth
    expect(ligoCoefficientCounts(small, large, 'paper')).toEqual({ width: 45_219_840, depth: 576, total: 45_220_416 })
  })

  it('allocates exactly the table, and the default init follows §2 (noisy stacking, random convex width)', () => {
    const { small, large } = fullPair('bert')
    const params = trainedLikeParams(small)
    const op = createLigoOperator(params, small, large, { seed: 4 })
    const table = ligoCoefficientTable(small, large, 'official')
    expect(Object.keys(op.variables)).toEqual(table.map((c) => c.name))
    for (const c of table) expect(op.variables[c.name].shape).toEqual(c.shape)
    expect(op.coefficientCount()).toBe(ligoCoefficientCounts(small, large, 'official').total)
    const depth = op.variables['depth.blocks.attn.q.weight'].arraySync() as number[][] // [L2, L1]
    depth.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
      expect(row.indexOf(Math.max(...row))).toBe(i % small.numLayers)
      expect(Math.max(...row)).toBeGreaterThan(0.95)
    })
    const c = op.variables['width.emb'].arraySync() as number[][] // [D2-D1, D1]
    expect(c.length).toBe(4)
    c.forEach((row) => {
      expect(row.every((v) => v >= 0)).toBe(true)
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    })
    const description = op.describe()
    expect(description.counts.total).toBe(op.coefficientCount())
    expect(description.coefficients.find((x) => x.name === 'width.blocks.3.v')?.description).toMatch(/V's output rows/)
    expect(JSON.parse(JSON.stringify(description))).toEqual(description)
    op.dispose()
    disposeAll(params)
  })

  it('official form: the first D1 units of every grown weight are the depth-mixed small weights ([I; C])', () => {
    const { small, large } = fullPair('gpt2')
    const params = trainedLikeParams(small)
    const op = createLigoOperator(params, small, large, { seed: 5, depthNoise: 0 })
    const grown = op.materializeKept()
    tf.tidy(() => {
      for (const name of ['blocks.2.attn.q.weight', 'blocks.3.mlp.down.weight', 'embed.tok.weight']) {
        const block = /^blocks\.(\d+)\.(.+)$/.exec(name)
        const source = params[block ? `blocks.${Number(block[1]) % 2}.${block[2]}` : name]
        expect(maxAbsDiff(tf.slice(grown[name], [0, 0], source.shape), source)).toBeLessThan(1e-6)
      }
    })
    disposeAll(grown)
    op.dispose()
    disposeAll(params)
  })

  it('exports and reloads coefficients: the same operator, the same grown model', () => {
    const { small, large } = fullPair('vit')
    const params = trainedLikeParams(small)
    const options: LigoOptions = { seed: 6, parameterization: 'paper' }
    const a = createLigoOperator(params, small, large, options)
    const exported = a.exportCoefficients()
    const b = createLigoOperator(params, small, large, { seed: 99, parameterization: 'paper', coefficients: exported.tensors })
    const c = createLigoOperator(params, small, large, { seed: 99, parameterization: 'paper' })
    const [ga, gb, gc] = [a.materializeKept(), b.materializeKept(), c.materializeKept()]
    expectSameParams(ga, gb)
    expect(maxAbsDiff(ga['blocks.1.mlp.up.weight'], gc['blocks.1.mlp.up.weight'])).toBeGreaterThan(1e-4) // another seed differs
    c.loadCoefficients(exported.tensors)
    const gc2 = c.materializeKept()
    expectSameParams(ga, gc2)
    expect(() => c.loadCoefficients({ 'width.emb': exported.tensors['width.emb'] })).toThrow(/coefficients do not match this operator \(missing: /)
    for (const m of [ga, gb, gc, gc2]) disposeAll(m)
    disposeAll(exported.tensors)
    for (const op of [a, b, c]) op.dispose()
    disposeAll(params)
  })

  it('refuses unsupported pairs before allocating anything', () => {
    const { small } = fullPair('bert')
    const { large } = fullPair('gpt2')
    expect(() => createLigoOperator({}, small, large, { seed: 1 })).toThrow('Cannot grow with ligo: the target is a gpt2 model and the source a bert model: growth keeps the family')
  })
})
