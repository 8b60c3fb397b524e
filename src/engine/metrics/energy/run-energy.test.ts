import { describe, expect, it } from 'vitest'
import { DEFAULT_ENERGY_SETTINGS, resolveEnergySettings } from '../../settings/energy-settings'
import { EstimateSource } from './estimate'
import type { EnergySourceDescription } from './index'
import { RunEnergy } from './run-energy'
import type { DeviceReading, EnergySource, Sample, SourceStatus } from './types'

/** A RAPL-like counter whose cumulative joules the test sets. */
class CounterSource implements EnergySource {
  readonly id = 'powercap' as const
  joules = 0
  async probe(): Promise<SourceStatus> {
    return { sourceId: 'powercap', state: 'found', accuracy: 'measured', label: 'Linux powercap (RAPL)', detail: 'package-0', howToFix: null, devices: ['package-0'] }
  }
  async read(): Promise<Sample> {
    const reading: DeviceReading = { deviceId: 'package-0', kind: 'cpu-package', label: 'package-0', method: 'counter', energyJoules: this.joules }
    return { sourceId: 'powercap', readings: [reading], notes: [] }
  }
}

async function describeUsed(source: EnergySource): Promise<EnergySourceDescription[]> {
  return [{ ...(await source.probe()), used: true, reason: 'test source' }]
}

function fakeMeter() {
  const clock = { now: 0 }
  return { clock, meter: { now: () => clock.now, schedule: () => () => {} } }
}

describe('RunEnergy', () => {
  it('gives each metrics line its window, the cumulative joules, per-phase totals and tagged samples', async () => {
    const rapl = new CounterSource()
    const { clock, meter } = fakeMeter()
    const run = await RunEnergy.start({ settings: DEFAULT_ENERGY_SETTINGS, phase: 'operator', chosen: { sources: [rapl], descriptions: await describeUsed(rapl) }, meter })
    clock.now = 2000
    rapl.joules = 60 // 30 W over 2 s of operator training
    await run.mark('main')
    clock.now = 5000
    rapl.joules = 210 // 50 W over 3 s
    const first = await run.window(10)
    expect(first).toMatchObject({
      joules: 210,
      windowJoules: 210,
      windowSeconds: 5,
      window: { fromStep: 1, toStep: 10 },
      phase: 'main',
      accuracy: 'measured',
      byMethod: { counter: 210 },
      byPhase: { operator: 60, main: 150 },
    })
    expect(first.samples).toEqual([
      { t: 2, dt: 2, source: 'powercap', device: 'package-0', method: 'counter', phase: 'operator', joules: 60, watts: 30 },
      { t: 5, dt: 3, source: 'powercap', device: 'package-0', method: 'counter', phase: 'main', joules: 150, watts: 50 },
    ])
    clock.now = 6000
    rapl.joules = 250
    const second = await run.window(20)
    expect(second).toMatchObject({ joules: 250, windowJoules: 40, windowSeconds: 1, window: { fromStep: 11, toStep: 20 }, byPhase: { operator: 60, main: 190 } })
    expect(second.samples).toHaveLength(1)
    await run.stop()
  })

  it('continues the cumulative joules of a resumed run and records sources and carbon for the manifest', async () => {
    const rapl = new CounterSource()
    rapl.joules = 1000 // a counter never starts at zero: only differences count
    const { clock, meter } = fakeMeter()
    const previous = { joules: 500, windowJoules: 40, windowSeconds: 1, window: { fromStep: 91, toStep: 100 }, phase: 'main', accuracy: 'estimated' as const, byMethod: { estimate: 500 }, byPhase: { operator: 100, main: 400 }, samples: [] }
    const settings = resolveEnergySettings({ env: { LIGO_GRID_REGION: 'FR', LIGO_PUE: '1.2' } })
    const run = await RunEnergy.start({ settings, previous, startStep: 100, chosen: { sources: [rapl], descriptions: await describeUsed(rapl) }, meter })
    clock.now = 1000
    rapl.joules = 1080
    const line = await run.window(110)
    expect(line).toMatchObject({ joules: 580, windowJoules: 80, window: { fromStep: 101, toStep: 110 }, accuracy: 'mixed', byMethod: { estimate: 500, counter: 80 }, byPhase: { operator: 100, main: 480 } })
    const manifest = run.manifest()
    expect(manifest.sources).toEqual([expect.objectContaining({ id: 'powercap', accuracy: 'measured', used: true })])
    expect(manifest.carbon).toMatchObject({ region: 'FR', gramsPerKwh: 56, year: 2023, pue: 1.2 })
    expect(manifest.scope).toContain('RAPL: whole CPU packages')
    await run.stop()
  })

  it('meters a real CPU burn with the estimate: joules grow with this process\'s CPU time (no trainer involved)', async () => {
    const estimate = new EstimateSource({ wattsPerThread: 10 })
    const cpu0 = process.cpuUsage()
    const run = await RunEnergy.start({ settings: DEFAULT_ENERGY_SETTINGS, chosen: { sources: [estimate], descriptions: await describeUsed(estimate) }, intervalMs: 50, meter: { minIntervalMs: 1 } })
    // Burns a given amount of CPU time (not wall time: on a busy machine the two differ).
    const burn = (cpuMs: number) => {
      const start = process.cpuUsage()
      let x = 0
      for (;;) {
        for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i)
        const used = process.cpuUsage(start)
        if ((used.user + used.system) / 1000 >= cpuMs) return x
      }
    }
    burn(150)
    const first = await run.window(1)
    burn(300)
    const second = await run.window(2)
    await run.stop()
    const cpu = process.cpuUsage(cpu0)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    expect(first.accuracy).toBe('estimated')
    expect(first.samples.every((s) => s.source === 'estimate' && s.method === 'estimate' && s.device === 'cpu-process')).toBe(true)
    // Each window holds at least its burn (0.15 s, then 0.3 s of CPU at 10 W), and the run never more than the
    // process's CPU time × 10 W: the estimate is exactly that product.
    expect(first.windowJoules).toBeGreaterThanOrEqual(1.5)
    expect(second.windowJoules).toBeGreaterThanOrEqual(3)
    expect(second.joules).toBeCloseTo(first.joules + second.windowJoules, 9)
    expect(second.joules).toBeLessThanOrEqual(cpuSeconds * 10 + 1e-9)
  })
})
