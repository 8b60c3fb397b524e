import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { clipByGlobalNorm } from './clip'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('clipByGlobalNorm', () => {
  it('scales every gradient by maxNorm / norm when the global norm is larger', () => {
    const before = tf.memory().numTensors
    // Global norm of [3, 4] and [12] = sqrt(9 + 16 + 144) = 13; maxNorm 6.5 halves everything (6.5 / (13 + 1e-6)).
    const a = tf.tensor1d([3, 4])
    const b = tf.tensor2d([[12]])
    const { grads, norm } = clipByGlobalNorm({ a, b }, 6.5)
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5)
    expect(Array.from(grads.a.dataSync())).toEqual([expect.closeTo(1.5, 5), expect.closeTo(2, 5)])
    expect(grads.b.dataSync()[0]).toBeCloseTo(6, 5)
    // Below the threshold nothing changes.
    const loose = clipByGlobalNorm({ a, b }, 20)
    expect(Array.from(loose.grads.a.dataSync())).toEqual([3, 4])
    // 0 = off, norm still reported.
    const off = clipByGlobalNorm({ a, b }, 0)
    expect(off.grads.a).toBe(a)
    expect(off.norm.dataSync()[0]).toBeCloseTo(13, 5)
    tf.dispose([a, b, norm, grads.a, grads.b, loose.norm, loose.grads.a, loose.grads.b, off.norm])
    expect(tf.memory().numTensors).toBe(before)
  })
})
