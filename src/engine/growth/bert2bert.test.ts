/** bert2BERT: FPI = Net2Net's width maps + stacking; AKI's new units come from the layer above. */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { forward, tinyConfig, tinyInputs, type ModelInputs } from '../models'
import { bert2bertAki, bert2bertFpi } from './bert2bert'
import { disposeAll, fullPair, maxAbsDiff, trainedLikeParams, widthPair } from './growth.testing'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('bert2bert', () => {
  it("FPI at equal depth follows Net2Net's rule (Eq. 2): new FFN units copy old ones, copies share the fan-in", () => {
    const { small, large } = widthPair('bert')
    const params = trainedLikeParams(small)
    const fpi = bert2bertFpi.grow(params, small, large, { seed: 5 })
    const [f1, f2, h1] = [small.intermediateSize, large.intermediateSize, small.hiddenSize]
    for (let layer = 0; layer < small.numLayers; layer++) {
      const b = Array.from(params[`blocks.${layer}.mlp.up.bias`].dataSync())
      const grownBias = Array.from(fpi[`blocks.${layer}.mlp.up.bias`].dataSync())
      // Which old unit each grown unit copies, read from the (distinct, noisy) biases: outputs are copied as they are.
      const source = grownBias.map((v) => b.findIndex((x) => x === v))
      expect(source.slice(0, f1)).toEqual(b.map((_, u) => u))
      expect(source.every((u) => u >= 0)).toBe(true)
      // FFN down's input: the columns of a unit's copies (original included) sum to the small model's column.
      const down = params[`blocks.${layer}.mlp.down.weight`].arraySync() as number[][] // [H1, F1]
      const grownDown = fpi[`blocks.${layer}.mlp.down.weight`].arraySync() as number[][] // [H2, F2]
      for (let h = 0; h < h1; h++)
        for (let u = 0; u < f1; u++) {
          const sum = Array.from({ length: f2 }, (_, c) => c).filter((c) => source[c] === u).reduce((s, c) => s + grownDown[h][c], 0)
          expect(Math.abs(sum - down[h][u])).toBeLessThan(1e-6)
        }
    }
    disposeAll(fpi)
    disposeAll(params)
  })

  it('FPI with balanced ×2 copies keeps the outputs exactly before stacking (post-LN BERT, untied decoder)', () => {
    const small = tinyConfig('bert', { tieWordEmbeddings: false })
    const large = tinyConfig('bert', { tieWordEmbeddings: false, hiddenSize: 16, numHeads: 4, intermediateSize: 24 })
    const params = trainedLikeParams(small)
    const grown = bert2bertFpi.grow(params, small, large, { seed: 1, mapping: 'cyclic' })
    tf.tidy(() => {
      const inputs = tinyInputs(small) as ModelInputs
      expect(maxAbsDiff(forward(grown, large, inputs, { training: false }), forward(params, small, inputs, { training: false }))).toBeLessThan(1e-4)
    })
    disposeAll(grown)
    disposeAll(params)
  })

  it('stacks the widened model: large layer i equals large layer i mod L1', () => {
    const { small, large } = fullPair('gpt2')
    const params = trainedLikeParams(small)
    const grown = bert2bertFpi.grow(params, small, large, { seed: 2 })
    for (const local of ['attn.q.weight', 'mlp.down.weight', 'attn_norm.bias']) expect(maxAbsDiff(grown[`blocks.3.${local}`], grown[`blocks.1.${local}`])).toBe(0)
    disposeAll(grown)
    disposeAll(params)
  })

  it('AKI: old rows as FPI, new output rows from the layer above, the top layer as FPI', () => {
    const { small, large } = fullPair('gpt2')
    const params = trainedLikeParams(small)
    const fpi = bert2bertFpi.grow(params, small, large, { seed: 3 })
    const aki = bert2bertAki.grow(params, small, large, { seed: 3 })
    tf.tidy(() => {
      // layer 0 (below the top): rows [0, 8) from layer 0, rows [8, 12) as widened layer 1 with layer 0's maps
      for (const local of ['attn.q.weight', 'mlp.up.weight', 'attn.out.weight', 'attn_norm.weight']) {
        const a = aki[`blocks.0.${local}`]
        const f = fpi[`blocks.0.${local}`]
        const d1 = params[`blocks.0.${local}`].shape[0]
        const rest = a.shape.slice(1)
        expect(maxAbsDiff(tf.slice(a, [0, ...rest.map(() => 0)], [d1, ...rest]), tf.slice(f, [0, ...rest.map(() => 0)], [d1, ...rest]))).toBe(0)
        const newRows = tf.slice(a, [d1, ...rest.map(() => 0)], [a.shape[0] - d1, ...rest])
        expect(maxAbsDiff(newRows, tf.slice(f, [d1, ...rest.map(() => 0)], [a.shape[0] - d1, ...rest]))).toBeGreaterThan(0)
      }
      // the new rows of Q in layer 0 are copies of layer 1's Q rows (in-dim normalised like FPI's)
      const q1 = params['blocks.1.attn.q.weight'] // [8, 8]
      const newRows = tf.slice(aki['blocks.0.attn.q.weight'], [8, 0], [4, 12])
      const sums = tf.sum(newRows, 1).dataSync() // fan-in normalisation keeps each row's sum
      const rowSums = Array.from(tf.sum(q1, 1).dataSync())
      Array.from(sums).forEach((s) => expect(rowSums.some((r) => Math.abs(r - s) < 1e-5)).toBe(true))
      // the top small layer has no layer above: AKI equals FPI there
      expect(maxAbsDiff(aki['blocks.1.attn.q.weight'], fpi['blocks.1.attn.q.weight'])).toBe(0)
    })
    disposeAll(fpi)
    disposeAll(aki)
    disposeAll(params)
  })
})
