import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { carbonAssumptionsForRecord, collectEnergyFacts, toEnergySourceSummary } from './hardware-facts'
import { createFakePowercapTree, type FakePowercapTree } from './fake-hardware'
import { PowercapSource } from './powercap'

let tree: FakePowercapTree | null = null
afterEach(async () => {
  await tree?.remove()
  tree = null
})

const noGpu = { nvidiaSmi: '/nonexistent/nvidia-smi' }

describe('energy facts for the hardware record', () => {
  it('on a machine without counters: the CPU-time estimate is used and labelled estimated', async () => {
    const facts = await collectEnergyFacts({ env: {}, setup: { ...noGpu, powercapRoot: '/nonexistent/powercap', estimate: { cpuModel: 'Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz' } } })
    expect(facts.energy.map((s) => [s.id, s.state, s.accuracy, s.used])).toEqual([
      ['powercap', 'not-found', 'measured', false],
      ['nvidia', 'not-found', 'measured', false],
      ['estimate', 'found', 'estimated', true],
    ])
    expect(facts.carbon).toMatchObject({ region: 'WORLD', gramsPerKwh: 481, pue: 1 })
  })

  it('with a readable RAPL tree: RAPL measures the CPU and the estimate is not used', async () => {
    tree = await createFakePowercapTree([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5_000_000, maxEnergyRangeUj: 262_143_328_850 }])
    const facts = await collectEnergyFacts({ env: { LIGO_GRID_REGION: 'se' }, setup: { ...noGpu, powercapRoot: tree.root } })
    expect(facts.energy.find((s) => s.id === 'powercap')).toMatchObject({ state: 'found', accuracy: 'measured', used: true, devices: ['package-0'] })
    expect(facts.energy.find((s) => s.id === 'estimate')).toMatchObject({ used: false, reason: 'not needed: RAPL measures the CPU' })
    expect(facts.carbon).toMatchObject({ region: 'SE', gramsPerKwh: 41 })
  })

  it('keeps the how-to-fix text of unreadable RAPL counters (EACCES) in the summary', async () => {
    tree = await createFakePowercapTree([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 1, maxEnergyRangeUj: 100 }])
    const denied = async (path: string): Promise<string> => {
      if (path.endsWith('energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' })
      return readFile(path, 'utf8')
    }
    const status = await new PowercapSource({ root: tree.root, readText: denied }).probe()
    const summary = toEnergySourceSummary({ ...status, used: false, reason: 'not available; the CPU is estimated instead' })
    expect(summary).toMatchObject({ id: 'powercap', state: 'unreadable', accuracy: 'measured', used: false })
    expect(summary.howToFix).toContain('sudo setfacl -m u:$USER:r')
    expect(summary.howToFix).toContain('does not need\nroot')
  })

  it('shows the record with default carbon assumptions and the problem when a setting is bad', () => {
    const carbon = carbonAssumptionsForRecord({ LIGO_PUE: '0.5' })
    expect(carbon).toMatchObject({ region: 'WORLD', pue: 1 })
    expect(carbon.problem).toMatch(/^LIGO_PUE must be at least 1, got 0\.5: .* The defaults are used instead\.$/)
  })
})
