// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { installStudioClient } from '../../composables/client'
import { FakeStudioClient } from '../../testing/fake-studio-client'
import HardwareView from '../../views/HardwareView.vue'
import type { CarbonAssumptions, EnergySourceSummary } from '../../../../shared/energy'
import type { HardwareRecord } from '../../../../shared/hardware'
import { sampleHardwareRecord } from '../../testing/hardware-record'
import HardwareEnergy from './HardwareEnergy.vue'
import { withI18n } from '../../testing/mount-options'

const source = (over: Partial<EnergySourceSummary> & Pick<EnergySourceSummary, 'id' | 'label'>): EnergySourceSummary => ({
  state: 'not-found',
  accuracy: 'measured',
  used: false,
  reason: '',
  detail: '',
  howToFix: null,
  devices: [],
  ...over,
})

const sources: EnergySourceSummary[] = [
  source({ id: 'powercap', label: 'Linux powercap (RAPL)', state: 'unreadable', detail: 'package-0: not readable (EACCES)', howToFix: 'sudo setfacl -m u:$USER:r /sys/class/powercap/intel-rapl:0/energy_uj' }),
  source({ id: 'nvidia', label: 'NVIDIA GPUs (nvidia-smi)', detail: 'nvidia-smi is not installed' }),
  source({ id: 'estimate', label: 'Estimate from CPU time', state: 'found', accuracy: 'estimated', used: true, reason: 'the only CPU figure', detail: "this process's CPU time × 4.00 W per thread" }),
]
const carbon: CarbonAssumptions = {
  region: 'DE',
  regionName: 'Germany',
  gramsPerKwh: 381,
  source: 'Ember (yearly electricity data) via Our World in Data',
  year: 2023,
  pue: 1,
  origin: { region: 'environment', pue: 'default', intensity: 'default' },
  text: '',
}

const mountWith = (record: Partial<HardwareRecord>) => mount(HardwareEnergy, { ...withI18n(), props: { record: { ...sampleHardwareRecord(), ...record } } })

describe('HardwareEnergy', () => {
  it('lists every source with its status and accuracy, and warns that figures here are estimates', () => {
    const wrapper = mountWith({ energy: sources, carbon })
    expect(wrapper.get('[data-testid=energy-estimate-notice]').text()).toContain('Energy on this machine is an estimate')
    expect(wrapper.get('[data-testid=energy-estimate]').text()).toContain('In use')
    expect(wrapper.get('[data-testid=energy-estimate-accuracy]').text()).toBe('Estimate')
    expect(wrapper.get('[data-testid=energy-powercap]').text()).toContain('Not readable')
    expect(wrapper.get('[data-testid=energy-powercap-accuracy]').text()).toBe('Measured')
    expect(wrapper.get('[data-testid=energy-powercap-fix]').text()).toBe('sudo setfacl -m u:$USER:r /sys/class/powercap/intel-rapl:0/energy_uj')
    expect(wrapper.get('[data-testid=energy-nvidia]').text()).toContain('Not found')
    expect(wrapper.find('[data-testid=energy-nvidia-fix]').exists()).toBe(false)
  })

  it('shows the carbon intensity with its source, year and PUE', () => {
    const facts = mountWith({ energy: sources, carbon })
      .get('[data-testid=energy-carbon]')
      .findAll('dt, dd')
      .map((cell) => cell.text().replace(/\s+/g, ' '))
    expect(facts).toEqual([
      'Grid intensity',
      '381 gCO2e/kWh, Germany (DE)',
      'Source',
      'Ember (yearly electricity data) via Our World in Data, 2023',
      'PUE',
      '1 (no building overhead)',
    ])
  })

  it('has no estimate warning when a counter measures, names a bad setting, and copes with an older engine', () => {
    const measured = sources.map((s) => (s.id === 'powercap' ? { ...s, state: 'found' as const, used: true, howToFix: null } : s.id === 'estimate' ? { ...s, used: false } : s))
    const wrapper = mountWith({ energy: measured, carbon: { ...carbon, problem: 'Unknown grid region "XX" in LIGO_GRID_REGION.' } })
    expect(wrapper.find('[data-testid=energy-estimate-notice]').exists()).toBe(false)
    expect(wrapper.get('[role=alert]').text()).toBe('Unknown grid region "XX" in LIGO_GRID_REGION.')
    expect(mountWith({}).text()).toContain('This engine did not report its energy sources.')
  })
})

describe('HardwareView with energy facts', () => {
  it('shows the Energy card from the record the engine sent', async () => {
    const client = new FakeStudioClient()
    installStudioClient(client)
    setActivePinia(createPinia())
    const wrapper = mount(HardwareView, withI18n())
    client.calls.getHardware[0].resolve({ ...sampleHardwareRecord(), energy: sources, carbon })
    await flushPromises()
    expect(wrapper.get('#hw-energy-title').text()).toBe('Energy')
    expect(wrapper.get('[data-testid=energy-estimate-accuracy]').text()).toBe('Estimate')
  })
})
