/** Data that does not fit the model as it is (issue 11): built-in images adapted with a notice, a clear tokenizer message. */
import { describe, expect, it } from 'vitest'
import { makeConfig } from '../models/config'
import { buildTrainingData } from './training-data'

describe('buildTrainingData fits the data to the model', () => {
  it('adapts the built-in 28x28 grey digits to a 32x32 RGB ViT (a dropped HF ViT) and says so', () => {
    const config = makeConfig('vit', { imageSize: 32, patchSize: 8, numChannels: 3, numClasses: 10, numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32 })
    const data = buildTrainingData({ config, objective: 'classification', source: 'mnist', batchSize: 4, seqLen: 0, seed: 1, maxExamples: 40 })
    expect(data.kind).toBe('image')
    expect(data.description.notes).toEqual(['Data "mnist" has 28x28x1 images; resized from 28x28 to 32x32 and grey copied to red, green and blue to fit the model (32x32x3)'])
    expect(data.description.trainExamples + data.description.validationExamples).toBe(40)
    const batch = data.train.next() as { shape: number[]; pixels: Float32Array }
    expect(batch.shape).toEqual([4, 32, 32, 3])
    // grey copied: every pixel has R = G = B
    for (let p = 0; p < batch.pixels.length; p += 3) expect(batch.pixels[p + 1] === batch.pixels[p] && batch.pixels[p + 2] === batch.pixels[p]).toBe(true)
  })

  it('leaves fitting images alone, with no notice', () => {
    const config = makeConfig('vit', { imageSize: 28, patchSize: 7, numChannels: 1, numClasses: 10, numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32 })
    expect(buildTrainingData({ config, objective: 'classification', source: 'mnist', batchSize: 4, seqLen: 0, seed: 1, maxExamples: 40 }).description.notes).toBeUndefined()
  })

  it('names the missing tokenizer files when none can be trained for the vocabulary (a GPT-2 of 21 ids)', () => {
    const config = makeConfig('gpt2', { vocabSize: 21, maxPositions: 64, numLayers: 1, hiddenSize: 8, numHeads: 1, intermediateSize: 16 })
    const documents = [{ id: 'a', text: 'one two three '.repeat(20) }, { id: 'b', text: 'four five six '.repeat(20) }, { id: 'c', text: 'seven eight '.repeat(20) }]
    expect(() => buildTrainingData({ config, objective: 'causal-lm', source: { name: 'notes', documents }, batchSize: 2, seqLen: 8, seed: 0 })).toThrow(
      /^The model has no tokenizer, and a byte-level BPE tokenizer for its 21-id vocabulary cannot be trained on data "notes" \(.*\)\. Put the model's own tokenizer files \(tokenizer\.json, or vocab\.json and merges\.txt\) beside its weights$/,
    )
  })
})
