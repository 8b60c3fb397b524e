import { describe, expect, it } from 'vitest'
import { paperPairFor } from './paper-figures'

describe('paperPairFor', () => {
  it("matches a family to the paper's pair for it", () => {
    expect(paperPairFor('bert')?.methods.ligo).toEqual({ flopsPercent: 44.7, wallPercent: 40.7 })
    expect(paperPairFor('vit')?.label).toBe('DeiT-S → DeiT-B')
    expect(paperPairFor('cait')?.methods.ligo.flopsPercent).toBe(52.6)
    expect(paperPairFor('unknown')).toBeNull()
    expect(paperPairFor(null)).toBeNull()
  })
})
