/**
 * The carbon flags shared by commands that show gCO2e (info now; train and compare later): --grid-region, --pue and
 * --grid-intensity, each beating its environment variable (LIGO_GRID_REGION, LIGO_PUE, LIGO_GRID_INTENSITY).
 * PUE and intensity are decimals, so they are 'string' flags parsed (and range-checked) by the settings module.
 */
import { CARBON_INTENSITY_TABLE } from '../engine/metrics/energy/carbon-intensity-table'
import { ENERGY_ENV_VARS, ENERGY_FLAG_NAMES, resolveEnergySettings, type EnergySettings } from '../engine/settings/energy-settings'
import { UsageError, type FlagSpec } from './args'

export const ENERGY_FLAGS: readonly FlagSpec[] = [
  {
    name: ENERGY_FLAG_NAMES.gridRegion,
    type: 'string',
    valueName: 'code',
    help:
      `Country code of the electricity grid for gCO2e figures (${CARBON_INTENSITY_TABLE.map((r) => r.code).join(', ')}); ` +
      `default: world average; overrides ${ENERGY_ENV_VARS.gridRegion}`,
  },
  {
    name: ENERGY_FLAG_NAMES.pue,
    type: 'string',
    valueName: 'ratio',
    help: `Power usage effectiveness of the building, 1 to 3 (1 = desktop, default; data centres 1.1-1.7); overrides ${ENERGY_ENV_VARS.pue}`,
  },
  {
    name: ENERGY_FLAG_NAMES.gridIntensity,
    type: 'string',
    valueName: 'g/kWh',
    help: `Your own grid carbon intensity in gCO2e/kWh (a supplier contract, a live reading); beats --grid-region; overrides ${ENERGY_ENV_VARS.gridIntensity}`,
  },
]

/** The flags' values as parseFlags returns them. */
export interface EnergyFlagValues {
  'grid-region'?: string
  pue?: string
  'grid-intensity'?: string
}

/** Throws UsageError (exit code 2) for a bad value, naming the flag or variable and the allowed values. */
export function energySettingsFromFlags(command: string, flags: EnergyFlagValues, env: Record<string, string | undefined>): EnergySettings {
  try {
    return resolveEnergySettings({
      env,
      explicit: { gridRegion: flags['grid-region'], pue: flags.pue, gridIntensity: flags['grid-intensity'] },
      explicitOrigin: 'flag',
    })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command)
  }
}
