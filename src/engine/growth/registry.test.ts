/** Every registered operator, every family: exactly the large config's parameter names and shapes, finite forward. */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkParameters, FAMILY_NAMES, forward, tinyConfig, tinyInputs, type ModelConfig, type ModelInputs } from '../models'
import { depthPair, disposeAll, fullPair, trainedLikeParams, wholeFactorPair } from './growth.testing'
import { getGrowthOperator, GROWTH_OPERATORS } from './registry'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function growAndCheck(method: string, small: ModelConfig, large: ModelConfig): void {
  const op = getGrowthOperator(method)
  const smallParams = trainedLikeParams(small)
  const before = tf.memory().numTensors
  const grown = op.grow(smallParams, small, large, { seed: 3 })
  try {
    checkParameters(grown, large)
    tf.tidy(() => {
      const logits = forward(grown, large, tinyInputs(large) as ModelInputs, { training: false })
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true)
    })
  } finally {
    disposeAll(grown)
  }
  expect(tf.memory().numTensors).toBe(before) // the operator leaks nothing and keeps the small tensors
  disposeAll(smallParams)
}

describe('growth registry', () => {
  it('registers every operator under its own name', () => {
    for (const [name, op] of Object.entries(GROWTH_OPERATORS)) expect(op.name).toBe(name)
  })

  it('refuses unknown names with the list of known ones', () => {
    expect(() => getGrowthOperator('lego')).toThrow('Unknown growth operator "lego". Expected one of: ligo, scratch')
  })

  for (const method of Object.keys(GROWTH_OPERATORS)) {
    for (const family of FAMILY_NAMES) {
      it(`${method} grows ${family}: depth ×2, and depth ×2 + width ×1.5 where it grows width`, () => {
        const op = GROWTH_OPERATORS[method]
        const depth = depthPair(family)
        const full = fullPair(family)
        expect(op.supports(depth.small, depth.large)).toEqual({ ok: true })
        growAndCheck(method, depth.small, depth.large)
        if (op.grows.width) {
          const support = op.supports(full.small, full.large)
          if (support.ok) growAndCheck(method, full.small, full.large)
          else {
            // An operator may grow some families by whole factors only (LEMON on post-LN): it says so and grows ×2.
            expect(support.reason).toContain('whole factor')
            const whole = wholeFactorPair(family)
            expect(op.supports(whole.small, whole.large)).toEqual({ ok: true })
            growAndCheck(method, whole.small, whole.large)
          }
        } else {
          const refused = op.supports(full.small, full.large)
          expect(refused.ok).toBe(false)
          expect(() => op.grow({}, full.small, full.large, { seed: 1 })).toThrow(`Cannot grow with ${method}: ${method} grows depth only and needs equal width`)
        }
      })
    }
  }

  it('handles tie and pooler differences between the two configs (BERT-Small unties, BERT-Base ties)', () => {
    const small = tinyConfig('bert', { tieWordEmbeddings: false, addPooler: false })
    for (const large of [tinyConfig('bert', { numLayers: 4, hiddenSize: 12, numHeads: 3, intermediateSize: 18, tieWordEmbeddings: true, addPooler: true }), tinyConfig('bert', { numLayers: 4, hiddenSize: 12, numHeads: 3, intermediateSize: 18, tieWordEmbeddings: false })])
      for (const method of ['ligo', 'net2net', 'bert2bert-aki']) growAndCheck(method, small, large)
    const tiedSmall = tinyConfig('bert', { tieWordEmbeddings: true })
    growAndCheck('ligo', tiedSmall, tinyConfig('bert', { numLayers: 4, tieWordEmbeddings: false }))
  })
})
