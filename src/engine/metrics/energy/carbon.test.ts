import { describe, expect, it } from 'vitest'
import { CARBON_INTENSITY_TABLE } from './carbon-intensity-table'
import { JOULES_PER_KWH, estimateCarbon } from './carbon'

describe('estimateCarbon', () => {
  it('kWh × grid intensity, with the region row named in the assumptions', () => {
    const result = estimateCarbon(JOULES_PER_KWH, { region: 'de', energyAccuracy: 'estimated' })
    expect(result).toMatchObject({ energyKwh: 1, facilityKwh: 1, gramsCO2e: 381, gramsPerKwh: 381, region: 'DE', intensityYear: 2023, pue: 1 })
    expect(result.assumptions[0]).toBe(
      'Energy 1.00 kWh (estimated): CPU, GPU and DRAM as metered; display, disk, network and the rest of the machine are not counted.',
    )
    expect(result.assumptions[1]).toBe('PUE 1: no building overhead (a desktop or a laptop).')
    expect(result.assumptions[2]).toContain('Grid intensity 381 gCO2e/kWh for Germany (DE): 2023 yearly average')
  })

  it('applies PUE to the energy before the intensity', () => {
    // 18 MJ = 5 kWh; × PUE 1.5 = 7.5 kWh; × 56 g/kWh (France) = 420 g
    const result = estimateCarbon(18e6, { region: 'FR', pue: 1.5 })
    expect(result.facilityKwh).toBeCloseTo(7.5, 12)
    expect(result.gramsCO2e).toBeCloseTo(420, 9)
    expect(result.assumptions[1]).toBe('PUE 1.5: 50% added for cooling and power delivery of the building.')
  })

  it('uses the world average when no location is set, and a user override before any table row', () => {
    const world = estimateCarbon(JOULES_PER_KWH / 2)
    expect(world).toMatchObject({ region: 'WORLD', gramsPerKwh: 481, gramsCO2e: 240.5 })
    expect(world.assumptions[2]).toContain('the world average, because no location is set')
    const own = estimateCarbon(JOULES_PER_KWH, { region: 'PL', intensityOverride: { gramsPerKwh: 20, source: 'my green tariff' } })
    expect(own).toMatchObject({ region: null, gramsCO2e: 20, intensitySource: 'my green tariff', intensityYear: null })
    expect(own.assumptions[2]).toBe('Grid intensity 20 gCO2e/kWh, my green tariff.')
  })

  it('says when a row was not re-checked against its source', () => {
    expect(estimateCarbon(1, { region: 'US' }).assumptions[2]).toContain('not re-checked')
    expect(estimateCarbon(1, { region: 'SE' }).assumptions[2]).not.toContain('not re-checked')
  })

  it('refuses unknown regions and impossible inputs with the allowed values', () => {
    expect(() => estimateCarbon(1, { region: 'XX' })).toThrow(/Unknown grid region 'XX'. Expected one of: WORLD, AT, AU/)
    expect(() => estimateCarbon(1, { pue: 0.9 })).toThrow('PUE must be between 1 and 3, got 0.9')
    expect(() => estimateCarbon(-1)).toThrow('energy must be a finite number of joules >= 0, got -1')
    expect(() => estimateCarbon(1, { intensityOverride: { gramsPerKwh: 5000 } })).toThrow('between 0 and 2000')
  })

  it('every table row has a unique code, a year, a source and a plausible value', () => {
    expect(new Set(CARBON_INTENSITY_TABLE.map((r) => r.code)).size).toBe(CARBON_INTENSITY_TABLE.length)
    for (const row of CARBON_INTENSITY_TABLE) {
      expect(row.code).toMatch(/^([A-Z]{2}|WORLD)$/)
      expect(row.year).toBeGreaterThanOrEqual(2020)
      expect(row.source.length).toBeGreaterThan(10)
      expect(row.gramsPerKwh).toBeGreaterThan(0)
      expect(row.gramsPerKwh).toBeLessThan(1200)
    }
  })
})
