/**
 * "What did growth save?": the cost of each method (FLOPs, wall time, energy, carbon) to reach a validation-loss
 * target, and the saving against training from scratch. Computed by src/engine/metrics/savings.ts; shown by
 * `ligo compare` and the dashboards. Every energy and carbon figure says how its joules were obtained.
 */
import type { CarbonAssumptions, EnergyMethod, EnergyTotalAccuracy } from './energy'

/** One evaluation of a run: cumulative costs up to this step and the validation loss there. */
export interface SavingsPoint {
  step: number
  /** Training FLOPs so far (analytical counter). */
  flops: number
  /** Seconds spent training so far. */
  wallSeconds: number
  /** Joules so far; null when the run was not metered. */
  joules: number | null
  valLoss: number
}

/** How a run's joules were obtained (the meter's report: accuracy and the methods that contributed). */
export interface EnergyMeasurement {
  accuracy: EnergyTotalAccuracy
  methods: EnergyMethod[]
}

export interface MethodSeries {
  /** 'scratch', 'ligo', 'stackbert'... */
  method: string
  /** Evaluations in step order (the helper sorts and checks them). */
  points: SavingsPoint[]
  energy: EnergyMeasurement
}

export interface EnergyFigure {
  joules: number
  measurement: EnergyMeasurement
}

export interface CarbonFigure {
  grams: number
  /** The same figure's energy measurement, and the grid/PUE assumptions (source and year) behind the grams. */
  measurement: EnergyMeasurement
  assumptions: CarbonAssumptions
}

/** Where a run first reached the target: interpolated linearly between the two evaluations around the crossing. */
export interface ReachedTarget {
  reached: true
  /** Fractional when interpolated. */
  step: number
  flops: number
  wallSeconds: number
  energy: EnergyFigure | null
  carbon: CarbonFigure | null
  /** True when the target lies between two evaluations; false when an evaluation hit it (or the first one was below). */
  interpolated: boolean
}

export interface NeverReachedTarget {
  reached: false
  bestLoss: number | null
  bestStep: number | null
  lastStep: number | null
  /** "never reached: best 3.41 at step 800 of 1000". */
  text: string
}

/** Saving against scratch in percent: 100 × (scratch − method) / scratch; null when either side did not reach. */
export interface Saving {
  flopsPercent: number | null
  wallPercent: number | null
  energyPercent: number | null
  /** "estimated vs estimated", "measured vs estimated": energies measured differently compare less well. */
  energyMeasurement: string | null
  /** False when the two energies were obtained differently (a counter against an estimate). */
  energyComparable: boolean | null
  carbonPercent: number | null
  /** Why a figure is missing ("scratch never reached the target", "ligo has no energy record"). */
  notes: string[]
}

export interface MethodAtTarget {
  method: string
  result: ReachedTarget | NeverReachedTarget
  /** Null for the scratch series itself. */
  saving: Saving | null
}

export interface SavingsTarget {
  loss: number
  /** "scratch's final loss 3.120", "75% of scratch's loss drop (3.642)". */
  label: string
}

export interface SavingsRow {
  target: SavingsTarget
  methods: MethodAtTarget[]
}

export interface SavingsTable {
  scratch: string
  scratchFinalLoss: number
  rows: SavingsRow[]
  /** Null when no carbon assumptions were given (no gCO2e figures). */
  carbon: CarbonAssumptions | null
}
