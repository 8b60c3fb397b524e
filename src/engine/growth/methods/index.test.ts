import { describe, expect, it } from 'vitest'
import { tinyConfig, TINY_CONFIGS } from '../../models'
import { growthTarget, resolveSettings, settingFlag } from '../method'
import { GROWTH_OPERATORS } from '../registry'
import { getGrowthMethod, GROWTH_METHOD_LIST, methodCatalog, METHOD_NAMES } from '.'

describe('growth method descriptors', () => {
  it('one descriptor per operator, scratch first, names unique', () => {
    expect(METHOD_NAMES[0]).toBe('scratch')
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(GROWTH_OPERATORS).sort())
    expect(() => getGrowthMethod('magic')).toThrow('Unknown growth method "magic". Expected one of: scratch, ligo,')
  })

  it('the catalogue is plain JSON with every field the designer form needs', () => {
    const catalog = methodCatalog()
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog)
    for (const info of catalog) {
      expect(info.label.length, info.name).toBeGreaterThan(10)
      expect(info.docs, info.name).toMatch(/^docs\/growth\/[a-z-]+\.md$/)
      for (const s of info.settings) {
        expect(s.help.length, `${info.name}.${s.name}`).toBeGreaterThan(5)
        if (s.type === 'choice') expect(s.choices, s.name).toContain(s.default)
      }
    }
  })

  it('settings resolve to their defaults, refuse unknown names and out-of-range values naming the parameter', () => {
    for (const method of GROWTH_METHOD_LIST) {
      expect(resolveSettings(method)).toEqual(Object.fromEntries(method.settings.map((s) => [s.name, s.default])))
    }
    const ki = getGrowthMethod('ki')
    expect(resolveSettings(ki, { distillFraction: 0.25 })).toEqual({ distillFraction: 0.25 })
    expect(() => resolveSettings(ki, { distillFraction: 2 })).toThrow('`settings.ki.distillFraction` must be a number from 0 to 1, got 2')
    expect(() => resolveSettings(ki, { alpha: 1 })).toThrow('`settings.ki` has unknown setting(s) alpha; its settings: distillFraction')
    expect(() => resolveSettings(getGrowthMethod('ligo'), { parameterization: 'both' })).toThrow('must be one of official, paper')
  })

  it('CLI flags of all settings are distinct', () => {
    const flags = GROWTH_METHOD_LIST.flatMap((m) => m.settings.map((s) => settingFlag(m, s)))
    expect(new Set(flags).size).toBe(flags.length)
  })

  it("growthTarget: LEMON's targetConfig sets the LayerNorm eps it needs; every other method keeps the asked config", () => {
    const small = TINY_CONFIGS.gpt2
    const large = tinyConfig('gpt2', { hiddenSize: 12, numHeads: 3, intermediateSize: 18 })
    const lemon = getGrowthMethod('lemon')
    expect(growthTarget(lemon, small, large, resolveSettings(lemon))).toEqual({ ...large, layerNormEps: (small.layerNormEps * 8) / 12 })
    for (const method of GROWTH_METHOD_LIST.filter((m) => m.name !== 'lemon')) expect(growthTarget(method, small, large, resolveSettings(method))).toBe(large)
  })
})
