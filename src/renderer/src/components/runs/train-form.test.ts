import { describe, expect, it } from 'vitest'
import { TRAIN_SETTING_LIMITS, trainSettingValidators } from '../../../../shared/train'
import { defaultTrainForm, trainFormOf, trainFormParams, trainFormProblems, type TrainFormValues } from './train-form'

const valid = (over: Partial<TrainFormValues> = {}): TrainFormValues => ({ ...defaultTrainForm('seed:bert-moby', 'moby-dick'), ...over })

describe('training form', () => {
  it('has no problem with its defaults, and sends them as startTrain params', () => {
    expect(trainFormProblems(valid(), 'text')).toEqual({})
    expect(trainFormParams(valid(), 'text')).toEqual({ model: 'seed:bert-moby', data: 'moby-dick', steps: 200, settings: { batchSize: 16, seqLen: 128, learningRate: 5e-4, schedule: 'linear', seed: 0, evalEvery: 100 } })
  })

  it('names the rule each field breaks, with the limits of the shared table', () => {
    const problems = trainFormProblems(valid({ model: '', data: ' ', steps: '', batchSize: '2.5', seqLen: 2, learningRate: '-1', seed: 'x', evalEvery: -1 }), 'text')
    expect(problems).toEqual({
      model: { kind: 'required' },
      data: { kind: 'required' },
      steps: { kind: 'required' },
      batchSize: { kind: 'integer' },
      seqLen: { kind: 'range', min: TRAIN_SETTING_LIMITS.seqLen.min, max: TRAIN_SETTING_LIMITS.seqLen.max },
      learningRate: { kind: 'range', min: 0, max: 10 },
      seed: { kind: 'number' },
      evalEvery: { kind: 'range', min: 0, max: 1e9 },
    })
  })

  it('agrees with the validator the engine and the Studio API run, at and beyond every limit', () => {
    for (const field of ['steps', 'batchSize', 'seqLen', 'learningRate', 'seed', 'evalEvery'] as const) {
      const { min, max } = TRAIN_SETTING_LIMITS[field]
      for (const value of [min, max, min - 1, max + 1, min + 0.5]) {
        const formSays = trainFormProblems(valid({ [field]: value }), 'text')[field] === undefined
        const engineSays = (() => {
          try {
            trainSettingValidators[field](value, field)
            return true
          } catch {
            return false
          }
        })()
        expect(formSays, `${field} = ${value}`).toBe(engineSays)
      }
    }
  })

  it('leaves the sequence length out for image models (their image size comes from the model)', () => {
    expect(trainFormProblems(valid({ seqLen: '' , data: 'mnist' }), 'image')).toEqual({})
    expect(trainFormParams(valid({ seqLen: 64, data: 'mnist' }), 'image').settings).not.toHaveProperty('seqLen')
  })

  it('optional fields left empty take the engine defaults; a duplicated run fills the form back', () => {
    expect(trainFormParams(valid({ batchSize: '', seed: '' }), 'text').settings).toEqual({ seqLen: 128, learningRate: 5e-4, schedule: 'linear', evalEvery: 100 })
    const params = { model: 'run:x/step-10', data: '/data/text.txt', steps: 50, settings: { batchSize: 4, seqLen: 64, learningRate: 1e-3, schedule: 'cosine' as const, seed: 3, evalEvery: 5 } }
    expect(trainFormParams(trainFormOf(params), 'text')).toEqual(params)
  })
})
