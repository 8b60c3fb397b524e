import { afterEach, describe, expect, it } from 'vitest'
import { createFakeNvidiaSmi, createFakePowercapTree, type FakeNvidiaSmi, type FakePowercapTree } from './fake-hardware'
import { createEnergySources, describeEnergySources } from './index'

let tree: FakePowercapTree | null = null
let smi: FakeNvidiaSmi | null = null
afterEach(async () => {
  await tree?.remove()
  await smi?.remove()
  tree = smi = null
})

describe('describeEnergySources / createEnergySources', () => {
  it('without RAPL or GPU (this machine): only the CPU estimate is used, labelled estimated', async () => {
    const list = await describeEnergySources({ powercapRoot: '/nonexistent/powercap', nvidiaSmi: '/nonexistent/nvidia-smi', estimate: { cpuModel: 'AMD EPYC' } })
    expect(list.map((d) => [d.sourceId, d.state, d.accuracy, d.used])).toEqual([
      ['powercap', 'not-found', 'measured', false],
      ['nvidia', 'not-found', 'measured', false],
      ['estimate', 'found', 'estimated', true],
    ])
  })

  it('with readable RAPL and an NVIDIA GPU: both measured sources are used and the estimate is not', async () => {
    tree = await createFakePowercapTree([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 10, maxEnergyRangeUj: 1e9 }])
    smi = await createFakeNvidiaSmi()
    await smi.respondDefault('0, GPU-1, 80.00, 350.00, 10, 123000, NVIDIA RTX A6000')
    const setup = await createEnergySources({ powercapRoot: tree.root, nvidiaSmi: smi.executable })
    expect(setup.sources.map((s) => s.id)).toEqual(['powercap', 'nvidia'])
    expect(setup.descriptions.map((d) => [d.sourceId, d.used, d.reason])).toEqual([
      ['powercap', true, 'measures the CPU packages (all processes on them) and DRAM'],
      ['nvidia', true, 'measures each NVIDIA GPU (whole board, shared with other processes)'],
      ['estimate', false, 'not needed: RAPL measures the CPU'],
    ])
  })
})
