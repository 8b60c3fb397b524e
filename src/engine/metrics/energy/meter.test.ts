import { describe, expect, it } from 'vitest'
import { EnergyMeter, accuracyOf } from './meter'
import { EnergySourceError, type DeviceReading, type EnergySource, type EnergySourceId, type Sample, type SourceStatus } from './types'

/** A source whose next readings the test sets directly; `fail` makes the next reads throw. */
class ScriptedSource implements EnergySource {
  readings: DeviceReading[] = []
  fail = false
  reads = 0
  constructor(readonly id: EnergySourceId) {}
  async probe(): Promise<SourceStatus> {
    return { sourceId: this.id, state: 'found', accuracy: 'measured', label: this.id, detail: '', howToFix: null, devices: [] }
  }
  async read(): Promise<Sample> {
    this.reads++
    if (this.fail) throw new EnergySourceError(this.id, 'scripted failure')
    return { sourceId: this.id, readings: this.readings.map((r) => ({ ...r })), notes: [] }
  }
}

const counter = (joules: number, deviceId = 'package-0'): DeviceReading => ({ deviceId, kind: 'cpu-package', label: deviceId, method: 'counter', energyJoules: joules })
const power = (watts: number, deviceId = 'gpu0'): DeviceReading => ({ deviceId, kind: 'gpu', label: deviceId, method: 'power-integration', powerWatts: watts })
const estimate = (joules: number): DeviceReading => ({ deviceId: 'cpu-process', kind: 'cpu-process', label: 'cpu', method: 'estimate', energyJoules: joules })

function setup(sources: EnergySource[], options: { minIntervalMs?: number; maxGapMs?: number } = {}) {
  const clock = { now: 0 }
  const ticks: Array<() => void> = []
  const meter = new EnergyMeter({
    sources,
    now: () => clock.now,
    schedule: (tick) => {
      ticks.push(tick)
      return () => ticks.splice(0)
    },
    ...options,
  })
  return { meter, clock, ticks }
}

describe('EnergyMeter integration', () => {
  it('integrates counters per phase and per window, and tags every record', async () => {
    const rapl = new ScriptedSource('powercap')
    const { meter, clock } = setup([rapl])
    rapl.readings = [counter(0)]
    await meter.start('operator')
    clock.now = 1000
    rapl.readings = [counter(50)] // 50 W for 1 s of operator training
    await meter.mark('main')
    await meter.beginWindow('steps 0-99')
    clock.now = 3000
    rapl.readings = [counter(250)] // 100 W for 2 s
    const window = await meter.endWindow('steps 0-99')
    clock.now = 4000
    rapl.readings = [counter(330)]
    const report = await meter.stop()

    expect(window).toMatchObject({ name: 'steps 0-99', seconds: 2, joules: 200, accuracy: 'measured', bySource: { powercap: 200 } })
    expect(report.joules).toBe(330)
    expect(report.byPhase.operator).toMatchObject({ joules: 50, seconds: 1 })
    expect(report.byPhase.main).toMatchObject({ joules: 280, seconds: 3 })
    expect(report.seconds).toBe(4)
    expect(report.accuracy).toBe('measured')
    expect(meter.records().map((r) => [r.phase, r.method, r.sourceId, r.deviceId, r.joules, r.watts])).toEqual([
      ['operator', 'counter', 'powercap', 'package-0', 50, 50],
      ['main', 'counter', 'powercap', 'package-0', 200, 100],
      ['main', 'counter', 'powercap', 'package-0', 80, 80],
    ])
  })

  it('integrates power readings with the trapezoid rule and clamps long gaps', async () => {
    const gpu = new ScriptedSource('nvidia')
    const { meter, clock } = setup([gpu], { maxGapMs: 10_000 })
    gpu.readings = [power(100)]
    await meter.start()
    clock.now = 1000
    gpu.readings = [power(300)]
    await meter.sampleNow() // (100 + 300) / 2 × 1 s = 200 J
    clock.now = 61_000
    await meter.sampleNow() // 60 s gap, integrated over 10 s at 300 W = 3000 J
    const report = await meter.stop()
    expect(report.joules).toBe(3200)
    expect(report.notes.join()).toContain('60.0 s without a power sample before 61.0 s; integrated over 10 s only')
  })

  it('very short intervals never produce absurd watts: close samples are deferred, energy is not lost', async () => {
    const rapl = new ScriptedSource('powercap')
    const gpu = new ScriptedSource('nvidia')
    const { meter, clock } = setup([rapl, gpu], { minIntervalMs: 100 })
    rapl.readings = [counter(0)]
    gpu.readings = [power(150)]
    await meter.start()
    // A counter that ticks in 10 J steps (as NVML's updates every 20-100 ms do), read every millisecond for 1 s.
    for (let ms = 1; ms <= 1000; ms++) {
      clock.now = ms
      rapl.readings = [counter(Math.floor(ms / 100) * 10)]
      await meter.sampleNow()
    }
    const report = await meter.stop()
    const records = meter.records()
    expect(records.length).toBeGreaterThan(0)
    for (const r of records) {
      expect(r.dtMs).toBeGreaterThanOrEqual(100)
      expect(r.watts).toBeLessThanOrEqual(200) // true mean 100 W; a 1 ms dt would have shown 10 000 W
    }
    expect(report.bySource.powercap).toBe(100) // all 100 J counted
    expect(report.bySource.nvidia).toBeCloseTo(150, 9)
  })

  it('caps counter jumps at a physically plausible power and notes it', async () => {
    const rapl = new ScriptedSource('powercap')
    const { meter, clock } = setup([rapl])
    rapl.readings = [counter(0)]
    await meter.start()
    clock.now = 1000
    rapl.readings = [counter(1e9)] // a bogus 1 GW second
    const report = await meter.stop()
    expect(report.joules).toBe(1000) // DEFAULT_MAX_WATTS['cpu-package'] × 1 s
    expect(report.notes.join()).toContain('reported 1000000000 W at 1.0 s; capped at 1000 W')
  })

  it('a counter that goes backwards is re-baselined, not counted negative', async () => {
    const rapl = new ScriptedSource('powercap')
    const { meter, clock } = setup([rapl])
    rapl.readings = [counter(100)]
    await meter.start()
    clock.now = 1000
    rapl.readings = [counter(10)]
    await meter.sampleNow()
    clock.now = 2000
    rapl.readings = [counter(60)]
    const report = await meter.stop()
    expect(report.joules).toBe(50)
    expect(report.notes.join()).toContain('counter went backwards')
  })

  it('stops a failing source after the allowed failures and keeps its totals and the other sources', async () => {
    const rapl = new ScriptedSource('powercap')
    const cpu = new ScriptedSource('estimate')
    const { meter, clock } = setup([rapl, cpu])
    rapl.readings = [counter(0)]
    cpu.readings = [estimate(0)]
    await meter.start()
    clock.now = 1000
    rapl.readings = [counter(40)]
    cpu.readings = [estimate(5)]
    await meter.sampleNow()
    rapl.fail = true
    for (const t of [2000, 3000, 4000, 5000]) {
      clock.now = t
      cpu.readings = [estimate(t / 200)]
      await meter.sampleNow()
    }
    const report = await meter.stop()
    expect(rapl.reads).toBe(5) // start, one success, three failures, then never again
    expect(report.sources).toEqual([
      { sourceId: 'powercap', joules: 40, stopped: true },
      { sourceId: 'estimate', joules: 25, stopped: false },
    ])
    expect(report.accuracy).toBe('mixed')
    expect(report.notes.filter((n) => n.startsWith('powercap: read failed'))).toHaveLength(2)
    expect(report.notes.join()).toContain('powercap: stopped at 4.0 s after 3 failed reads (scripted failure); its 40.0 J so far are kept')
  })

  it('a device that comes back starts from a fresh baseline', async () => {
    const gpu = new ScriptedSource('nvidia')
    const { meter, clock } = setup([gpu])
    gpu.readings = [counter(0, 'gpu0')]
    await meter.start()
    clock.now = 1000
    gpu.readings = []
    await meter.sampleNow()
    clock.now = 2000
    gpu.readings = [counter(5000, 'gpu0')] // whatever happened while it was gone is not counted
    await meter.sampleNow()
    clock.now = 3000
    gpu.readings = [counter(5100, 'gpu0')]
    const report = await meter.stop()
    expect(report.joules).toBe(100)
    expect(report.notes.join('\n')).toMatch(/disappeared at 1\.0 s[\s\S]*is back at 2\.0 s/)
  })

  it('samples on the scheduled tick and stops the timer on stop()', async () => {
    const rapl = new ScriptedSource('powercap')
    const { meter, clock, ticks } = setup([rapl])
    rapl.readings = [counter(0)]
    await meter.start()
    expect(ticks).toHaveLength(1)
    clock.now = 1000
    rapl.readings = [counter(20)]
    ticks[0]()
    await meter.sampleNow().then(() => undefined)
    expect(meter.report().joules).toBe(20)
    await meter.stop()
    expect(ticks).toHaveLength(0)
    expect(meter.isRunning).toBe(false)
  })
})

describe('EnergyMeter errors', () => {
  it('names the misuse', async () => {
    const rapl = new ScriptedSource('powercap')
    rapl.readings = [counter(0)]
    const { meter } = setup([rapl])
    await expect(meter.mark('main')).rejects.toThrow("EnergyMeter.mark('main') called while the meter is not running (call start() first)")
    await meter.start()
    await expect(meter.start()).rejects.toThrow('start() called twice')
    await expect(meter.endWindow('eval')).rejects.toThrow("Energy window 'eval' is not open. Open windows: none")
    await meter.beginWindow('eval')
    await expect(meter.beginWindow('eval')).rejects.toThrow("Energy window 'eval' is already open")
    expect(() => new EnergyMeter({ sources: [] })).toThrow('at least one energy source')
  })

  it('accuracyOf classifies by method', () => {
    expect(accuracyOf({ joules: 0, bySource: {}, byMethod: {} })).toBe('none')
    expect(accuracyOf({ joules: 1, bySource: {}, byMethod: { estimate: 1 } })).toBe('estimated')
    expect(accuracyOf({ joules: 1, bySource: {}, byMethod: { 'power-integration': 1 } })).toBe('measured')
  })
})
