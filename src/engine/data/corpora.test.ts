import { describe, expect, it } from 'vitest'
import { CORPORA, getCorpus, type ImageCorpus, type TextCorpus } from './corpora'
import { splitIndices } from './splits'

describe('built-in corpora', () => {
  it('every entry states a licence and a source', () => {
    expect(CORPORA.map((c) => c.id)).toEqual(['moby-dick', 'sotu', 'sotu-modern', 'mnist'])
    for (const c of CORPORA) {
      expect(c.license).toMatch(/\S/)
      expect(c.source).toMatch(/@\d/)
    }
    expect(() => getCorpus('wikitext')).toThrow('Unknown corpus "wikitext". Expected one of: moby-dick, sotu, sotu-modern, mnist')
  })

  it('moby-dick has 139 documents in book order; sotu 233 addresses, sotu-modern from 1946', () => {
    const moby = (getCorpus('moby-dick') as TextCorpus).loadDocuments()
    expect(moby.length).toBe(139)
    expect(moby[3].text.startsWith('CHAPTER 1. Loomings.')).toBe(true)
    expect(moby.reduce((n, d) => n + d.text.length, 0)).toBeGreaterThan(1_150_000)
    const sotu = (getCorpus('sotu') as TextCorpus).loadDocuments()
    expect(sotu.length).toBe(233)
    expect(sotu[0].id).toBe('1790_george_washington_n')
    const modern = (getCorpus('sotu-modern') as TextCorpus).loadDocuments()
    expect(modern[0].id.slice(0, 4) >= '1946').toBe(true)
    expect(modern.at(-1)!.id).toBe('2021_joseph_r_biden_d')
  })

  it('mnist loads 10 classes in file order with the documented class sizes and a deterministic split', () => {
    const mnist = (getCorpus('mnist') as ImageCorpus).loadImages()
    expect(mnist.count).toBe(10_000)
    expect([mnist.height, mnist.width, mnist.channels]).toEqual([28, 28, 1])
    const perClass = new Array(10).fill(0)
    for (const l of mnist.labels) perClass[l]++
    expect(perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978])
    let max = 0
    for (const v of mnist.pixels) max = Math.max(max, v)
    expect(max).toBeLessThanOrEqual(1)
    const a = splitIndices(mnist.count, { seed: 0, validationFraction: 0.1 })
    expect(splitIndices(mnist.count, { seed: 0, validationFraction: 0.1 })).toEqual(a)
    expect(new Set(a.validation.map((i) => mnist.labels[i])).size).toBe(10)
  })
})
