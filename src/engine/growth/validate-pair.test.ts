/** Unsupported pairs are refused with messages that name the field and both values. */
import { describe, expect, it } from 'vitest'
import { getPreset, tinyConfig, TINY_CONFIGS } from '../models'
import { checkDepthOnlyPair, checkGrowthPair } from './validate-pair'
import { getGrowthOperator } from './registry'

const bert = TINY_CONFIGS.bert
const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason)

describe('checkGrowthPair', () => {
  it('accepts the paper pairs and the tiny growth pairs', () => {
    for (const [from, to] of [['bert-small', 'bert-base'], ['roberta-small', 'roberta-base'], ['gpt2-base', 'gpt2-medium'], ['deit-s', 'deit-b'], ['cait-xs24', 'cait-s24'], ['vit-mini', 'vit-mini-grown']])
      expect(checkGrowthPair(getPreset(from).config, getPreset(to).config)).toEqual({ ok: true })
    expect(checkGrowthPair(bert, tinyConfig('bert', { hiddenSize: 12, numHeads: 3 }))).toEqual({ ok: true })
  })

  it('refuses a different family', () => {
    expect(reason(checkGrowthPair(bert, TINY_CONFIGS.gpt2))).toBe('cannot grow a bert model into a gpt2 model: growth keeps the family (source "bert", target "gpt2")')
  })

  it('refuses a narrower target', () => {
    const wide = tinyConfig('bert', { hiddenSize: 12, numHeads: 3 })
    expect(reason(checkGrowthPair(wide, bert))).toBe("target hiddenSize 8 is narrower than the source's 12: growth only widens")
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { intermediateSize: 6 })))).toBe("target intermediateSize 6 is narrower than the source's 12: growth only widens")
  })

  it('refuses a head-size change and says how many heads keep it', () => {
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { hiddenSize: 12, numHeads: 2 })))).toBe(
      'head size changes from 4 (8/2) to 6 (12/2): growth keeps the head size and adds heads; with hiddenSize 12 the target needs numHeads 3',
    )
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { numHeads: 4 })))).toMatch(/^head size changes from 4 \(8\/2\) to 2 \(8\/4\)/)
  })

  it('refuses fewer layers (and fewer CaiT class-attention blocks)', () => {
    expect(reason(checkGrowthPair(tinyConfig('bert', { numLayers: 3 }), bert))).toBe("target has numLayers 2, fewer than the source's 3: growth only deepens")
    expect(reason(checkGrowthPair(TINY_CONFIGS.cait, tinyConfig('cait', { numClassLayers: 1 })))).toBe("target has numClassLayers 1, fewer than the source's 2: growth only deepens")
  })

  it('refuses changed inputs or outputs', () => {
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { vocabSize: 20 })))).toBe("target vocabSize 20 differs from the source's 13: growth cannot change vocabSize")
    expect(reason(checkGrowthPair(TINY_CONFIGS.vit, tinyConfig('vit', { numClasses: 5 })))).toBe("target numClasses 5 differs from the source's 3: growth cannot change numClasses")
  })

  it('depth-only operators refuse width growth, naming both widths', () => {
    expect(reason(checkDepthOnlyPair(bert, tinyConfig('bert', { hiddenSize: 12, numHeads: 3 }), 'stackbert'))).toBe(
      'stackbert grows depth only and needs equal width: source hiddenSize/numHeads/intermediateSize 8/2/12, target 12/3/12',
    )
  })

  it('operators throw a GrowthError with the operator name', () => {
    expect(() => getGrowthOperator('net2net').grow({}, bert, TINY_CONFIGS.gpt2, { seed: 1 })).toThrow(/^Cannot grow with net2net: cannot grow a bert model into a gpt2 model/)
  })
})
