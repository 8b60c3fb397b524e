import { describe, expect, it } from 'vitest'
import type { CarbonAssumptions, EnergySourceSummary } from '../../shared'
import { energySourceLine, formatEnergySection } from './info-energy'

const unreadableRapl: EnergySourceSummary = {
  id: 'powercap',
  label: 'Linux powercap (RAPL)',
  state: 'unreadable',
  accuracy: 'measured',
  used: false,
  reason: 'not available; the CPU is estimated instead',
  detail: 'package-0 (intel-rapl:0): not readable (EACCES)',
  howToFix: 'grant read access:\n  sudo chmod o+r /sys/class/powercap/intel-rapl:0/energy_uj',
  devices: ['package-0'],
}
const estimate: EnergySourceSummary = {
  id: 'estimate',
  label: 'Estimate from CPU time',
  state: 'found',
  accuracy: 'estimated',
  used: true,
  reason: "an estimate from this process's CPU time",
  detail: "this process's CPU time × 4.00 W per thread",
  howToFix: null,
  devices: ['cpu-process'],
}
const carbon: CarbonAssumptions = {
  region: 'DE',
  regionName: 'Germany',
  gramsPerKwh: 381,
  source: 'Ember',
  year: 2023,
  pue: 1,
  origin: { region: 'flag', pue: 'default', intensity: 'default' },
  text: '381 gCO2e/kWh, Germany (DE), 2023 average from Ember; PUE 1 (no building overhead)',
}

describe('the Energy section of ligo info', () => {
  it('calls an estimate an estimate and says why an unused source is not used', () => {
    expect(energySourceLine(estimate)).toBe("Estimate from CPU time: in use, ESTIMATE, not a measurement; this process's CPU time × 4.00 W per thread")
    expect(energySourceLine(unreadableRapl)).toBe('Linux powercap (RAPL): found but not readable, not used (would be measured); package-0 (intel-rapl:0): not readable (EACCES)')
  })

  it('lists every source, the carbon assumptions, then how to make the unreadable one readable', () => {
    const section = formatEnergySection({ energy: [unreadableRapl, estimate], carbon } as never)
    expect(section.rows.map(([label]) => label)).toEqual(['Energy', '', 'Carbon'])
    expect(section.rows[2][1]).toBe(carbon.text)
    expect(section.notes).toBe(
      '\n\nTo measure energy instead of estimating it:\n  Linux powercap (RAPL):\n    grant read access:\n      sudo chmod o+r /sys/class/powercap/intel-rapl:0/energy_uj',
    )
  })

  it('names a carbon setting that could not be used, and shows nothing for an engine without energy facts', () => {
    const section = formatEnergySection({ energy: [estimate], carbon: { ...carbon, problem: 'LIGO_PUE must be at least 1, got 0.5.' } } as never)
    expect(section.notes).toBe('\n\nCarbon setting ignored:\n  LIGO_PUE must be at least 1, got 0.5.')
    expect(formatEnergySection({} as never)).toEqual({ rows: [], notes: '' })
  })
})
