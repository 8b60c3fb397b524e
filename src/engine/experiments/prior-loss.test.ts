/** The label frequencies' loss against figures worked out by hand, and the training stream left where it was. */
import { describe, expect, it } from 'vitest'
import { BatchIterator } from '../data'
import type { TrainingData } from '../train/training-data'
import { priorLoss } from './prior-loss'

/** Batches of 2 over fixed labels (and weights: text batches score only weighted positions). */
function stream(labels: number[], weights?: number[]): BatchIterator<{ labels: Int32Array; labelWeights?: Float32Array }> {
  return new BatchIterator(labels.length, { batchSize: 2, seed: 3 }, (indices) => ({
    labels: Int32Array.from(indices, (i) => labels[i]),
    ...(weights ? { labelWeights: Float32Array.from(indices, (i) => weights[i]) } : {}),
  }))
}

const dataOf = (train: number[], validation: number[], weights?: { train: number[]; validation: number[] }): TrainingData =>
  ({
    kind: weights ? 'text' : 'image',
    train: stream(train, weights?.train),
    validation: () => new BatchIterator(validation.length, { batchSize: 2, seed: 0, shuffle: false }, (indices) => ({
      labels: Int32Array.from(indices, (i) => validation[i]),
      ...(weights ? { labelWeights: Float32Array.from(indices, (i) => weights.validation[i]) } : {}),
    })),
  }) as unknown as TrainingData

describe('priorLoss', () => {
  it('is the cross-entropy of the add-one smoothed training frequencies on the validation batches', () => {
    // train: class 0 three times, class 1 once, class 2 never -> (4/7, 2/7, 1/7); validation 0, 1, 2, 0
    const result = priorLoss(dataOf([0, 0, 0, 1], [0, 1, 2, 0]), 8, 3)
    expect(result.loss).toBeCloseTo(-(2 * Math.log(4 / 7) + Math.log(2 / 7) + Math.log(1 / 7)) / 4, 12)
    expect(result).toMatchObject({ classes: 3, trainLabels: 4, validationLabels: 4 })
  })

  it('scores only the first evalBatches validation batches, as evaluate does', () => {
    const result = priorLoss(dataOf([0, 0, 0, 1], [0, 1, 2, 0]), 1, 3)
    expect(result.loss).toBeCloseTo(-(Math.log(4 / 7) + Math.log(2 / 7)) / 2, 12)
  })

  it('counts and scores only the positions the loss weights (text: labelWeights)', () => {
    // weight-0 positions (unscored, e.g. padding or unmasked MLM tokens) carry label 2 and must not count
    const data = dataOf([0, 2, 1, 2], [2, 1, 0, 2], { train: [1, 0, 1, 0], validation: [0, 1, 1, 0] })
    const result = priorLoss(data, 8, 3)
    // train counts (1, 1, 0) -> (2/5, 2/5, 1/5); validation scores labels 1 and 0
    expect(result.loss).toBeCloseTo(-(Math.log(2 / 5) + Math.log(2 / 5)) / 2, 12)
    expect(result).toMatchObject({ trainLabels: 2, validationLabels: 2 })
  })

  it('puts the training stream back where it was', () => {
    const data = dataOf([0, 1, 1, 0, 1, 1], [0, 1])
    data.train.next()
    const before = data.train.state
    priorLoss(data, 8, 2)
    expect(data.train.state).toEqual(before)
  })

  it('refuses labels outside the label space', () => {
    expect(() => priorLoss(dataOf([0, 5], [0, 1]), 8, 3)).toThrow('priorLoss: label 5 outside 0..2')
  })
})
