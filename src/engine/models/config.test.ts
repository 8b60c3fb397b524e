import { describe, expect, it } from 'vitest'
import { makeConfig, maxSequenceLength, ModelConfigError, validateConfig } from './config'
import { TINY_CONFIGS } from './tiny-configs'

const bert = TINY_CONFIGS.bert

describe('validateConfig', () => {
  it('accepts every tiny config unchanged', () => {
    for (const config of Object.values(TINY_CONFIGS)) expect(validateConfig(config)).toEqual(config)
  })

  const cases: Array<[string, unknown, RegExp]> = [
    ['heads that do not divide the width', { ...bert, hiddenSize: 100, numHeads: 3 }, /Model config \(bert\): hidden size 100 is not divisible by 3 heads/],
    ['an unknown family', { ...bert, family: 't5' }, /unknown family "t5". Expected one of: bert, roberta, gpt2, vit, deit, cait/],
    ['a missing field', { ...bert, vocabSize: undefined }, /\(bert\): missing field "vocabSize"/],
    ['an unknown field', { ...bert, hiddenSIze: 8 }, /\(bert\): unknown field "hiddenSIze"/],
    ['a fractional layer count', { ...bert, numLayers: 1.5 }, /numLayers must be a positive integer, got 1.5/],
    ['zero layers', { ...bert, numLayers: 0 }, /numLayers must be a positive integer, got 0/],
    ['a dropout of 1', { ...bert, hiddenDropout: 1 }, /hiddenDropout must be in \[0, 1\), got 1/],
    ['a zero eps', { ...bert, layerNormEps: 0 }, /layerNormEps must be positive, got 0/],
    ['a non-boolean tie', { ...bert, tieWordEmbeddings: 'yes' }, /tieWordEmbeddings must be true or false, got "yes"/],
    ['a pad id outside the vocabulary', { ...bert, padTokenId: 13 }, /padTokenId 13 is outside the vocabulary of 13/],
    ['a RoBERTa position table without room', { ...TINY_CONFIGS.roberta, maxPositions: 2 }, /maxPositions 2 leaves no room: RoBERTa positions start at padTokenId \+ 1 = 2/],
    ['a patch that does not tile the image', { ...TINY_CONFIGS.vit, patchSize: 3 }, /\(vit\): image size 8 is not divisible by patch size 3/],
    ['CaiT without class-attention blocks', { ...TINY_CONFIGS.cait, numClassLayers: 0 }, /numClassLayers must be a positive integer, got 0/],
    ['a string where a number belongs', { ...TINY_CONFIGS.gpt2, vocabSize: '11' }, /\(gpt2\): vocabSize must be a finite number, got "11"/],
    ['not an object', 42, /Model config must be an object/],
  ]
  for (const [what, config, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => validateConfig(config)).toThrow(message)
      expect(() => validateConfig(config)).toThrow(ModelConfigError)
    })
  }

  it('config errors carry the invalid_request code across process boundaries', () => {
    try {
      validateConfig({ ...bert, numHeads: 3 })
    } catch (error) {
      expect((error as ModelConfigError).toJSON()).toEqual({ code: 'invalid_request', message: expect.stringMatching(/not divisible by 3 heads/) })
    }
  })
})

describe('makeConfig', () => {
  it('fills family defaults (RoBERTa: pad 1, eps 1e-5, one token type) and lets fields override them', () => {
    const c = makeConfig('roberta', { vocabSize: 50, maxPositions: 20, hiddenSize: 16, numHeads: 2, numLayers: 1, intermediateSize: 32, hiddenDropout: 0 })
    expect([c.padTokenId, c.layerNormEps, c.typeVocabSize, c.hiddenDropout]).toEqual([1, 1e-5, 1, 0])
    expect(maxSequenceLength(c)).toBe(18)
  })
})
