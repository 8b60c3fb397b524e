import { describe, expect, it } from 'vitest'
import { CPU_POWER_TABLE, DEFAULT_WATTS_PER_THREAD, cpuWattsPerThread } from './cpu-power-table'
import { EstimateSource, estimateGpuWatts } from './estimate'
import { EnergyMeter } from './meter'

describe('cpuWattsPerThread', () => {
  it.each([
    ['AMD EPYC', 'amd-epyc-9004', 360 / 192], // this machine's masked KVM model name
    ['AMD EPYC 7763 64-Core Processor', 'amd-epyc-7003', 280 / 128],
    ['Intel(R) Xeon(R) Platinum 8480+', 'intel-xeon-sapphire-rapids', 350 / 112],
    ['Intel(R) Xeon(R) CPU E5-2690 v4 @ 2.60GHz', 'intel-xeon', 270 / 80],
    ['11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz', 'intel-core-mobile', 28 / 8],
    ['13th Gen Intel(R) Core(TM) i9-13900K', 'intel-core-i9', 125 / 32],
    ['Intel(R) Core(TM) i5-12400', 'intel-core', 65 / 12],
    ['AMD Ryzen 7 7840U w/ Radeon 780M Graphics', 'amd-ryzen-mobile', 28 / 16],
    ['AMD Ryzen 9 7950X 16-Core Processor', 'amd-ryzen-9', 170 / 32],
    ['Apple M1 Max', 'apple-m-pro-max', 3],
    ['Apple M2', 'apple-m', 2.5],
  ])('%s -> %s', (model, id, watts) => {
    const result = cpuWattsPerThread(model)
    expect(result.row?.id).toBe(id)
    expect(result.wattsPerThread).toBeCloseTo(watts, 12)
  })

  it('falls back to 4 W per thread and says so', () => {
    const result = cpuWattsPerThread('QEMU Virtual CPU version 2.5+')
    expect(result).toMatchObject({ wattsPerThread: DEFAULT_WATTS_PER_THREAD, row: null })
    expect(result.description).toContain('default for an unlisted CPU')
  })

  it('table rows are plausible and uniquely named', () => {
    expect(new Set(CPU_POWER_TABLE.map((r) => r.id)).size).toBe(CPU_POWER_TABLE.length)
    for (const row of CPU_POWER_TABLE) {
      expect(row.ratedWatts / row.threads).toBeGreaterThan(0.5)
      expect(row.ratedWatts / row.threads).toBeLessThan(15)
    }
  })
})

describe('EstimateSource', () => {
  it('turns CPU time into joules at the table rate (injected cpuUsage)', async () => {
    let micros = 5_000_000
    const source = new EstimateSource({ cpuModel: 'AMD EPYC', cpuUsage: () => ({ user: micros, system: 0 }) })
    expect((await source.read()).readings[0]).toMatchObject({ deviceId: 'cpu-process', method: 'estimate', energyJoules: 0 })
    micros += 1_500_000 // 1.5 CPU-seconds
    expect((await source.read()).readings[0].energyJoules).toBeCloseTo(1.5 * (360 / 192), 12)
    const status = await source.probe()
    expect(status).toMatchObject({ state: 'found', accuracy: 'estimated' })
    expect(status.detail).toContain('1.88 W per thread: AMD EPYC 9654')
  })

  it('a user override wins and is validated', async () => {
    let micros = 0
    const source = new EstimateSource({ cpuModel: 'AMD EPYC', wattsPerThread: 10, cpuUsage: () => ({ user: 0, system: micros }) })
    await source.read()
    micros = 2_000_000
    expect((await source.read()).readings[0].energyJoules).toBe(20)
    expect(() => new EstimateSource({ wattsPerThread: 0 })).toThrow('wattsPerThread must be in (0, 100] W, got 0')
  })

  it('GPU utilisation × rated power, clamped to 0..100 %', async () => {
    expect(estimateGpuWatts(50, 400)).toBe(200)
    expect(estimateGpuWatts(140, 400)).toBe(400)
    expect(estimateGpuWatts(-5, 400)).toBe(0)
    const source = new EstimateSource({
      cpuModel: 'AMD EPYC',
      cpuUsage: () => ({ user: 0, system: 0 }),
      gpuUtilisation: async () => [{ deviceId: 'gpu0', label: 'gpu0', utilizationPercent: 25, ratedWatts: 300 }],
    })
    expect((await source.read()).readings[1]).toMatchObject({ deviceId: 'gpu0', method: 'estimate', powerWatts: 75 })
  })

  it('end to end on this machine: burning CPU makes the estimated joules grow', async () => {
    // Real process.cpuUsage(), real clock: two ~100 ms busy loops.
    const burn = (ms: number): void => {
      const until = performance.now() + ms
      let x = 0
      while (performance.now() < until) x += Math.sqrt(x + 1)
      if (x < 0) throw new Error('unreachable')
    }
    const meter = new EnergyMeter({ sources: [new EstimateSource()], minIntervalMs: 10 })
    await meter.start()
    burn(100)
    await meter.sampleNow()
    const first = meter.report().joules
    burn(100)
    const report = await meter.stop()
    expect(first).toBeGreaterThan(0)
    expect(report.joules).toBeGreaterThan(first)
    expect(report.accuracy).toBe('estimated')
    expect(meter.records().every((r) => r.method === 'estimate' && r.sourceId === 'estimate')).toBe(true)
  })
})
