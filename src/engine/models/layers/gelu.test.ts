import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { gelu, geluNew } from './gelu'
import { layerNorm } from './layer-norm'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const values = (t: tf.Tensor) => Array.from(t.dataSync())

describe('GELU', () => {
  it('exact erf GELU at known points (Φ(1) = 0.8413447)', () => {
    const y = tf.tidy(() => values(gelu(tf.tensor1d([1, -1, 0, 2]))))
    // x·Φ(x): Φ(1) = 0.84134475, Φ(2) = 0.97724987
    const expected = [0.8413447, -0.1586553, 0, 1.9544997]
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6))
  })

  it('tanh gelu_new at known points', () => {
    const y = tf.tidy(() => values(geluNew(tf.tensor1d([1, -1, 0]))))
    // 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.8411920
    const expected = [0.841192, -0.158808, 0]
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6))
  })
})

describe('layerNorm', () => {
  it('normalises the last axis with the biased variance, then scales and shifts', () => {
    const y = tf.tidy(() => values(layerNorm(tf.tensor2d([[1, 2, 3, 4]]), tf.tensor1d([1, 2, 1, 1]), tf.tensor1d([0, 0, 0, 1]), 1e-12)))
    // mean 2.5, variance 1.25 -> (x - 2.5)/√1.25 = [-1.3416408, -0.4472136, 0.4472136, 1.3416408]
    const expected = [-1.3416408, -0.8944272, 0.4472136, 2.3416408]
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
  })

  it('uses eps inside the square root', () => {
    // constant row: x - mean = 0 everywhere, so the output is the bias whatever eps is; a 2-value row with eps = 1:
    // mean 0, var 1 -> x/√2
    const y = tf.tidy(() => values(layerNorm(tf.tensor2d([[-1, 1]]), tf.ones([2]), tf.zeros([2]), 1)))
    expect(y[0]).toBeCloseTo(-Math.SQRT1_2, 6)
    expect(y[1]).toBeCloseTo(Math.SQRT1_2, 6)
  })
})
