import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import '@tensorflow/tfjs-backend-wasm'
import { loadNativeAddon, registerNativeKernels, unregisterNativeKernels } from '../backend/native-kernels'
import { nativeAdamWActive } from '../backend/native-ops'
import { AdamW } from './adamw'
import { useWasmBackend } from './wasm-backend.testing'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

let before = 0
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before)
})

/** p = [1, -2]; grads [0.5, 0.1] then [-0.5, 0.3]; lr 0.1, eps 1e-8. Expected values worked out by hand below. */
function run(weightDecay: number, noDecay = false): number[][] {
  before = tf.memory().numTensors
  const p = tf.tidy(() => tf.variable(tf.tensor1d([1, -2]), true, `adamw-test-${weightDecay}-${noDecay}`))
  const opt = new AdamW({ w: p }, { weightDecay, epsilon: 1e-8, noDecay: () => noDecay })
  const seen: number[][] = []
  for (const g of [[0.5, 0.1], [-0.5, 0.3]]) {
    const grad = tf.tensor1d(g)
    opt.apply({ w: grad }, 0.1)
    grad.dispose()
    seen.push(Array.from(p.dataSync()))
  }
  opt.dispose()
  p.dispose()
  return seen
}

/** The same hand computations for both update paths (the TF.js ops and the native in-place kernel). */
function adamwCases(): void {
  it('matches a hand computation without weight decay', () => {
    // Step 1: m = 0.1 g, v = 0.001 g², bias corrections 0.1 and 0.001, so the update is lr · g/|g| = ±0.1.
    // Step 2 (element 0): m = 0.045 - 0.05 = -0.005, v = 0.00024975 + 0.00025 = 0.00049975, 1-β1² = 0.19,
    //   1-β2² = 0.001999, v̂ = 0.25 → update = 0.1 · (-0.005/0.19) / 0.5 = -0.0052632.
    // Step 2 (element 1): m = 0.039, v = 0.00009999 → update = 0.1 · 0.205263 / 0.223651 = 0.091778.
    const [s1, s2] = run(0)
    expect(s1[0]).toBeCloseTo(0.9, 5)
    expect(s1[1]).toBeCloseTo(-2.1, 5)
    expect(s2[0]).toBeCloseTo(0.9052632, 5)
    expect(s2[1]).toBeCloseTo(-2.191778, 5)
  })

  it('decays weights decoupled from the gradient: p·(1 - lr·λ) before the Adam step', () => {
    // λ = 0.1, lr = 0.1: factor 0.99. Step 1: [0.99 - 0.1, -1.98 - 0.1]. Coupled L2 (g + λp = [0.6, -0.1]) would
    // flip the second update's sign and give -1.9 instead of -2.08.
    const [s1, s2] = run(0.1)
    expect(s1[0]).toBeCloseTo(0.89, 5)
    expect(s1[1]).toBeCloseTo(-2.08, 5)
    expect(s2[0]).toBeCloseTo(0.89 * 0.99 + 0.0052632, 5)
    expect(s2[1]).toBeCloseTo(-2.08 * 0.99 - 0.091778, 5)
  })

  it('skips decay for names in the no-decay set', () => {
    expect(run(0.1, true)).toEqual(run(0))
  })

  it('exports and restores its state exactly', () => {
    before = tf.memory().numTensors
    const make = (name: string) => tf.tidy(() => tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, name))
    const a = make('state-a')
    const b = make('state-b')
    const optA = new AdamW({ w: a }, { weightDecay: 0.01, noDecay: () => false })
    const optB = new AdamW({ w: b }, { weightDecay: 0.01, noDecay: () => false })
    const g = tf.tensor2d([[0.1, -0.2], [0.3, 0.05]])
    optA.apply({ w: g }, 0.01)
    b.assign(a)
    optB.loadState(optA.exportState())
    expect(optB.step).toBe(1)
    optA.apply({ w: g }, 0.01)
    optB.apply({ w: g }, 0.01)
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
    expect(() => optB.loadState({ step: 1, slots: [{ name: 'w', shape: [4], m: new Float32Array(4), v: new Float32Array(4) }] })).toThrow('Optimizer state for "w" has shape [4], the parameter is [2,2]')
    g.dispose()
    optA.dispose()
    optB.dispose()
    a.dispose()
    b.dispose()
  })
}

describe('AdamW (TF.js ops, cpu backend)', () => {
  it('uses the TF.js-ops path here', () => expect(nativeAdamWActive()).toBe(false))
  adamwCases()
})

const native = loadNativeAddon()
describe.skipIf(!native.ok)('AdamW (native in-place update, wasm backend)', () => {
  beforeAll(async () => {
    await useWasmBackend()
    if (native.ok) registerNativeKernels(native.addon)
  })
  afterAll(async () => {
    unregisterNativeKernels()
    await tf.setBackend('cpu')
  })
  it('uses the native path here', () => expect(nativeAdamWActive()).toBe(true))
  adamwCases()
})
