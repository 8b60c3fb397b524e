import { describe, expect, it } from 'vitest'
import { causalLmBatches, maskedLmBatches, packForCausalLm, packForMaskedLm, type TokenBatch } from './batching'
import { IGNORE_INDEX } from './objectives'
import { DataSizeError, InputError } from '../runtime/input-error'
import { classifyError } from '../runtime/input-errors'

const specials = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 }
const docs = [
  [10, 11, 12, 13, 14],
  [20, 21],
  [30, 31, 32, 33, 34, 35, 36],
]

describe('packing', () => {
  it('MLM: [CLS] chunk [SEP], documents separated by [SEP], last row padded', () => {
    const set = packForMaskedLm(docs, 6, specials)
    // stream: 10 11 12 13 14 S 20 21 S 30 31 32 33 34 35 36 S (17 tokens) -> chunks of 4
    expect(set.count).toBe(5)
    const rows = Array.from({ length: set.count }, (_, r) => [...set.ids.subarray(r * 6, r * 6 + 6)])
    expect(rows).toEqual([
      [2, 10, 11, 12, 13, 3],
      [2, 14, 3, 20, 21, 3],
      [2, 3, 30, 31, 32, 3],
      [2, 33, 34, 35, 36, 3],
      [2, 3, 0, 0, 0, 0],
    ])
    expect([...set.attentionMask.subarray(24, 30)]).toEqual([1, 1, 0, 0, 0, 0])
  })

  it('CLM: windows of T+1 with stride T and <|endoftext|> between documents', () => {
    const set = packForCausalLm(docs, 4, { eos: 99 })
    // stream: 10 11 12 13 14 E 20 21 E 30 31 32 33 34 35 36 E (17) -> floor(16/4) = 4 windows of 5
    expect(set.count).toBe(4)
    expect([...set.ids.subarray(0, 5)]).toEqual([10, 11, 12, 13, 14])
    expect([...set.ids.subarray(5, 10)]).toEqual([14, 99, 20, 21, 99])
    expect(() => packForCausalLm([[1]], 4, { eos: 99 })).toThrow('Not enough text: 2 tokens make no window of 5')
  })
})

function batchesFrom(it: { next(): TokenBatch }, n: number): TokenBatch[] {
  return Array.from({ length: n }, () => it.next())
}

describe('BatchIterator', () => {
  const stream = Array.from({ length: 40 }, (_, d) => Array.from({ length: 3 + (d % 5) }, (_, i) => 5 + ((d * 7 + i) % 90)))
  const sequences = packForMaskedLm(stream, 8, specials)
  const options = { batchSize: 4, seed: 9, masking: { vocabSize: 100, maskId: 4, specialIds: [0, 1, 2, 3, 4] } }

  it('visits every sequence once per epoch, in a different seeded order each epoch', () => {
    const it1 = maskedLmBatches(sequences, options)
    const perEpoch = it1.batchesPerEpoch
    expect(perEpoch).toBe(Math.floor(sequences.count / 4))
    const e0 = it1.epochOrder(0)
    const e1 = it1.epochOrder(1)
    expect([...e0].sort((a, b) => a - b)).toEqual([...Array(sequences.count).keys()])
    expect([...e1]).not.toEqual([...e0])
    const first = it1.next()
    expect(first.shape).toEqual([4, 8])
    expect(first.epoch).toBe(0)
    // row 0 is sequence e0[0], masked: unmasked positions equal the packed ids
    const seq = sequences.ids.subarray(e0[0] * 8, e0[0] * 8 + 8)
    for (let i = 0; i < 8; i++) if (first.labels[i] === IGNORE_INDEX) expect(first.inputIds[i]).toBe(seq[i])
  })

  it('a restored iterator produces exactly the same batches, masks included', () => {
    const original = maskedLmBatches(sequences, options)
    batchesFrom(original, 5)
    const saved = original.state
    const expected = batchesFrom(original, 12) // crosses an epoch boundary
    const resumed = maskedLmBatches(sequences, options)
    resumed.restore(JSON.parse(JSON.stringify(saved)))
    expect(batchesFrom(resumed, 12)).toEqual(expected)
    expect(() => resumed.restore({ epoch: 0, index: 999 })).toThrow(/Invalid iterator state/)
  })

  it('validation order is sequential and keeps the last partial batch; CLM batches shift targets', () => {
    const windows = packForCausalLm(stream, 6, { eos: 99 })
    const val = causalLmBatches(windows, { batchSize: 4, seed: 1, shuffle: false })
    expect(val.batchesPerEpoch).toBe(Math.ceil(windows.count / 4))
    const b = val.next()
    expect(b.shape).toEqual([4, 6])
    expect([...b.inputIds.subarray(0, 6)]).toEqual([...windows.ids.subarray(0, 6)])
    expect([...b.labels.subarray(0, 6)]).toEqual([...windows.ids.subarray(1, 7)])
  })
})

describe('data too small for the request', () => {
  const masking = { vocabSize: 100, maskId: 4, specialIds: [0, 1, 2, 3, 4] }

  // Too little data is the user's input (issue 16): a typed input error naming the parameters, never a plain Error,
  // which the engine would report as a bug with a stack.
  const refusal = (make: () => unknown): Error => {
    try {
      make()
    } catch (error) {
      return error as Error
    }
    throw new Error('expected a refusal')
  }

  it('no full batch of `batchSize`: DataSizeError naming batchSize and seqLen', () => {
    const three = packForMaskedLm([[10, 11, 12, 13, 14, 15, 16, 17, 18, 19]], 6, specials) // 3 sequences
    expect(three.count).toBe(3)
    const error = refusal(() => maskedLmBatches(three, { batchSize: 4, seed: 0, masking }))
    expect(error).toBeInstanceOf(DataSizeError)
    expect(error.message).toBe('3 examples make no full batch of `batchSize` 4; lower `batchSize` (for text, a shorter `seqLen` also makes more examples) or give more data')
    // Validation keeps a partial batch, so 3 examples make one of 4 there.
    expect(maskedLmBatches(three, { batchSize: 4, seed: 0, masking, shuffle: false }).batchesPerEpoch).toBe(1)
  })

  it('no tokens, no window, no special token: input errors, not bugs', () => {
    expect(refusal(() => packForMaskedLm([[], []], 6, specials))).toBeInstanceOf(DataSizeError)
    const window = refusal(() => packForCausalLm([[1]], 4, { eos: 99 }))
    expect(window).toBeInstanceOf(DataSizeError)
    expect(window.message).toContain('`seqLen` 4')
    const special = refusal(() => packForMaskedLm(docs, 6, { pad: 0, sep: 3 }))
    expect(special).toBeInstanceOf(InputError)
    expect(special.message).toBe("The tokenizer has no [CLS] token, which this model's objective needs")
    for (const error of [window, special]) expect(classifyError(error)).toEqual({ code: 'invalid_request', message: error.message })
  })
})
