import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakePowercapTree, type FakePowercapTree } from './fake-hardware'
import { PowercapSource } from './powercap'

const RANGE = 262_143_328_850 // a real Intel max_energy_range_uj

let tree: FakePowercapTree | null = null
afterEach(async () => {
  await tree?.remove()
  tree = null
})

/** A typical server tree: package + core + uncore + dram, a psys zone and the MMIO duplicate of package-0. */
async function serverTree(): Promise<FakePowercapTree> {
  tree = await createFakePowercapTree([
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, maxEnergyRangeUj: RANGE },
    { dir: 'intel-rapl:0:0', name: 'core', energyUj: 500_000, maxEnergyRangeUj: RANGE },
    { dir: 'intel-rapl:0:1', name: 'uncore', energyUj: 100_000, maxEnergyRangeUj: RANGE },
    { dir: 'intel-rapl:0:2', name: 'dram', energyUj: 50_000, maxEnergyRangeUj: 65_712_999_613 },
    { dir: 'intel-rapl:1', name: 'psys', energyUj: 9_000_000, maxEnergyRangeUj: RANGE },
    { dir: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 1_000_000, maxEnergyRangeUj: RANGE },
  ])
  return tree
}

describe('PowercapSource', () => {
  it('finds package and dram zones, skips core/uncore/psys and the MMIO duplicate', async () => {
    const t = await serverTree()
    const source = new PowercapSource({ root: t.root })
    const status = await source.probe()
    expect(status).toMatchObject({ state: 'found', accuracy: 'measured', howToFix: null })
    expect(status.devices.sort()).toEqual(['dram-0', 'package-0'])
    const found = await source.discover()
    expect(Object.fromEntries(found.skipped.map((s) => [s.dir, s.reason]))).toEqual({
      'intel-rapl:0:0': 'core is part of the package counter',
      'intel-rapl:0:1': 'uncore is part of the package counter',
      'intel-rapl:1': 'psys covers the whole platform and would double count package and dram',
      'intel-rapl-mmio:0': "duplicate of the MSR interface's package-0",
    })
  })

  it('reads cumulative joules from energy_uj deltas, starting at 0', async () => {
    const t = await serverTree()
    const source = new PowercapSource({ root: t.root })
    const first = await source.read()
    expect(first.readings.map((r) => [r.deviceId, r.energyJoules, r.method])).toEqual([
      ['package-0', 0, 'counter'],
      ['dram-0', 0, 'counter'],
    ])
    await t.setEnergy('intel-rapl:0', 1_000_000 + 42_500_000) // +42.5 J
    await t.setEnergy('intel-rapl:0:2', 50_000 + 3_000_000) // +3 J
    const second = await source.read()
    expect(second.readings.find((r) => r.deviceId === 'package-0')?.energyJoules).toBeCloseTo(42.5, 9)
    expect(second.readings.find((r) => r.deviceId === 'dram-0')?.energyJoules).toBeCloseTo(3, 9)
  })

  it('unfolds a wrap-around with max_energy_range_uj', async () => {
    tree = await createFakePowercapTree([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: RANGE - 1_000_000, maxEnergyRangeUj: RANGE }])
    const source = new PowercapSource({ root: tree.root })
    await source.read()
    await tree.setEnergy('intel-rapl:0', 2_000_000) // wrapped: 1 J to the top, then 2 J
    const sample = await source.read()
    expect(sample.readings[0].energyJoules).toBeCloseTo(3, 9)
    expect(sample.notes.join()).toContain('wrapped around')
    await tree.setEnergy('intel-rapl:0', 7_000_000)
    expect((await source.read()).readings[0].energyJoules).toBeCloseTo(8, 9)
  })

  it('treats a decrease without a known range as a reset (no energy counted)', async () => {
    tree = await createFakePowercapTree([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5_000_000 }])
    const source = new PowercapSource({ root: tree.root })
    await source.read()
    await tree.setEnergy('intel-rapl:0', 1_000_000)
    const sample = await source.read()
    expect(sample.readings[0].energyJoules).toBe(0)
    expect(sample.notes.join()).toContain('went backwards without a known range')
  })

  it('explains unreadable counters (EACCES, as for non-root since CVE-2020-8694) and how to grant access', async () => {
    const t = await serverTree()
    const denied = async (path: string): Promise<string> => {
      if (path.endsWith('energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' })
      return readFile(path, 'utf8')
    }
    const source = new PowercapSource({ root: t.root, readText: denied })
    const status = await source.probe()
    expect(status.state).toBe('unreadable')
    expect(status.detail).toContain('not readable (EACCES)')
    expect(status.howToFix).toContain(`sudo chmod o+r ${join(t.root, 'intel-rapl:0', 'energy_uj')}`)
    expect(status.howToFix).toContain('setfacl')
    expect(status.howToFix).toContain('udev')
    expect(status.howToFix).toContain('does not need\nroot')
    await expect(source.read()).rejects.toThrow('no readable RAPL zone')
  })

  it('reports a missing tree and a tree without RAPL zones as not found', async () => {
    const missing = await new PowercapSource({ root: '/nonexistent/powercap' }).probe()
    expect(missing).toMatchObject({ state: 'not-found', devices: [] })
    expect(missing.detail).toContain('no /nonexistent/powercap')
    tree = await createFakePowercapTree([{ dir: 'intel-rapl:0:0', name: 'core', energyUj: 1 }])
    const empty = await new PowercapSource({ root: tree.root }).probe()
    expect(empty.state).toBe('not-found')
    expect(empty.detail).toContain('core is part of the package counter')
  })

  it('can leave DRAM out', async () => {
    const t = await serverTree()
    expect((await new PowercapSource({ root: t.root, includeDram: false }).probe()).devices).toEqual(['package-0'])
  })
})
