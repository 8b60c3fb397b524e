import { afterEach, describe, expect, it } from 'vitest'
import { createFakeNvidiaSmi, type FakeNvidiaSmi } from './fake-hardware'
import { EnergyMeter } from './meter'
import { NvidiaSmiSource, parseNvidiaEnergyCsv } from './nvidia'

// Row layout of nvidiaQueryArgs(true): index, uuid, power.draw W, power.limit W, utilization.gpu %, energy mJ, name
const row = (index: number, watts: string, energyMj: string, name = 'NVIDIA H200', util = '97', limit = '700.00'): string =>
  `${index}, GPU-${index}aaa, ${watts}, ${limit}, ${util}, ${energyMj}, ${name}`
// Without the energy field: index, uuid, power.draw, power.limit, utilization.gpu, name
const powerRow = (index: number, watts: string, name = 'Tesla P100-PCIE-16GB'): string => `${index}, GPU-${index}bbb, ${watts}, 250.00, 80, ${name}`

let fake: FakeNvidiaSmi | null = null
afterEach(async () => {
  await fake?.remove()
  fake = null
})

function manualMeter(source: NvidiaSmiSource, clock: { now: number }): EnergyMeter {
  return new EnergyMeter({ sources: [source], now: () => clock.now, schedule: () => () => {}, minIntervalMs: 100 })
}

describe('parseNvidiaEnergyCsv', () => {
  it('reads numbers, maps [N/A]/[Not Supported] to null and keeps commas in names', () => {
    const rows = parseNvidiaEnergyCsv(
      `${row(0, '312.45', '123456789')}\n1, GPU-x, [N/A], 300.00, 55, [Not Supported], Quadro RTX 8000, rev B\n`,
      true,
    )
    expect(rows).toEqual([
      { index: 0, uuid: 'GPU-0aaa', name: 'NVIDIA H200', powerWatts: 312.45, powerLimitWatts: 700, utilizationPercent: 97, energyMillijoules: 123456789 },
      { index: 1, uuid: 'GPU-x', name: 'Quadro RTX 8000, rev B', powerWatts: null, powerLimitWatts: 300, utilizationPercent: 55, energyMillijoules: null },
    ])
  })
})

describe('NvidiaSmiSource with a fake nvidia-smi', () => {
  it('uses the energy counter (mJ) when nvidia-smi has it', async () => {
    fake = await createFakeNvidiaSmi()
    await fake.respond(1, row(0, '100.00', '5000000')) // probe
    await fake.respond(2, row(0, '100.00', '5000000')) // start(): baseline
    await fake.respondDefault(row(0, '260.00', '5250000')) // +250 J
    const source = new NvidiaSmiSource({ executable: fake.executable })
    const status = await source.probe()
    expect(status).toMatchObject({ state: 'found', accuracy: 'measured', devices: ['gpu0'] })
    expect(status.detail).toBe('gpu0 NVIDIA H200: energy counter')

    const clock = { now: 0 }
    const meter = manualMeter(source, clock)
    await meter.start('main')
    clock.now = 1000
    const report = await meter.stop()
    expect(report.joules).toBeCloseTo(250, 9)
    expect(report.byMethod).toEqual({ counter: 250 })
    expect(meter.records()).toMatchObject([{ sourceId: 'nvidia', deviceId: 'gpu0', method: 'counter', watts: 250 }])
  })

  it('falls back to integrating power.draw when the energy field is refused', async () => {
    fake = await createFakeNvidiaSmi()
    await fake.rejectEnergyField()
    await fake.respond(2, powerRow(0, '100.00')) // call 1 is the refused energy query
    await fake.respond(3, powerRow(0, '100.00'))
    await fake.respondDefault(powerRow(0, '200.00'))
    const source = new NvidiaSmiSource({ executable: fake.executable })
    const status = await source.probe()
    expect(status.detail).toBe('gpu0 Tesla P100-PCIE-16GB: power.draw integrated over time')
    const clock = { now: 0 }
    const meter = manualMeter(source, clock)
    await meter.start()
    clock.now = 2000
    const report = await meter.stop()
    expect(report.joules).toBeCloseTo(300, 9) // trapezoid (100 + 200) / 2 W × 2 s
    expect(report.byMethod).toEqual({ 'power-integration': 300 })
    const calls = await fake.calls()
    expect(calls[0]).toContain('total_energy_consumption')
    expect(calls.slice(1).every((c) => !c.includes('total_energy_consumption'))).toBe(true) // decided once
  })

  it('estimates from utilisation × power limit when power is not reported', async () => {
    fake = await createFakeNvidiaSmi()
    await fake.respondDefault(row(0, '[N/A]', '[N/A]', 'GRID A100-8C', '50', '400.00'))
    const source = new NvidiaSmiSource({ executable: fake.executable })
    expect(await source.probe()).toMatchObject({ accuracy: 'estimated', detail: 'gpu0 GRID A100-8C: estimate: utilisation × power limit' })
    const sample = await source.read()
    expect(sample.readings).toEqual([{ deviceId: 'gpu0', kind: 'gpu', label: 'gpu0 GRID A100-8C', method: 'estimate', powerWatts: 200 }])
  })

  it('a GPU that disappears mid-run is stopped with a note, totals kept; nvidia-smi failing stops the source', async () => {
    fake = await createFakeNvidiaSmi()
    await fake.respond(1, [row(0, '100', '1000000'), row(1, '100', '2000000', 'NVIDIA A100-SXM4-80GB')].join('\n'))
    await fake.respond(2, [row(0, '100', '1100000'), row(1, '100', '2300000', 'NVIDIA A100-SXM4-80GB')].join('\n')) // +100 J, +300 J
    await fake.respond(3, row(0, '100', '1200000')) // gpu1 gone; gpu0 +100 J
    await fake.fail('default', 15, 'Unable to determine the device handle for GPU 0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU')
    const source = new NvidiaSmiSource({ executable: fake.executable })
    const clock = { now: 0 }
    const meter = new EnergyMeter({ sources: [source], now: () => clock.now, schedule: () => () => {}, maxConsecutiveFailures: 2 })
    await meter.start() // call 1: baselines
    clock.now = 1000
    await meter.sampleNow() // call 2
    clock.now = 2000
    await meter.sampleNow() // call 3: gpu1 missing
    let report = meter.report()
    expect(report.byDevice.map((d) => [d.deviceId, d.joules, d.lost])).toEqual([
      ['gpu0', 200, false],
      ['gpu1', 300, true],
    ])
    expect(report.notes.join('\n')).toContain('gpu1 NVIDIA A100-SXM4-80GB disappeared at 2.0 s; stopped it, its 300.0 J are kept')
    clock.now = 3000
    await meter.sampleNow() // failure 1
    clock.now = 4000
    report = await meter.stop() // failure 2: stopped
    expect(report.joules).toBe(500)
    expect(report.sources).toEqual([{ sourceId: 'nvidia', joules: 500, stopped: true }])
    expect(report.notes.join('\n')).toMatch(/nvidia: stopped at 4\.0 s after 2 failed reads \(.*GPU is lost.*\); its 500\.0 J so far are kept/)
  })

  it('reports a missing tool as not found and a broken driver as unreadable', async () => {
    expect(await new NvidiaSmiSource({ executable: '/nonexistent/nvidia-smi' }).probe()).toMatchObject({ state: 'not-found', devices: [] })
    fake = await createFakeNvidiaSmi()
    await fake.fail('default', 9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")
    const status = await new NvidiaSmiSource({ executable: fake.executable }).probe()
    expect(status.state).toBe('unreadable')
    expect(status.detail).toContain("exit 9): NVIDIA-SMI has failed because it couldn't communicate")
    expect(status.howToFix).toContain('driver')
  })
})
