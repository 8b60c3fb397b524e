/** Unsupported pairs are refused with messages that name the field and both values. */
import { describe, expect, it } from 'vitest'
import { getPreset, tinyConfig, TINY_CONFIGS, type ViTConfig } from '../models'
import { checkGrowthPair } from './validate-pair'
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
    expect(reason(checkGrowthPair(bert, TINY_CONFIGS.gpt2))).toBe('the target is a gpt2 model and the source a bert model: growth keeps the family')
  })

  it('refuses a narrower target', () => {
    const wide = tinyConfig('bert', { hiddenSize: 12, numHeads: 3 })
    expect(reason(checkGrowthPair(wide, bert))).toBe("hidden size 8 is below the source's 12: growth only widens; heads 2 is below the source's 3: growth only widens")
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { intermediateSize: 6 })))).toBe("FFN width 6 is below the source's 12: growth only widens")
  })

  it('refuses a head-size change and says how many heads keep it', () => {
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { hiddenSize: 12, numHeads: 2 })))).toBe('2 heads would change the head size 4: hidden size 12 needs 3 heads')
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { numHeads: 4 })))).toBe('4 heads would change the head size 4: hidden size 8 needs 2 heads')
  })

  it('refuses fewer layers (and fewer CaiT class-attention blocks)', () => {
    expect(reason(checkGrowthPair(tinyConfig('bert', { numLayers: 3 }), bert))).toBe("layers 2 is below the source's 3: growth only deepens")
    expect(reason(checkGrowthPair(TINY_CONFIGS.cait, tinyConfig('cait', { numClassLayers: 1 })))).toBe("class-attention layers 1 is below the source's 2: growth only deepens")
  })

  it('names every problem at once, in the designer\'s words', () => {
    expect(reason(checkGrowthPair(tinyConfig('bert', { numLayers: 3, intermediateSize: 16 }), bert))).toBe("layers 2 is below the source's 3: growth only deepens; FFN width 12 is below the source's 16: growth only widens")
    const vit = TINY_CONFIGS.vit as ViTConfig
    expect(reason(checkGrowthPair(vit, { ...vit, qkvBias: !vit.qkvBias }))).toBe(`qkvBias ${!vit.qkvBias} differs from the source's ${vit.qkvBias}: growth keeps it`)
  })

  it('refuses changed inputs or outputs', () => {
    expect(reason(checkGrowthPair(bert, tinyConfig('bert', { vocabSize: 20 })))).toBe("vocabSize 20 differs from the source's 13: growth keeps it")
    expect(reason(checkGrowthPair(TINY_CONFIGS.vit, tinyConfig('vit', { numClasses: 5 })))).toBe("numClasses 5 differs from the source's 3: growth keeps it")
  })

  it('operators throw a GrowthError with the operator name', () => {
    expect(() => getGrowthOperator('net2net').grow({}, bert, TINY_CONFIGS.gpt2, { seed: 1 })).toThrow(/^Cannot grow with net2net: the target is a gpt2 model and the source a bert model/)
  })
})
