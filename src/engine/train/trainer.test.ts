/**
 * The loop on tiny models (wasm backend): the loss falls for each objective, no tensors leak across steps, and the
 * same seed gives the same losses.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { getCorpus, type TextDocument } from '../data'
import { makeConfig, type ModelConfig } from '../models/config'
import { getFamily } from '../models/registry'
import type { MetricRecord } from '../../shared/train'
import { train, type TrainerOptions } from './trainer'
import { buildTrainingData, type DataSource } from './training-data'
import { useWasmBackend } from './wasm-backend.testing'

beforeAll(async () => {
  await useWasmBackend()
})

/** Five chapters of Moby-Dick: enough text for a 200-token vocabulary and a few dozen 32-token sequences. */
function textSlice(): { name: string; documents: TextDocument[] } {
  const corpus = getCorpus('moby-dick')
  if (corpus.kind !== 'text') throw new Error('moby-dick should be text')
  return { name: 'moby-dick chapters 1-5', documents: corpus.loadDocuments().slice(3, 9) }
}

const small = { hiddenSize: 32, numHeads: 2, intermediateSize: 64, numLayers: 2 }
const tinyBert = makeConfig('bert', { ...small, vocabSize: 200, maxPositions: 32, tieWordEmbeddings: true })
const tinyGpt2 = makeConfig('gpt2', { ...small, vocabSize: 300, maxPositions: 32 })
const tinyVit = makeConfig('vit', { ...small, imageSize: 28, patchSize: 7, numChannels: 1, numClasses: 10 })

function options(config: ModelConfig, source: DataSource, overrides: Partial<TrainerOptions> = {}, batchSize = 8, maxExamples?: number): TrainerOptions {
  const family = getFamily(config.family)
  const data = buildTrainingData({ config, objective: family.objective, source, batchSize, seqLen: 32, seed: 1, maxExamples })
  return {
    config,
    data,
    steps: 30,
    learningRate: 3e-3,
    warmupSteps: 3,
    schedule: 'linear',
    weightDecay: 0.01,
    clipNorm: 1,
    seed: 1,
    evalEvery: 0,
    evalBatches: 2,
    logEvery: 1,
    checkpointEvery: 0,
    keepCheckpoints: 1,
    ...overrides,
  }
}

async function losses(o: TrainerOptions): Promise<{ records: MetricRecord[]; tensors: number[] }> {
  const records: MetricRecord[] = []
  const tensors: number[] = []
  const before = tf.memory().numTensors
  await train({ ...o, onMetrics: (r) => (records.push(r), tensors.push(tf.memory().numTensors)) })
  expect(tf.memory().numTensors).toBe(before)
  return { records, tensors }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

describe('train', () => {
  it('masked LM: the loss at masked positions falls, tensors stay flat, eval reports perplexity', async () => {
    const { records, tensors } = await losses(options(tinyBert, textSlice(), { steps: 40, learningRate: 1e-2 }, 16))
    const loss = records.map((r) => r.trainLoss)
    // From ln(200) = 5.3 (uniform over the vocabulary) towards the token frequencies.
    expect(mean(loss.slice(-5))).toBeLessThan(mean(loss.slice(0, 5)) - 0.2)
    expect(new Set(tensors.slice(1)).size).toBe(1) // flat after the first step
    const last = records.at(-1)!
    expect(last.step).toBe(40)
    expect(last.eval?.perplexity).toBeCloseTo(Math.exp(last.eval!.loss), 6)
    expect(last.tokens).toBe(40 * 16 * 32)
    expect(records[1].flops).toBe(2 * records[0].flops)
  })

  it('causal LM: the loss falls', async () => {
    const { records, tensors } = await losses(options(tinyGpt2, textSlice()))
    const loss = records.map((r) => r.trainLoss)
    expect(mean(loss.slice(-5))).toBeLessThan(mean(loss.slice(0, 5)) - 0.5)
    expect(new Set(tensors.slice(1)).size).toBe(1)
  })

  it('image classification: the loss falls on a few hundred MNIST digits and accuracy is reported', async () => {
    const { records, tensors } = await losses(options(tinyVit, 'mnist', { steps: 40, learningRate: 3e-3, warmupSteps: 0 }, 32, 400))
    const loss = records.map((r) => r.trainLoss)
    expect(mean(loss.slice(-5))).toBeLessThan(mean(loss.slice(0, 5)) - 0.15)
    expect(new Set(tensors.slice(1)).size).toBe(1)
    expect(records.at(-1)!.eval!.accuracy).toBeGreaterThan(0.2) // 10 classes: chance is 0.1
    expect(records.at(-1)!.tokens).toBeUndefined()
  })

  it('is reproducible: the same seed gives identical losses (dropout on)', async () => {
    const config = makeConfig('bert', { ...tinyBert, hiddenDropout: 0.1, attentionDropout: 0.1 })
    const run = async () => (await losses(options(config, textSlice(), { steps: 6 }))).records.map((r) => r.trainLoss)
    const a = await run()
    expect(await run()).toEqual(a)
    const other = (await losses(options(config, textSlice(), { steps: 6, seed: 2 }))).records.map((r) => r.trainLoss)
    expect(other).not.toEqual(a)
  })

  it('stops at a step boundary when the signal aborts', async () => {
    const controller = new AbortController()
    const o = options(tinyBert, textSlice(), { steps: 30, signal: controller.signal, onMetrics: (r) => r.step === 4 && controller.abort() })
    const outcome = await train(o)
    expect(outcome).toMatchObject({ step: 4, cancelled: true })
  })

  it('hooks (growth comparisons): a step loss replaces the family loss, FLOPs come from stepFlops after startCounters', async () => {
    const plain = (await losses(options(tinyBert, textSlice(), { steps: 3 }))).records
    const start = { examples: 0, tokens: 0, flops: 1000, wallSeconds: 0, cpuSeconds: 0 }
    const doubledFirst: TrainerOptions['lossAt'] = (step) => (step === 0 ? () => (_logits, loss) => tf.mul(loss, 2) as tf.Scalar : null)
    const hooked = (await losses(options(tinyBert, textSlice(), { steps: 3, startCounters: start, stepFlops: (step, steps) => (step + 1) * steps, lossAt: doubledFirst }))).records
    // Update s of a 3-step schedule costs 3(s + 1), on top of the 1000 charged before the first step.
    expect(hooked.map((r) => r.flops)).toEqual([1003, 1009, 1018])
    // Same weights and batch at step 0: twice the loss, twice the gradient norm (clipping applies after the norm).
    expect(hooked[0].trainLoss).toBeCloseTo(2 * plain[0].trainLoss, 4)
    expect(hooked[0].gradNorm).toBeCloseTo(2 * plain[0].gradNorm, 3)
    // Adam's update (and global-norm clipping) ignore the gradient's scale: step 1 starts from the plain run's weights.
    expect(hooked[1].trainLoss).toBeCloseTo(plain[1].trainLoss, 4)
  })
})
