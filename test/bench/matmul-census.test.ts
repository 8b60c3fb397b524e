/**
 * bench/matmul-census.ts against hand counts of the same models: every matrix product of a training step is counted
 * once, forward (2·m·n·k per product) and twice more backward (input and weight gradients), embeddings' gathers not
 * at all. The hand counts below are written from the models' shapes, not from the census's table of addon calls.
 */
import '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadNativeAddon, registerNativeKernels, unregisterNativeKernels } from '../../src/engine/backend/native-kernels'
import { familyBench, familyTrainer, IMAGE_BATCH } from '../../bench/family-models'
import { matmulFlopsOfStep } from '../../bench/matmul-census'
import { BATCH, SEQ, config, engineLossFn, engineTrainer, makeInputs, makeVariables, useWasm } from '../../bench/reference-model'

const loaded = loadNativeAddon()
if (!loaded.ok) console.warn(`matmul census tests are skipped: ${loaded.reason}`)

/** Forward multiply-adds of one pre-/post-LN block per sequence of s tokens: q, k, v, out, FFN up/down, q·kᵀ, p·v. */
const blockMacs = (h: number, ffn: number, s: number) => s * (4 * h * h + 2 * h * ffn) + 2 * s * s * h

/** Training FLOPs = 2 per multiply-add × (forward + input gradient + weight gradient) = 6 × forward multiply-adds. */
const trainingFlops = (forwardMacs: number) => 6 * forwardMacs

describe.skipIf(!loaded.ok)('matmul census of a training step', () => {
  beforeAll(async () => {
    await useWasm()
    if (loaded.ok) registerNativeKernels(loaded.addon)
    return () => unregisterNativeKernels()
  })

  it('counts the reference BERT (2L/128, full MLM head) as its layers and head multiply, its embedding lookup as nothing', () => {
    if (!loaded.ok) return
    const { hiddenSize: h, intermediateSize: ffn, numLayers, vocabSize } = config
    // per sequence: the blocks, then the MLM head's transform (h × h) and decoder (h × vocab) on every token
    const forward = BATCH * (numLayers * blockMacs(h, ffn, SEQ) + SEQ * (h * h + h * vocabSize))
    const trainer = engineTrainer(makeVariables('census'), engineLossFn(makeInputs()), 'full')
    try {
      expect(matmulFlopsOfStep(loaded.addon, () => trainer.step())).toBe(trainingFlops(forward))
    } finally {
      trainer.dispose()
    }
  })

  it('counts the bench ViT (8L/96, 7-pixel patches of MNIST) as its patch embedding, blocks and classifier multiply', () => {
    if (!loaded.ok) return
    const bench = familyBench('vit')
    const c = bench.config as { hiddenSize: number; intermediateSize: number; numLayers: number; imageSize: number; patchSize: number; numChannels: number; numClasses: number }
    const patches = (c.imageSize / c.patchSize) ** 2
    const tokens = patches + 1 // the class token
    const perImage = patches * c.patchSize ** 2 * c.numChannels * c.hiddenSize + c.numLayers * blockMacs(c.hiddenSize, c.intermediateSize, tokens) + c.hiddenSize * c.numClasses
    const trainer = familyTrainer(bench, 0)
    try {
      expect(matmulFlopsOfStep(loaded.addon, () => trainer.step())).toBe(trainingFlops(IMAGE_BATCH * perImage))
    } finally {
      trainer.dispose()
    }
  })

  it('leaves the native kernels as it found them: a later step runs and the census can be taken again', () => {
    if (!loaded.ok) return
    const trainer = familyTrainer(familyBench('vit'), 1)
    try {
      const first = matmulFlopsOfStep(loaded.addon, () => trainer.step())
      expect(Number.isFinite(trainer.step())).toBe(true)
      expect(matmulFlopsOfStep(loaded.addon, () => trainer.step())).toBe(first)
    } finally {
      trainer.dispose()
    }
  })
})
