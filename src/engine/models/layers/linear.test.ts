import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { fastMatMul, linear } from './linear'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-5) => {
  expect(a.shape).toEqual(b.shape)
  const x = a.dataSync(), y = b.dataSync()
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(tol * (1 + Math.abs(y[i])))
}

describe('fastMatMul', () => {
  // a is [3, 4] or its transpose, b is [4, 5] or its transpose: every flag combination
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    it(`matches tf.matMul values and gradients (transposeA=${ta}, transposeB=${tb})`, () => {
      tf.tidy(() => {
        const a = tf.randomNormal(ta ? [4, 3] : [3, 4], 0, 1, 'float32', 1) as tf.Tensor2D
        const b = tf.randomNormal(tb ? [5, 4] : [4, 5], 0, 1, 'float32', 2) as tf.Tensor2D
        const weight = tf.randomNormal([3, 5], 0, 1, 'float32', 3) // makes the loss depend on every output entry differently
        close(fastMatMul(a, b, ta, tb), tf.matMul(a, b, ta, tb))
        const lossFast = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(fastMatMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), weight))
        const lossRef = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), weight))
        const [gaFast, gbFast] = tf.grads(lossFast)([a, b])
        const [gaRef, gbRef] = tf.grads(lossRef)([a, b])
        close(gaFast, gaRef)
        close(gbFast, gbRef)
      })
    })
  }

  it('refuses tensors that are not 2-D', () => {
    tf.tidy(() => {
      expect(() => fastMatMul(tf.zeros([1, 2, 3]) as unknown as tf.Tensor2D, tf.zeros([3, 2]))).toThrow(/2-D tensors/)
    })
  })
})

describe('linear', () => {
  it('computes x·Wᵀ + b over leading dims with W [out, in]', () => {
    tf.tidy(() => {
      const x = tf.tensor3d([[[1, 2]], [[3, 4]]]) // [2, 1, 2]
      const w = tf.tensor2d([[1, 0], [0, 1], [1, 1]]) // [3 out, 2 in]
      const b = tf.tensor1d([10, 20, 30])
      const y = linear(x, w, b)
      expect(y.shape).toEqual([2, 1, 3])
      expect(Array.from(y.dataSync())).toEqual([11, 22, 33, 13, 24, 37])
    })
  })

  it('names the mismatch when the input width is wrong', () => {
    tf.tidy(() => {
      expect(() => linear(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrow(/input has 3 features, weight \[4,2\] expects 2/)
    })
  })
})
