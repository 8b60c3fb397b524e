/**
 * Energy metering of one training run (or one session of it: a resume continues the cumulative figures).
 * Wraps an EnergyMeter: start() picks the sources (RAPL > CPU-time estimate; nvidia-smi per GPU), window(step) is
 * called at each metrics line and returns that line's `energy` fields (cumulative joules, the window's joules and
 * every metered interval of the window tagged with source and method), mark(phase) switches between 'operator'
 * (LiGO operator training) and 'main'. manifest() is what the run manifest records: the sources and the carbon
 * assumptions. Metering never breaks training (carbontracker's rule, product-anchors §1.11): a failing source becomes
 * a note and is stopped by the meter.
 */
import type { CarbonAssumptions, EnergyMethod, EnergySampleRecord, MetricEnergy, RunEnergyManifest } from '../../../shared'
import { carbonAssumptions, resolveEnergySettings, type EnergySettings, type EnergySettingsInput } from '../../settings/energy-settings'
import { toEnergySourceSummary } from './hardware-facts'
import { createEnergySources, type EnergySetupOptions, type EnergySourceDescription } from './index'
import { accuracyOf, EnergyMeter, type EnergyMeterOptions, type EnergyTotals } from './meter'
import type { EnergySource } from './types'

export interface RunEnergyOptions {
  settings: EnergySettings
  /** The energy of the last metrics line of the run so far (resume); null or omitted for a new run. */
  previous?: MetricEnergy | null
  /** Step the session starts from (0 for a new run, the checkpoint's step on resume). */
  startStep?: number
  /** Phase of the first steps (default 'main'). */
  phase?: string
  /** Sampling period (default 1000 ms). */
  intervalMs?: number
  /** Where to look for sources (tests: fake powercap tree, fake nvidia-smi, injected CPU usage). */
  setup?: EnergySetupOptions
  /** Already chosen sources (tests); skips the probe, so descriptions must come with them. */
  chosen?: { sources: EnergySource[]; descriptions: EnergySourceDescription[] }
  /** Meter internals for tests (clock, scheduler, minimum interval). */
  meter?: Pick<EnergyMeterOptions, 'now' | 'schedule' | 'minIntervalMs'>
}

/** Joules per method and phase carried over from before a resume. */
interface Carried {
  joules: number
  byMethod: Partial<Record<EnergyMethod, number>>
  byPhase: Record<string, number>
}

function addInto<K extends string>(target: Partial<Record<K, number>>, source: Partial<Record<K, number>>): void {
  for (const [key, value] of Object.entries(source) as Array<[K, number]>) target[key] = (target[key] ?? 0) + value
}

const SCOPE_TEXT: Record<string, string> = {
  powercap: 'RAPL: whole CPU packages and DRAM (every process on them)',
  nvidia: 'nvidia-smi: whole GPU boards (shared with other processes)',
  estimate: "estimate: this process's CPU time × watts per thread (idle power and other processes not counted)",
}

export class RunEnergy {
  private lastTotals: EnergyTotals = { joules: 0, bySource: {}, byMethod: {} }
  private lastRecordIndex = 0
  private lastNoteIndex = 0
  private lastSeconds = 0
  private windowStart: number

  private constructor(
    private readonly meter: EnergyMeter,
    private readonly descriptions: EnergySourceDescription[],
    private readonly carbon: CarbonAssumptions,
    private readonly intervalMs: number,
    private readonly carried: Carried,
    startStep: number,
  ) {
    this.windowStart = startStep + 1
  }

  /** Probes the sources (unless given), takes the baseline sample and starts sampling. */
  static async start(options: RunEnergyOptions): Promise<RunEnergy> {
    const chosen = options.chosen ?? (await createEnergySources(options.setup))
    const intervalMs = options.intervalMs ?? 1000
    const meter = new EnergyMeter({ sources: chosen.sources, intervalMs, ...options.meter })
    const previous = options.previous ?? null
    const carried: Carried = previous
      ? { joules: previous.joules, byMethod: { ...previous.byMethod }, byPhase: { ...previous.byPhase } }
      : { joules: 0, byMethod: {}, byPhase: {} }
    const run = new RunEnergy(meter, chosen.descriptions, carbonAssumptions(options.settings), intervalMs, carried, options.startStep ?? 0)
    await meter.start(options.phase ?? 'main')
    return run
  }

  get phase(): string {
    return this.meter.currentPhase
  }

  /** What the run manifest records. */
  manifest(): RunEnergyManifest {
    const used = this.descriptions.filter((d) => d.used)
    return {
      sources: this.descriptions.map(toEnergySourceSummary),
      carbon: this.carbon,
      intervalMs: this.intervalMs,
      scope: used.map((d) => SCOPE_TEXT[d.sourceId] ?? d.label).join('; '),
    }
  }

  /** Ends the current phase at a fresh sample and starts `phase` ('operator' -> 'main'). */
  async mark(phase: string): Promise<void> {
    if (this.meter.isRunning) await this.meter.mark(phase)
  }

  /** The energy fields of the metrics line for `step`: closes the window that started after the previous line. */
  async window(step: number): Promise<MetricEnergy> {
    if (this.meter.isRunning) await this.meter.sampleNow()
    const report = this.meter.report()
    const records = this.meter.recordsSince(this.lastRecordIndex)
    this.lastRecordIndex += records.length
    const notes = report.notes.slice(this.lastNoteIndex)
    this.lastNoteIndex = report.notes.length

    const byMethod: Partial<Record<EnergyMethod, number>> = { ...this.carried.byMethod }
    addInto(byMethod, report.byMethod)
    const byPhase: Record<string, number> = { ...this.carried.byPhase }
    for (const [name, totals] of Object.entries(report.byPhase)) byPhase[name] = (byPhase[name] ?? 0) + totals.joules
    const samples: EnergySampleRecord[] = records.map((r) => ({
      t: r.timeMs / 1000,
      dt: r.dtMs / 1000,
      source: r.sourceId,
      device: r.deviceId,
      method: r.method,
      phase: r.phase,
      joules: r.joules,
      watts: r.watts,
    }))
    const line: MetricEnergy = {
      joules: this.carried.joules + report.joules,
      windowJoules: report.joules - this.lastTotals.joules,
      windowSeconds: report.seconds - this.lastSeconds,
      window: { fromStep: Math.min(this.windowStart, step), toStep: step },
      phase: this.meter.currentPhase,
      accuracy: accuracyOf({ joules: 0, bySource: {}, byMethod }),
      byMethod,
      byPhase,
      samples,
      ...(notes.length > 0 ? { notes } : {}),
    }
    this.lastTotals = { joules: report.joules, bySource: { ...report.bySource }, byMethod: { ...report.byMethod } }
    this.lastSeconds = report.seconds
    this.windowStart = step + 1
    return line
  }

  /** Final sample; stops the timer. The last window(step) should come before (the trainer logs the last step). */
  async stop(): Promise<void> {
    await this.meter.stop()
  }
}

/** How a training run is metered: false = not at all; otherwise settings (default: from the environment). */
export type RunEnergyChoice =
  | false
  | {
      /** Carbon settings given with the run (engine method params); each wins over its environment variable. */
      settings?: EnergySettingsInput
      /** Phase of the first steps: 'operator' for a LiGO operator-training run, default 'main'. */
      phase?: string
      intervalMs?: number
      setup?: EnergySetupOptions
    }

/** The carbon settings a run would use (null when metering is off); throws StudioError for a bad one. */
export function runEnergySettings(choice: RunEnergyChoice | undefined, env: Record<string, string | undefined> = process.env): EnergySettings | null {
  if (choice === false) return null
  return resolveEnergySettings({ env, explicit: choice?.settings, explicitOrigin: 'params' })
}

/**
 * Starts metering a run session. `lines` are the run's metrics lines so far (after a resume cut them back to the
 * checkpoint): the last one with energy is where the cumulative figures continue. Throws StudioError for a bad carbon
 * setting before any training happens.
 */
export async function startRunEnergy(input: {
  choice?: RunEnergyChoice
  lines: ReadonlyArray<{ step: number; energy?: MetricEnergy }>
  startStep: number
  env?: Record<string, string | undefined>
}): Promise<RunEnergy | null> {
  const settings = runEnergySettings(input.choice, input.env)
  if (settings === null || input.choice === false) return null
  const choice = input.choice ?? {}
  const previous = [...input.lines].reverse().find((line) => line.energy && line.step <= input.startStep)?.energy ?? null
  return RunEnergy.start({ settings, previous, startStep: input.startStep, phase: choice.phase, intervalMs: choice.intervalMs, setup: choice.setup })
}
