/**
 * Emissions from energy: kWh × PUE × grid intensity (gCO2e/kWh), with every assumption spelled out so the UI and
 * reports can show them next to the number (CodeCarbon's record fields, product-anchors §1.9 items 11-14).
 */
import { CARBON_INTENSITY_TABLE, type CarbonIntensityRow } from './carbon-intensity-table'

export const JOULES_PER_KWH = 3.6e6

export interface CarbonOptions {
  /** Country code from CARBON_INTENSITY_TABLE (case-insensitive); omitted = world average. */
  region?: string
  /** The user's own figure (a supplier contract, a live grid reading); wins over region. */
  intensityOverride?: { gramsPerKwh: number; source?: string }
  /** Power usage effectiveness of the building (1 for a desktop; data centres 1.1-1.7); default 1. */
  pue?: number
  /** How the energy was obtained, repeated in the assumptions ('measured', 'estimated', 'mixed'). */
  energyAccuracy?: string
}

export interface CarbonEstimate {
  energyKwh: number
  /** energyKwh × PUE. */
  facilityKwh: number
  gramsCO2e: number
  gramsPerKwh: number
  /** Table code used, or null for a user override. */
  region: string | null
  intensitySource: string
  intensityYear: number | null
  pue: number
  /** Sentences for people, in the order the arithmetic uses them. */
  assumptions: string[]
}

export class CarbonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CarbonError'
  }
}

export function findCarbonIntensity(region: string): CarbonIntensityRow | undefined {
  const code = region.trim().toUpperCase()
  return CARBON_INTENSITY_TABLE.find((row) => row.code === code)
}

export function estimateCarbon(energyJoules: number, options: CarbonOptions = {}): CarbonEstimate {
  if (!Number.isFinite(energyJoules) || energyJoules < 0) {
    throw new CarbonError(`energy must be a finite number of joules >= 0, got ${energyJoules}`)
  }
  const pue = options.pue ?? 1
  if (!Number.isFinite(pue) || pue < 1 || pue > 3) throw new CarbonError(`PUE must be between 1 and 3, got ${pue}`)

  const assumptions: string[] = []
  const energyKwh = energyJoules / JOULES_PER_KWH
  assumptions.push(
    `Energy ${energyKwh.toPrecision(3)} kWh${options.energyAccuracy ? ` (${options.energyAccuracy})` : ''}: ` +
      'CPU, GPU and DRAM as metered; display, disk, network and the rest of the machine are not counted.',
  )
  assumptions.push(
    pue === 1
      ? 'PUE 1: no building overhead (a desktop or a laptop).'
      : `PUE ${pue}: ${((pue - 1) * 100).toFixed(0)}% added for cooling and power delivery of the building.`,
  )

  let gramsPerKwh: number
  let region: string | null
  let intensitySource: string
  let intensityYear: number | null
  if (options.intensityOverride) {
    gramsPerKwh = options.intensityOverride.gramsPerKwh
    if (!Number.isFinite(gramsPerKwh) || gramsPerKwh < 0 || gramsPerKwh > 2000) {
      throw new CarbonError(`carbon intensity override must be between 0 and 2000 gCO2e/kWh, got ${gramsPerKwh}`)
    }
    region = null
    intensitySource = options.intensityOverride.source ?? 'set by the user'
    intensityYear = null
    assumptions.push(`Grid intensity ${gramsPerKwh} gCO2e/kWh, ${intensitySource}.`)
  } else {
    const requested = options.region?.trim()
    const row = requested ? findCarbonIntensity(requested) : findCarbonIntensity('WORLD')
    if (!row) {
      throw new CarbonError(
        `Unknown grid region '${requested}'. Expected one of: ${CARBON_INTENSITY_TABLE.map((r) => r.code).join(', ')} (or set your own gCO2e/kWh)`,
      )
    }
    gramsPerKwh = row.gramsPerKwh
    region = row.code
    intensitySource = row.source
    intensityYear = row.year
    const where = requested ? `${row.name} (${row.code})` : 'the world average, because no location is set'
    assumptions.push(
      `Grid intensity ${row.gramsPerKwh} gCO2e/kWh for ${where}: ${row.year} yearly average of generation, lifecycle emissions, ` +
        `${row.source}${row.checked ? '' : ', not re-checked'}; the hour-by-hour figure varies.`,
    )
  }
  const facilityKwh = energyKwh * pue
  return {
    energyKwh,
    facilityKwh,
    gramsCO2e: facilityKwh * gramsPerKwh,
    gramsPerKwh,
    region,
    intensitySource,
    intensityYear,
    pue,
    assumptions,
  }
}
