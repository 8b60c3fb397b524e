import { describe, expect, it } from 'vitest'
import { causalLmTargets, IGNORE_INDEX, imageClassificationBatch, maskTokens } from './objectives'
import { Rng } from './rng'
import type { ImageDataset } from './types'

describe('masked LM (BERT 15% / 80-10-10)', () => {
  const vocabSize = 1000
  const specialIds = [0, 1, 2, 3, 4] // [PAD] [UNK] [CLS] [SEP] [MASK]
  const maskId = 4
  // 200,000 positions: [CLS] 98 words [SEP], ids 5..999, with every 50th position a [PAD].
  const ids = new Int32Array(200_000)
  const rng0 = new Rng(11)
  for (let i = 0; i < ids.length; i++) ids[i] = i % 100 === 0 ? 2 : i % 100 === 99 ? 3 : i % 50 === 25 ? 0 : 5 + rng0.nextInt(995)

  const masked = maskTokens(ids, new Rng(123), { vocabSize, maskId, specialIds })

  it('selects 15% +- 1% of non-special positions and never a special one', () => {
    // Count violations in a plain loop (one expect per position would take seconds on 200k positions).
    let eligible = 0
    let selected = 0
    let violations = 0
    for (let i = 0; i < ids.length; i++) {
      const special = specialIds.includes(ids[i])
      if (!special) eligible++
      if (masked.labels[i] !== IGNORE_INDEX) {
        if (special || masked.labels[i] !== ids[i] || masked.labelWeights[i] !== 1) violations++
        selected++
      } else if (masked.inputIds[i] !== ids[i] || masked.labelWeights[i] !== 0) violations++
    }
    expect(violations).toBe(0)
    expect(selected).toBeGreaterThan(0)
    expect(Math.abs(selected / eligible - 0.15)).toBeLessThan(0.01)
  })

  it('replaces selected positions 80% [MASK], 10% random non-special, 10% unchanged (+- 2%)', () => {
    let selected = 0
    let mask = 0
    let random = 0
    let same = 0
    let specialDrawn = 0
    for (let i = 0; i < ids.length; i++) {
      if (masked.labels[i] === IGNORE_INDEX) continue
      selected++
      if (masked.inputIds[i] === maskId) mask++
      else if (masked.inputIds[i] === ids[i]) same++
      else {
        random++
        if (specialIds.includes(masked.inputIds[i])) specialDrawn++
      }
    }
    expect(specialDrawn).toBe(0)
    // a random draw equal to the original counts as "unchanged" (1/995 of the random share: negligible)
    expect(Math.abs(mask / selected - 0.8)).toBeLessThan(0.02)
    expect(Math.abs(random / selected - 0.1)).toBeLessThan(0.02)
    expect(Math.abs(same / selected - 0.1)).toBeLessThan(0.02)
  })

  it('is deterministic for a seed and differs across seeds', () => {
    const again = maskTokens(ids, new Rng(123), { vocabSize, maskId, specialIds })
    const same = (a: Int32Array, b: Int32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer))
    expect(same(again.inputIds, masked.inputIds)).toBe(true)
    expect(same(again.labels, masked.labels)).toBe(true)
    expect(same(maskTokens(ids, new Rng(124), { vocabSize, maskId, specialIds }).labels, masked.labels)).toBe(false)
  })
})

describe('causal LM targets', () => {
  it('shifts by one token per row', () => {
    const windows = Int32Array.from([10, 11, 12, 13, 20, 21, 22, 23])
    const { inputIds, labels } = causalLmTargets(windows, 2, 4)
    expect([...inputIds]).toEqual([10, 11, 12, 20, 21, 22])
    expect([...labels]).toEqual([11, 12, 13, 21, 22, 23])
    expect(() => causalLmTargets(windows, 3, 4)).toThrow('causalLmTargets: 8 ids is not 3 x 4')
  })
})

describe('image classification batch', () => {
  it('gathers pixels and labels in NHWC', () => {
    const dataset: ImageDataset = {
      height: 1, width: 2, channels: 1, classNames: ['a', 'b'], count: 3,
      pixels: Float32Array.from([0, 0.1, 0.2, 0.3, 0.4, 0.5]), labels: Int32Array.from([0, 1, 0]), sources: ['x', 'y', 'z'],
    }
    const batch = imageClassificationBatch(dataset, [2, 0])
    expect(batch.shape).toEqual([2, 1, 2, 1])
    expect([...batch.pixels]).toEqual([...Float32Array.from([0.4, 0.5, 0, 0.1])])
    expect([...batch.labels]).toEqual([0, 0])
    expect(() => imageClassificationBatch(dataset, [3])).toThrow('Image index 3 is outside the dataset (3 examples)')
  })
})
