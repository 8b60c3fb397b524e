import { describe, expect, it } from 'vitest'
import en from './runs.en'
import vi from './runs.vi'

type Tree = { [key: string]: string | Tree }
const leaves = (tree: Tree, prefix = ''): Array<[string, string]> =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)))
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('runs messages', () => {
  it('has every English key in Vietnamese, with the same placeholders and a translation', () => {
    const vietnamese = new Map(leaves(vi))
    const english = leaves(en)
    expect([...vietnamese.keys()].sort()).toEqual(english.map(([k]) => k).sort())
    for (const [key, text] of english) {
      expect(placeholders(vietnamese.get(key)!), key).toEqual(placeholders(text))
    }
    // Only unit-like strings may read the same in both languages
    const same = english.filter(([k, text]) => vietnamese.get(k) === text).map(([k]) => k)
    expect(same.every((k) => /export(Png|Svg|Csv|Json|Html|Tensorboard)$/.test(k)), same.join(', ')).toBe(true)
  })
})
