/**
 * What every energy source answers: a probe (is it here, can we read it, how good is it) and readings.
 * Sources report raw facts (cumulative joules or instantaneous watts per device); the meter integrates them.
 */

/** 'measured': a hardware counter or power sensor. 'estimated': a model (CPU time × watts, utilisation × rating). */
export type AccuracyClass = 'measured' | 'estimated'

/** How a joule figure was obtained: counter deltas, integrated power samples, or a model. */
export type SampleMethod = 'counter' | 'power-integration' | 'estimate'

/** What a device is, for plausibility caps and for display. */
export type DeviceKind = 'cpu-package' | 'dram' | 'gpu' | 'cpu-process'

export type SourceState = 'found' | 'not-found' | 'unreadable'

export type EnergySourceId = 'powercap' | 'nvidia' | 'estimate'

export interface SourceStatus {
  sourceId: EnergySourceId
  state: SourceState
  accuracy: AccuracyClass
  /** Short name for lists: "Linux powercap (RAPL)". */
  label: string
  /** What was found or why not: "package-0, dram (intel-rapl:0, intel-rapl:0:2)", "no /sys/class/powercap". */
  detail: string
  /** For 'unreadable' (and fixable 'not-found'): what the user can do, without running the app as root. */
  howToFix: string | null
  /** Devices this source would report, e.g. ['package-0', 'dram-0'] or ['gpu0']. */
  devices: string[]
}

/** One device in one read. Exactly one of energyJoules / powerWatts is set. */
export interface DeviceReading {
  /** Stable within a run: 'package-0', 'dram-0', 'gpu0', 'cpu-process'. */
  deviceId: string
  kind: DeviceKind
  /** Human name: "package-0 (intel-rapl:0)", "NVIDIA H200". */
  label: string
  method: SampleMethod
  /** Cumulative, monotone joules since the source started (wrap-around already unfolded by the source). */
  energyJoules?: number
  /** Instantaneous (or driver-averaged) power in watts, to be integrated over time by the meter. */
  powerWatts?: number
}

export interface Sample {
  sourceId: EnergySourceId
  readings: DeviceReading[]
  /** Remarks from the source about this read (a counter reset, a field it could not parse). */
  notes: string[]
}

export interface EnergySource {
  readonly id: EnergySourceId
  probe(): Promise<SourceStatus>
  /** Throws EnergySourceError when the source cannot be read at all (tool failed, files gone). */
  read(): Promise<Sample>
}

export class EnergySourceError extends Error {
  constructor(
    readonly sourceId: EnergySourceId,
    message: string,
  ) {
    super(message)
    this.name = 'EnergySourceError'
  }
}
