/**
 * Energy and carbon as hosts see them: which energy sources this machine has (the hardware record, `ligo info`,
 * the Hardware view), the carbon assumptions behind every gCO2e figure, and how a joule figure was obtained.
 * The engine's meters live in src/engine/metrics/energy; these are the plain records that cross processes.
 */

/** 'measured': a hardware counter or power sensor. 'estimated': a model (CPU time × watts, utilisation × rating). */
export type EnergyAccuracy = 'measured' | 'estimated'

/** How a joule figure was obtained: counter deltas, integrated power samples, or a model. */
export type EnergyMethod = 'counter' | 'power-integration' | 'estimate'

/** Accuracy of a total that may mix sources; 'none' when nothing was metered. */
export type EnergyTotalAccuracy = EnergyAccuracy | 'mixed' | 'none'

export type EnergySourceKind = 'powercap' | 'nvidia' | 'estimate'

/** One energy source as found (or not) on this machine. */
export interface EnergySourceSummary {
  id: EnergySourceKind
  /** Short name: "Linux powercap (RAPL)". */
  label: string
  state: 'found' | 'not-found' | 'unreadable'
  accuracy: EnergyAccuracy
  /** True when a training run would read this source. */
  used: boolean
  /** Why it is (not) used. */
  reason: string
  /** What was found or why not. */
  detail: string
  /** What the user can do (e.g. grant read access to RAPL without running the app as root); null when nothing. */
  howToFix: string | null
  /** Devices it reports: ['package-0', 'dram-0'], ['gpu0'], ['cpu-process']. */
  devices: string[]
}

/** The assumptions that turn kWh into gCO2e, shown next to every gCO2e figure. */
export interface CarbonAssumptions {
  /** Table code (ISO country code or WORLD); null when the user set their own intensity. */
  region: string | null
  /** "Germany", "World average", or "your own figure". */
  regionName: string
  gramsPerKwh: number
  /** Where the intensity comes from ("Ember ... via Our World in Data"), or the user's own description. */
  source: string
  /** Year of the table's figure; null for a user figure. */
  year: number | null
  /** Power usage effectiveness of the building (1 = a desktop). */
  pue: number
  /** Where each setting came from: 'default', 'environment' (LIGO_GRID_REGION...), 'flag' (--grid-region...), 'params'. */
  origin: { region: EnergySettingOrigin; pue: EnergySettingOrigin; intensity: EnergySettingOrigin }
  /** One line for people: "381 gCO2e/kWh, Germany (DE), 2023 average from Ember ...; PUE 1 (no building overhead)". */
  text: string
  /** A setting that could not be used (and was replaced by its default), e.g. an unknown LIGO_GRID_REGION. */
  problem?: string
}

export type EnergySettingOrigin = 'default' | 'environment' | 'flag' | 'params'

/** One metered interval as written to a run's metrics log: where the joules came from and how. */
export interface EnergySampleRecord {
  /** End of the interval, seconds since this session's meter started. */
  t: number
  /** Length of the interval, seconds. */
  dt: number
  source: EnergySourceKind
  /** 'package-0', 'dram-0', 'gpu0', 'cpu-process'. */
  device: string
  method: EnergyMethod
  phase: string
  joules: number
  watts: number
}

/**
 * The energy fields of one metrics line (MetricRecord.energy). Cumulative figures continue across resumes; the
 * window is the steps since the previous line. The carbon assumptions are in the run manifest (RunEnergyManifest).
 */
export interface MetricEnergy {
  /** Joules of the whole run so far. */
  joules: number
  /** Joules of this window (the steps since the previous line). */
  windowJoules: number
  windowSeconds: number
  /** First and last step of the window. */
  window: { fromStep: number; toStep: number }
  /** The phase in progress: 'operator' (LiGO operator training), 'main' (the main training). */
  phase: string
  /** Of the whole run so far. */
  accuracy: EnergyTotalAccuracy
  /** Joules of the whole run per method and per phase. */
  byMethod: Partial<Record<EnergyMethod, number>>
  byPhase: Record<string, number>
  /** Every metered interval of this window, tagged with its source and method. */
  samples: EnergySampleRecord[]
  /** Remarks from the meter in this window (a GPU disappeared, a capped reading). */
  notes?: string[]
}

/** What a run manifest records about its energy metering. */
export interface RunEnergyManifest {
  /** The sources on the machine when the run (or this resume) started; `used` ones were read. */
  sources: EnergySourceSummary[]
  carbon: CarbonAssumptions
  /** Sampling period of the meter. */
  intervalMs: number
  /** What the figures cover, in words (RAPL = whole packages, nvidia-smi = whole boards, estimate = this process). */
  scope: string
}
