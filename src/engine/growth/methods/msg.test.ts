/**
 * The msg descriptor with the project's trainer (wasm backend): its growthMasksAt hook reaches every forward of a
 * step, so the grown model's first training loss is the source's on the same batch, and without the hook it is not.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { getCorpus } from '../../data'
import { makeConfig, type ModelConfig, type ParamMap } from '../../models'
import { getFamily } from '../../models/registry'
import { train } from '../../train/trainer'
import { buildTrainingData } from '../../train/training-data'
import { useWasmBackend } from '../../train/wasm-backend.testing'
import { disposeAll, trainedLikeParams } from '../growth.testing'
import { resolveSettings } from '../method'
import { getGrowthMethod } from '.'

beforeAll(async () => {
  await useWasmBackend()
})

// No dropout: the source and the grown model must see the same function on the same batch.
const noDropout = { hiddenDropout: 0, attentionDropout: 0 }
const small = makeConfig('gpt2', { hiddenSize: 16, numHeads: 2, intermediateSize: 32, numLayers: 2, vocabSize: 300, maxPositions: 32, ...noDropout })
const large = makeConfig('gpt2', { hiddenSize: 24, numHeads: 3, intermediateSize: 48, numLayers: 4, vocabSize: 300, maxPositions: 32, ...noDropout })

/** The first logged training loss of `config` from `params` (step 0's forward, before any update). */
async function firstLoss(config: ModelConfig, params: ParamMap, growthMasksAt?: Parameters<typeof train>[0]['growthMasksAt']): Promise<number> {
  const corpus = getCorpus('moby-dick')
  if (corpus.kind !== 'text') throw new Error('moby-dick should be text')
  const data = buildTrainingData({ config, objective: getFamily(config.family).objective, source: { name: 'moby-dick 1-5', documents: corpus.loadDocuments().slice(3, 9) }, batchSize: 4, seqLen: 32, seed: 1 })
  let loss = NaN
  await train({
    config, data, steps: 1, learningRate: 1e-3, warmupSteps: 0, schedule: 'linear', weightDecay: 0, clipNorm: 1, seed: 1,
    evalEvery: 0, evalBatches: 1, logEvery: 1, checkpointEvery: 0, keepCheckpoints: 1, initialParams: params, growthMasksAt,
    onMetrics: (r) => (loss = Number.isNaN(loss) ? r.trainLoss : loss),
  })
  return loss
}

describe('msg method', () => {
  it('its training hook gives the trainer the masks: the first loss is the source model’s', async () => {
    const method = getGrowthMethod('msg')
    const settings = resolveSettings(method)
    const smallParams = trainedLikeParams(small)
    const { initialParams } = await method.prepare({ smallParams, small, large, seed: 2, settings, batchSize: 4, seqLen: 32 })
    const hooks = method.hooks({ small, large, smallParams, settings, batchSize: 4, seqLen: 32 })
    const before = tf.memory().numTensors
    const source = await firstLoss(small, smallParams)
    const masked = await firstLoss(large, initialParams, hooks.growthMasksAt)
    const unmasked = await firstLoss(large, initialParams)
    expect(tf.memory().numTensors).toBe(before)
    expect(Math.abs(masked - source)).toBeLessThan(1e-5 * Math.max(1, source))
    expect(Math.abs(unmasked - source)).toBeGreaterThan(1e-3)
    expect(hooks.stepFlops(0, 10)).toBeGreaterThan(0)
    expect(hooks.growthMasksAt!(10_000, 10_000)).toBeNull() // every mask 1 by the end: the plain forward
    disposeAll(smallParams)
    disposeAll(initialParams)
  }, 60_000)
})
