import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { causalBias, classAttention, mixHeads, paddingBias, selfAttention, type AttentionImpl, type AttentionSettings } from './attention'
import { makeDropout } from './dropout'
import { paramReader, type ParamMap } from './params'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const B = 2, T = 3, H = 4, A = 2
const d = H / A

function randomParams(seed: number, names: string[]): ParamMap {
  const params: ParamMap = {}
  names.forEach((name, i) => {
    const isBias = name.endsWith('.bias')
    const shape = name.includes('talk') ? (isBias ? [A] : [A, A]) : isBias ? [H] : [H, H]
    params[name] = tf.randomNormal(shape, 0, 0.5, 'float32', seed + i)
  })
  return params
}

const attnNames = ['q', 'k', 'v', 'out'].flatMap((n) => [`a.${n}.weight`, `a.${n}.bias`])
const settings = (impl: AttentionImpl, bias?: tf.Tensor): AttentionSettings => ({ numHeads: A, impl, probsDropout: 0, dropout: makeDropout(false), bias })

// Independent reference: multi-head attention with plain JS loops over row-major arrays.
function reference(x: number[][][], w: Record<string, number[]>, mask?: number[][], causal = false, queryRows?: number): number[][][] {
  const lin = (row: number[], name: string) =>
    Array.from({ length: H }, (_, o) => w[`a.${name}.bias`][o] + row.reduce((s, xi, i) => s + xi * w[`a.${name}.weight`][o * H + i], 0))
  return x.map((tokens, b) => {
    const q = tokens.map((r) => lin(r, 'q')), k = tokens.map((r) => lin(r, 'k')), v = tokens.map((r) => lin(r, 'v'))
    const rows = queryRows ?? tokens.length
    return Array.from({ length: rows }, (_, t) => {
      const context: number[] = []
      for (let h = 0; h < A; h++) {
        const scores = k.map((kr, s) => {
          let dot = 0
          for (let j = 0; j < d; j++) dot += q[t][h * d + j] * kr[h * d + j]
          const blocked = (mask && mask[b][s] === 0) || (causal && s > t)
          return blocked ? -Infinity : dot / Math.sqrt(d)
        })
        const m = Math.max(...scores)
        const e = scores.map((s) => Math.exp(s - m))
        const z = e.reduce((a, c) => a + c, 0)
        for (let j = 0; j < d; j++) context.push(e.reduce((acc, p, s) => acc + (p / z) * v[s][h * d + j], 0))
      }
      return lin(context, 'out')
    })
  })
}

const arrays = (params: ParamMap) => Object.fromEntries(Object.entries(params).map(([n, t]) => [n, Array.from(t.dataSync())]))
const expectClose = (got: number[][][], want: number[][][]) =>
  want.flat(2).forEach((v, i) => expect(got.flat(2)[i]).toBeCloseTo(v, 4))

describe('selfAttention', () => {
  for (const impl of ['batched', 'per-head'] as const) {
    it(`matches a loop reference with a padding mask and a causal mask (${impl})`, () => {
      tf.tidy(() => {
        const params = randomParams(10, attnNames)
        const x = tf.randomNormal([B, T, H], 0, 1, 'float32', 3)
        const mask = [[1, 1, 0], [1, 1, 1]]
        const bias = tf.add(causalBias(T), paddingBias(tf.tensor2d(mask)))
        const got = selfAttention(paramReader(params, 'test'), 'a', x, settings(impl, bias)).arraySync() as number[][][]
        expectClose(got, reference(x.arraySync() as number[][][], arrays(params), mask, true))
      })
    })

    it(`matches the loop reference with the masks given as settings (causal, keyMask), not as a bias (${impl})`, () => {
      tf.tidy(() => {
        const params = randomParams(11, attnNames)
        const x = tf.randomNormal([B, T, H], 0, 1, 'float32', 5)
        const mask = [[1, 0, 1], [1, 1, 1]]
        const masked: AttentionSettings = { ...settings(impl), causal: true, keyMask: tf.tensor2d(mask) }
        const got = selfAttention(paramReader(params, 'test'), 'a', x, masked).arraySync() as number[][][]
        expectClose(got, reference(x.arraySync() as number[][][], arrays(params), mask, true))
      })
    })
  }

  it('gives the same values and gradients batched and per head', () => {
    tf.tidy(() => {
      const params = randomParams(20, attnNames)
      const x = tf.randomNormal([B, T, H], 0, 1, 'float32', 4)
      const names = Object.keys(params)
      const run = (impl: AttentionImpl) =>
        tf.grads((...ts: tf.Tensor[]) => {
          const p: ParamMap = Object.fromEntries(names.map((n, i) => [n, ts[i]]))
          return tf.sum(tf.square(selfAttention(paramReader(p, 'test'), 'a', ts[names.length], settings(impl, causalBias(T)))))
        })([...names.map((n) => params[n]), x])
      const batched = run('batched'), perHead = run('per-head')
      batched.forEach((g, i) => {
        const a = g.dataSync(), b = perHead[i].dataSync()
        a.forEach((v, j) => expect(b[j]).toBeCloseTo(v, 4))
      })
    })
  })
})

describe('talking heads', () => {
  it('mixHeads applies W over the head axis plus a per-head bias', () => {
    tf.tidy(() => {
      const scores = tf.randomNormal([B * A, T, T], 0, 1, 'float32', 5) as tf.Tensor3D
      const w = tf.tensor2d([[1, 2], [3, -1]])
      const bias = tf.tensor1d([0.5, -0.5])
      const got = mixHeads(scores, w, bias, B).arraySync() as number[][][]
      const s = scores.arraySync() as number[][][]
      for (let b = 0; b < B; b++)
        for (let out = 0; out < A; out++)
          for (let q = 0; q < T; q++)
            for (let k = 0; k < T; k++) {
              const want = [0, 1].reduce((acc, h) => acc + (w.arraySync() as number[][])[out][h] * s[b * A + h][q][k], (bias.arraySync() as number[])[out])
              expect(got[b * A + out][q][k]).toBeCloseTo(want, 5)
            }
    })
  })

  it('with identity maps and zero bias talking heads equal plain attention', () => {
    tf.tidy(() => {
      const params = randomParams(30, attnNames)
      params['a.talk_pre.weight'] = tf.eye(A)
      params['a.talk_post.weight'] = tf.eye(A)
      params['a.talk_pre.bias'] = tf.zeros([A])
      params['a.talk_post.bias'] = tf.zeros([A])
      const x = tf.randomNormal([B, T, H], 0, 1, 'float32', 6)
      const p = paramReader(params, 'test')
      const talking = selfAttention(p, 'a', x, settings('batched'), true).dataSync()
      const plain = selfAttention(p, 'a', x, settings('batched'), false).dataSync()
      plain.forEach((v, i) => expect(talking[i]).toBeCloseTo(v, 5))
    })
  })
})

describe('classAttention', () => {
  it('equals row 0 of full self-attention over [CLS; tokens]', () => {
    tf.tidy(() => {
      const params = randomParams(40, attnNames)
      const u = tf.randomNormal([B, T, H], 0, 1, 'float32', 7)
      const got = classAttention(paramReader(params, 'test'), 'a', u, settings('per-head')).arraySync() as number[][][]
      expect([got.length, got[0].length, got[0][0].length]).toEqual([B, 1, H])
      expectClose(got, reference(u.arraySync() as number[][][], arrays(params), undefined, false, 1))
    })
  })
})
