import { describe, expect, it } from 'vitest'
import { StudioError } from '../../shared'
import { estimateCarbon, JOULES_PER_KWH } from '../metrics/energy/carbon'
import { carbonAssumptions, carbonOptionsFor, resolveEnergySettings } from './energy-settings'

describe('resolveEnergySettings', () => {
  it('defaults to no region (world average) and PUE 1', () => {
    expect(resolveEnergySettings({ env: {} })).toEqual({
      gridRegion: null,
      pue: 1,
      gridIntensity: null,
      origin: { gridRegion: 'default', pue: 'default', gridIntensity: 'default' },
    })
  })

  it('reads the environment, normalises the code, and lets explicit values (flags) win', () => {
    const env = { LIGO_GRID_REGION: ' de ', LIGO_PUE: '1.4', LIGO_GRID_INTENSITY: '' }
    expect(resolveEnergySettings({ env })).toMatchObject({ gridRegion: 'DE', pue: 1.4, gridIntensity: null, origin: { gridRegion: 'environment', pue: 'environment' } })
    const both = resolveEnergySettings({ env, explicit: { gridRegion: 'fr', pue: undefined, gridIntensity: '120.5' } })
    expect(both).toMatchObject({ gridRegion: 'FR', pue: 1.4, gridIntensity: 120.5, origin: { gridRegion: 'flag', pue: 'environment', gridIntensity: 'flag' } })
    expect(resolveEnergySettings({ explicit: { pue: 1.2 }, explicitOrigin: 'params' }).origin.pue).toBe('params')
  })

  it('refuses an unknown region naming the variable, the value and a few valid codes', () => {
    const call = () => resolveEnergySettings({ env: { LIGO_GRID_REGION: 'XX' } })
    expect(call).toThrow(StudioError)
    expect(call).toThrow(/^Unknown grid region "XX" in LIGO_GRID_REGION\. Use a country code from the carbon table, e\.g\. DE, FR, GB, US, IN, CN \(also AT, /)
    expect(call).toThrow(/or WORLD for the world average; for another place set its gCO2e\/kWh with LIGO_GRID_INTENSITY or --grid-intensity\.$/)
    expect(() => resolveEnergySettings({ explicit: { gridRegion: 'Germany' } })).toThrow('Unknown grid region "Germany" in --grid-region.')
  })

  it('refuses a PUE below 1 or above 3 and a non-number, naming where it came from', () => {
    expect(() => resolveEnergySettings({ explicit: { pue: '0.9' } })).toThrow(/^--pue must be at least 1, got 0\.9: PUE is the building's total power/)
    expect(() => resolveEnergySettings({ env: { LIGO_PUE: '3.5' } })).toThrow('LIGO_PUE must be at most 3')
    expect(() => resolveEnergySettings({ env: { LIGO_PUE: 'one' } })).toThrow('LIGO_PUE must be a number (the power usage effectiveness, e.g. 1.2), got "one".')
    expect(() => resolveEnergySettings({ explicit: { gridIntensity: -5 }, explicitOrigin: 'params' })).toThrow(
      'the gridIntensity setting must be between 0 and 2000 gCO2e/kWh',
    )
  })
})

describe('carbon assumptions', () => {
  it('name the table row with its source and year, and the PUE', () => {
    const de = carbonAssumptions(resolveEnergySettings({ env: { LIGO_GRID_REGION: 'DE', LIGO_PUE: '1.5' } }))
    expect(de).toMatchObject({ region: 'DE', regionName: 'Germany', gramsPerKwh: 381, year: 2023, pue: 1.5 })
    expect(de.source).toContain('Ember')
    expect(de.text).toBe('381 gCO2e/kWh, Germany (DE), 2023 average from Ember (yearly electricity data) via Our World in Data, carbon-intensity-electricity; PUE 1.5')
    const world = carbonAssumptions(resolveEnergySettings({}))
    expect(world.text).toMatch(/^481 gCO2e\/kWh, world average \(no grid region set\), 2023 average from .*; PUE 1 \(no building overhead\)$/)
    expect(carbonAssumptions(resolveEnergySettings({ env: { LIGO_GRID_REGION: 'US' } })).source).toContain('not re-checked')
  })

  it('show a user intensity as the user\'s, without a table year', () => {
    const own = carbonAssumptions(resolveEnergySettings({ env: { LIGO_GRID_REGION: 'PL' }, explicit: { gridIntensity: '20' } }))
    expect(own).toMatchObject({ region: null, gramsPerKwh: 20, year: null, source: 'set by the user (--grid-intensity)' })
  })

  it('give estimateCarbon the same numbers (1 kWh in France at PUE 1.5 = 84 g)', () => {
    const settings = resolveEnergySettings({ explicit: { gridRegion: 'FR', pue: '1.5' } })
    const estimate = estimateCarbon(JOULES_PER_KWH, carbonOptionsFor(settings, 'estimated'))
    expect(estimate.gramsCO2e).toBeCloseTo(56 * 1.5, 9)
    expect(estimate.assumptions[0]).toContain('(estimated)')
    const own = estimateCarbon(JOULES_PER_KWH, carbonOptionsFor(resolveEnergySettings({ env: { LIGO_GRID_INTENSITY: '100' } })))
    expect(own).toMatchObject({ gramsCO2e: 100, intensitySource: 'set by the user (LIGO_GRID_INTENSITY)' })
  })
})
