/**
 * EnergyMeter: samples its sources at an interval while a run trains and integrates joules per source, per device,
 * per phase ('operator', 'main', ...) and per named window (Zeus-style begin/end, nestable and overlapping).
 *
 * Integration rules:
 *   - counters (RAPL, NVML energy, the CPU-time estimate): joules = difference of cumulative readings;
 *   - power readings (power.draw, utilisation estimates): trapezoid between consecutive samples;
 *   - a sample closer than minIntervalMs to the device's last used sample is not used: the baseline stays, so the
 *     energy is counted by the next sample and no absurd watts come from a tiny dt (counters tick every 1-100 ms);
 *   - counter deltas are capped at maxWatts[kind] × dt, power readings at maxWatts[kind]; power is integrated over
 *     at most maxGapMs (a longer gap, e.g. a suspended laptop, is noted);
 *   - a device that disappears from its source's reads is marked lost, its joules are kept; one that comes back
 *     restarts from a fresh baseline; a source whose read() fails maxConsecutiveFailures times is stopped.
 * Every used interval becomes a record tagged with its source, device, method and phase.
 *
 * The sampler runs on the engine's event loop: a long synchronous TF.js step delays ticks. Counters lose nothing;
 * power readings are integrated across the delay. mark() and window ends take a fresh sample, so phase and window
 * boundaries are exact whatever the interval.
 */
import type { DeviceKind, DeviceReading, EnergySource, EnergySourceId, SampleMethod } from './types'

export interface EnergyMeterOptions {
  sources: EnergySource[]
  /** Sampling period (default 1000 ms; CodeCarbon uses 1 s for instant-power hardware). */
  intervalMs?: number
  /** Samples closer than this to the previous used one are deferred (default 100 ms). */
  minIntervalMs?: number
  /** Longest interval a power reading is integrated over (default 60 s). */
  maxGapMs?: number
  /** Physically plausible ceiling per device kind, watts. */
  maxWatts?: Partial<Record<DeviceKind, number>>
  /** Failed reads in a row before a source is stopped (default 3). */
  maxConsecutiveFailures?: number
  /** Interval records kept in memory (default 50 000, about 14 h at 1 s with one device). */
  maxRecords?: number
  /** Monotonic clock in milliseconds (default performance.now). */
  now?: () => number
  /** Starts a repeating timer and returns its cancel function (default setInterval, unref'd). */
  schedule?: (tick: () => void, intervalMs: number) => () => void
}

/** Plausibility caps: the largest single devices sold today stay below these (EPYC 9965 500 W, B200 1000 W). */
export const DEFAULT_MAX_WATTS: Record<DeviceKind, number> = {
  'cpu-package': 1000,
  dram: 500,
  gpu: 2000,
  'cpu-process': 2000,
}

export interface EnergyRecord {
  /** End of the interval, ms since start(). */
  timeMs: number
  dtMs: number
  sourceId: EnergySourceId
  deviceId: string
  kind: DeviceKind
  method: SampleMethod
  phase: string
  joules: number
  /** Average power over the interval. */
  watts: number
}

export type MeterAccuracy = 'measured' | 'estimated' | 'mixed' | 'none'

export interface EnergyTotals {
  joules: number
  bySource: Partial<Record<EnergySourceId, number>>
  byMethod: Partial<Record<SampleMethod, number>>
}

export interface WindowReport extends EnergyTotals {
  name: string
  seconds: number
  accuracy: MeterAccuracy
}

export interface EnergyReport extends EnergyTotals {
  running: boolean
  seconds: number
  accuracy: MeterAccuracy
  byPhase: Record<string, EnergyTotals & { seconds: number }>
  byDevice: Array<{ sourceId: EnergySourceId; deviceId: string; label: string; kind: DeviceKind; method: SampleMethod; joules: number; lost: boolean }>
  sources: Array<{ sourceId: EnergySourceId; joules: number; stopped: boolean }>
  records: number
  notes: string[]
}

interface DeviceState {
  sourceId: EnergySourceId
  deviceId: string
  label: string
  kind: DeviceKind
  method: SampleMethod
  lastTimeMs: number
  lastEnergyJ: number | null
  lastPowerW: number | null
  joules: number
  lost: boolean
}

interface SourceState {
  source: EnergySource
  failures: number
  stopped: boolean
}

const MAX_NOTES = 200

const emptyTotals = (): EnergyTotals => ({ joules: 0, bySource: {}, byMethod: {} })

function addTo(totals: EnergyTotals, sourceId: EnergySourceId, method: SampleMethod, joules: number): void {
  totals.joules += joules
  totals.bySource[sourceId] = (totals.bySource[sourceId] ?? 0) + joules
  totals.byMethod[method] = (totals.byMethod[method] ?? 0) + joules
}

function cloneTotals(t: EnergyTotals): EnergyTotals {
  return { joules: t.joules, bySource: { ...t.bySource }, byMethod: { ...t.byMethod } }
}

function diffTotals(after: EnergyTotals, before: EnergyTotals): EnergyTotals {
  const out = emptyTotals()
  out.joules = after.joules - before.joules
  for (const [k, v] of Object.entries(after.bySource)) out.bySource[k as EnergySourceId] = v - (before.bySource[k as EnergySourceId] ?? 0)
  for (const [k, v] of Object.entries(after.byMethod)) out.byMethod[k as SampleMethod] = v - (before.byMethod[k as SampleMethod] ?? 0)
  return out
}

/** 'measured' when all joules come from counters or power sensors, 'estimated' when all from models. */
export function accuracyOf(totals: EnergyTotals): MeterAccuracy {
  const measured = (totals.byMethod.counter ?? 0) + (totals.byMethod['power-integration'] ?? 0)
  const estimated = totals.byMethod.estimate ?? 0
  if (measured > 0 && estimated > 0) return 'mixed'
  if (measured > 0) return 'measured'
  if (estimated > 0) return 'estimated'
  return 'none'
}

export class EnergyMeterError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EnergyMeterError'
  }
}

const defaultSchedule = (tick: () => void, intervalMs: number): (() => void) => {
  const handle = setInterval(tick, intervalMs)
  handle.unref?.() // never keep the engine process alive for the meter
  return () => clearInterval(handle)
}

export class EnergyMeter {
  private readonly options: Required<Omit<EnergyMeterOptions, 'sources' | 'maxWatts'>> & { maxWatts: Record<DeviceKind, number> }
  private readonly sourceStates: SourceState[]
  private readonly devices = new Map<string, DeviceState>()
  private readonly totals = emptyTotals()
  private readonly phases = new Map<string, EnergyTotals & { seconds: number }>()
  private readonly windows = new Map<string, { startMs: number; totals: EnergyTotals }>()
  private readonly recordList: EnergyRecord[] = []
  private readonly noteList: string[] = []
  private queue: Promise<void> = Promise.resolve()
  private pending = 0
  private cancelTimer: (() => void) | null = null
  private startMs = 0
  private stopMs: number | null = null
  private phase = 'main'
  private phaseStartMs = 0
  private running = false
  private started = false
  private recordsTruncated = false

  constructor(options: EnergyMeterOptions) {
    if (!options.sources || options.sources.length === 0) throw new EnergyMeterError('EnergyMeter needs at least one energy source')
    const intervalMs = options.intervalMs ?? 1000
    const minIntervalMs = options.minIntervalMs ?? 100
    if (!(intervalMs > 0)) throw new EnergyMeterError(`EnergyMeter intervalMs must be > 0, got ${intervalMs}`)
    if (!(minIntervalMs > 0)) throw new EnergyMeterError(`EnergyMeter minIntervalMs must be > 0, got ${minIntervalMs}`)
    this.options = {
      intervalMs,
      minIntervalMs,
      maxGapMs: options.maxGapMs ?? 60_000,
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? 3,
      maxRecords: options.maxRecords ?? 50_000,
      now: options.now ?? (() => performance.now()),
      schedule: options.schedule ?? defaultSchedule,
      maxWatts: { ...DEFAULT_MAX_WATTS, ...options.maxWatts },
    }
    this.sourceStates = options.sources.map((source) => ({ source, failures: 0, stopped: false }))
  }

  get isRunning(): boolean {
    return this.running
  }

  get currentPhase(): string {
    return this.phase
  }

  /** Takes the baseline sample and starts the timer. */
  async start(phase = 'main'): Promise<void> {
    if (this.started) throw new EnergyMeterError('EnergyMeter.start() called twice; a meter measures one run, create a new one')
    this.running = true
    this.started = true
    this.startMs = this.options.now()
    this.stopMs = null
    this.phase = phase
    this.phaseStartMs = this.startMs
    await this.enqueue(() => this.sampleOnce())
    this.cancelTimer = this.options.schedule(() => {
      // Skip a tick while a read is still in flight (slow nvidia-smi): no backlog of queued reads.
      if (this.pending === 0) void this.sampleNow()
    }, this.options.intervalMs)
  }

  /** One sample now (also what the timer calls). Never rejects: failures become notes. */
  sampleNow(): Promise<void> {
    if (!this.running) return this.queue
    return this.enqueue(() => this.sampleOnce())
  }

  /** Closes the current phase with a fresh sample and starts `phase` ('operator', 'main', 'eval'...). */
  async mark(phase: string): Promise<void> {
    this.requireRunning(`mark('${phase}')`)
    await this.enqueue(async () => {
      await this.sampleOnce()
      this.closePhaseTime(this.options.now())
      this.phase = phase
    })
  }

  /** Opens a named window (a step range, an evaluation); windows may nest and overlap. */
  async beginWindow(name: string): Promise<void> {
    this.requireRunning(`beginWindow('${name}')`)
    if (this.windows.has(name)) throw new EnergyMeterError(`Energy window '${name}' is already open`)
    this.windows.set(name, { startMs: Number.NaN, totals: emptyTotals() }) // reserve the name synchronously
    await this.enqueue(async () => {
      await this.sampleOnce()
      this.windows.set(name, { startMs: this.options.now(), totals: cloneTotals(this.totals) })
    })
  }

  /** Closes a window with a fresh sample and returns its energy. */
  async endWindow(name: string): Promise<WindowReport> {
    if (!this.windows.has(name)) {
      throw new EnergyMeterError(`Energy window '${name}' is not open. Open windows: ${[...this.windows.keys()].join(', ') || 'none'}`)
    }
    let report: WindowReport | null = null
    await this.enqueue(async () => {
      if (this.running) await this.sampleOnce()
      const window = this.windows.get(name)!
      this.windows.delete(name)
      const end = this.stopMs ?? this.options.now()
      const totals = diffTotals(this.totals, window.totals)
      report = { name, seconds: (end - window.startMs) / 1000, accuracy: accuracyOf(totals), ...totals }
    })
    return report!
  }

  /** Final sample, stops the timer; returns the report. Safe to call twice. */
  async stop(): Promise<EnergyReport> {
    if (this.running) {
      this.cancelTimer?.()
      this.cancelTimer = null
      await this.enqueue(async () => {
        await this.sampleOnce()
        this.stopMs = this.options.now()
        this.closePhaseTime(this.stopMs)
        this.running = false
      })
    }
    await this.queue
    return this.report()
  }

  /** Totals so far (no new sample: call sampleNow() first for an up-to-date figure). */
  report(): EnergyReport {
    const end = this.stopMs ?? this.options.now()
    const byPhase: EnergyReport['byPhase'] = {}
    for (const [name, phase] of this.phases) {
      byPhase[name] = { ...cloneTotals(phase), seconds: phase.seconds + (this.running && name === this.phase ? (end - this.phaseStartMs) / 1000 : 0) }
    }
    return {
      ...cloneTotals(this.totals),
      running: this.running,
      seconds: this.started ? (end - this.startMs) / 1000 : 0,
      accuracy: accuracyOf(this.totals),
      byPhase,
      byDevice: [...this.devices.values()].map((d) => ({
        sourceId: d.sourceId,
        deviceId: d.deviceId,
        label: d.label,
        kind: d.kind,
        method: d.method,
        joules: d.joules,
        lost: d.lost,
      })),
      sources: this.sourceStates.map((s) => ({ sourceId: s.source.id, joules: this.totals.bySource[s.source.id] ?? 0, stopped: s.stopped })),
      records: this.recordList.length,
      notes: [...this.noteList],
    }
  }

  /** Every used interval, oldest first (a copy). */
  records(): EnergyRecord[] {
    return [...this.recordList]
  }

  /** The intervals recorded from index `from` on (a copy): for callers that log them incrementally. */
  recordsSince(from: number): EnergyRecord[] {
    return this.recordList.slice(Math.max(0, from))
  }

  // -------------------------------------------------------------------------------------------------------------

  private requireRunning(what: string): void {
    if (!this.running) throw new EnergyMeterError(`EnergyMeter.${what} called while the meter is not running (call start() first)`)
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.pending++
    const next = this.queue.then(task).catch((error: unknown) => {
      this.note(`meter error: ${error instanceof Error ? error.message : String(error)}`)
    })
    this.queue = next.finally(() => {
      this.pending--
    })
    return this.queue
  }

  private closePhaseTime(nowMs: number): void {
    const phase = this.phaseTotals(this.phase)
    phase.seconds += (nowMs - this.phaseStartMs) / 1000
    this.phaseStartMs = nowMs
  }

  private phaseTotals(name: string): EnergyTotals & { seconds: number } {
    let phase = this.phases.get(name)
    if (!phase) {
      phase = { ...emptyTotals(), seconds: 0 }
      this.phases.set(name, phase)
    }
    return phase
  }

  private note(text: string): void {
    if (this.noteList.length < MAX_NOTES) this.noteList.push(text)
    else if (this.noteList.length === MAX_NOTES) this.noteList.push('(further notes dropped)')
  }

  private elapsed(t: number): string {
    return `${((t - this.startMs) / 1000).toFixed(1)} s`
  }

  private async sampleOnce(): Promise<void> {
    this.phaseTotals(this.phase) // a phase shows in the report from its first sample on
    await Promise.all(this.sourceStates.filter((s) => !s.stopped).map((s) => this.sampleSource(s)))
  }

  private async sampleSource(state: SourceState): Promise<void> {
    const { source } = state
    const before = this.options.now()
    let sample
    try {
      sample = await source.read()
    } catch (error) {
      const t = this.options.now()
      state.failures++
      const reason = error instanceof Error ? error.message : String(error)
      if (state.failures >= this.options.maxConsecutiveFailures) {
        state.stopped = true
        for (const device of this.devices.values()) if (device.sourceId === source.id) device.lost = true
        this.note(
          `${source.id}: stopped at ${this.elapsed(t)} after ${state.failures} failed reads (${reason}); ` +
            `its ${(this.totals.bySource[source.id] ?? 0).toFixed(1)} J so far are kept`,
        )
      } else {
        this.note(`${source.id}: read failed at ${this.elapsed(t)} (${reason}); attempt ${state.failures} of ${this.options.maxConsecutiveFailures}`)
      }
      return
    }
    // The read happened somewhere between before and after: take the midpoint (nvidia-smi takes tens of ms).
    const t = (before + this.options.now()) / 2
    state.failures = 0
    for (const text of sample.notes) this.note(`${source.id}: ${text}`)
    const seen = new Set<string>()
    for (const reading of sample.readings) {
      seen.add(reading.deviceId)
      this.integrate(source.id, reading, t)
    }
    for (const device of this.devices.values()) {
      if (device.sourceId === source.id && !device.lost && !seen.has(device.deviceId)) {
        device.lost = true
        this.note(`${source.id}: ${device.label} disappeared at ${this.elapsed(t)}; stopped it, its ${device.joules.toFixed(1)} J are kept`)
      }
    }
  }

  private integrate(sourceId: EnergySourceId, reading: DeviceReading, t: number): void {
    const key = `${sourceId}/${reading.deviceId}`
    const device = this.devices.get(key)
    const baseline = (target: DeviceState): void => {
      target.lastTimeMs = t
      target.lastEnergyJ = reading.energyJoules ?? null
      target.lastPowerW = reading.powerWatts ?? null
      target.method = reading.method
      target.label = reading.label
    }
    if (!device) {
      const fresh: DeviceState = { sourceId, deviceId: reading.deviceId, label: reading.label, kind: reading.kind, method: reading.method, lastTimeMs: t, lastEnergyJ: null, lastPowerW: null, joules: 0, lost: false }
      baseline(fresh)
      this.devices.set(key, fresh)
      return
    }
    if (device.lost) {
      device.lost = false
      baseline(device)
      this.note(`${sourceId}: ${reading.label} is back at ${this.elapsed(t)}; counting again from a fresh baseline`)
      return
    }
    const dtMs = t - device.lastTimeMs
    if (dtMs < this.options.minIntervalMs) return // deferred: the baseline stays, the next sample counts this energy
    const maxWatts = this.options.maxWatts[device.kind]
    let joules: number
    let usedDtMs = dtMs
    if (reading.energyJoules !== undefined) {
      if (device.lastEnergyJ === null) {
        baseline(device) // switched from power readings to a counter: start the counter here
        return
      }
      let delta = reading.energyJoules - device.lastEnergyJ
      if (!Number.isFinite(delta) || delta < 0) {
        this.note(`${sourceId}: ${reading.label} counter went backwards at ${this.elapsed(t)} (reset?); interval not counted`)
        baseline(device)
        return
      }
      const cap = (maxWatts * dtMs) / 1000
      if (delta > cap) {
        this.note(`${sourceId}: ${reading.label} reported ${(delta / (dtMs / 1000)).toFixed(0)} W at ${this.elapsed(t)}; capped at ${maxWatts} W`)
        delta = cap
      }
      joules = delta
    } else if (reading.powerWatts !== undefined) {
      let watts = reading.powerWatts
      if (!Number.isFinite(watts) || watts < 0) {
        this.note(`${sourceId}: ${reading.label} reported an invalid power ${watts} at ${this.elapsed(t)}; sample dropped`)
        return
      }
      if (watts > maxWatts) {
        this.note(`${sourceId}: ${reading.label} reported ${watts.toFixed(0)} W at ${this.elapsed(t)}; capped at ${maxWatts} W`)
        watts = maxWatts
      }
      if (dtMs > this.options.maxGapMs) {
        this.note(`${sourceId}: ${(dtMs / 1000).toFixed(1)} s without a power sample before ${this.elapsed(t)}; integrated over ${this.options.maxGapMs / 1000} s only`)
        usedDtMs = this.options.maxGapMs
      }
      const previous = device.lastPowerW ?? watts
      joules = ((previous + watts) / 2) * (usedDtMs / 1000)
    } else {
      return
    }
    baseline(device)
    device.joules += joules
    addTo(this.totals, sourceId, reading.method, joules)
    addTo(this.phaseTotals(this.phase), sourceId, reading.method, joules)
    if (this.recordList.length < this.options.maxRecords) {
      this.recordList.push({
        timeMs: t - this.startMs,
        dtMs: usedDtMs,
        sourceId,
        deviceId: reading.deviceId,
        kind: device.kind,
        method: reading.method,
        phase: this.phase,
        joules,
        watts: joules / (usedDtMs / 1000),
      })
    } else if (!this.recordsTruncated) {
      this.recordsTruncated = true
      this.note(`more than ${this.options.maxRecords} energy records: later intervals are summed but not recorded`)
    }
  }
}
