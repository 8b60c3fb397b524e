import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { causalLmLoss, classificationLoss, crossEntropy, IGNORE_INDEX, maskedLmLoss } from './losses'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const logSoftmax = (row: number[]) => {
  const m = Math.max(...row)
  const z = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m
  return row.map((v) => v - z)
}

describe('losses', () => {
  const rows = [[1, 2, 3], [0, 0, 0], [2, -1, 0.5]]

  it('crossEntropy is the mean of -log p(label) over counted rows, skipping -100', () => {
    const value = tf.tidy(() => crossEntropy(tf.tensor2d(rows), tf.tensor1d([2, IGNORE_INDEX, 0], 'int32')).dataSync()[0])
    expect(value).toBeCloseTo(-(logSoftmax(rows[0])[2] + logSoftmax(rows[2])[0]) / 2, 5)
  })

  it('maskedLmLoss flattens [B, T, V]; causalLmLoss predicts the next token', () => {
    tf.tidy(() => {
      const logits = tf.tensor3d([rows]) // [1, 3, 3]
      expect(maskedLmLoss(logits, { labels: tf.tensor2d([[1, 1, IGNORE_INDEX]], undefined, 'int32') }).dataSync()[0]).toBeCloseTo(-(logSoftmax(rows[0])[1] + logSoftmax(rows[1])[1]) / 2, 5)
      // labels [a, b, c]: logits at 0 predict b, at 1 predict c; the last position predicts nothing
      expect(causalLmLoss(logits, { labels: tf.tensor2d([[0, 2, 1]], undefined, 'int32') }).dataSync()[0]).toBeCloseTo(-(logSoftmax(rows[0])[2] + logSoftmax(rows[1])[1]) / 2, 5)
    })
  })

  it('classificationLoss on DeiT [2, B, K] averages the CLS and distillation heads (teacher labels for the second)', () => {
    tf.tidy(() => {
      const both = tf.tensor3d([[rows[0]], [rows[2]]]) // [2, 1, 3]
      const value = classificationLoss(both, { labels: tf.tensor1d([0], 'int32'), teacherLabels: tf.tensor1d([1], 'int32') }).dataSync()[0]
      expect(value).toBeCloseTo(-(logSoftmax(rows[0])[0] + logSoftmax(rows[2])[1]) / 2, 5)
    })
  })

  it('a loss gradient is softmax minus one-hot', () => {
    tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => crossEntropy(x, tf.tensor1d([2], 'int32')))(tf.tensor2d([rows[0]])).dataSync()
      const p = logSoftmax(rows[0]).map(Math.exp)
      expect(Array.from(g).map((v) => +v.toFixed(5))).toEqual([p[0], p[1], p[2] - 1].map((v) => +v.toFixed(5)))
    })
  })
})
