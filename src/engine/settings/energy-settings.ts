/**
 * The carbon settings: grid region (a country code of the carbon table), the building's PUE and the user's own grid
 * intensity. Read from the environment (LIGO_GRID_REGION, LIGO_PUE, LIGO_GRID_INTENSITY) and from explicit values
 * (CLI flags --grid-region / --pue / --grid-intensity, or engine method params), explicit values first.
 * Bad values are refused with the setting's name, the value and what is allowed: a carbon figure computed from a
 * typo ("DK" meant, "DE" typed) would look just as trustworthy as a right one.
 * A settings file in the app will feed the same resolver later (origin 'params').
 */
import { StudioError, type CarbonAssumptions, type EnergySettingOrigin } from '../../shared'
import { CARBON_INTENSITY_TABLE, type CarbonIntensityRow } from '../metrics/energy/carbon-intensity-table'
import { findCarbonIntensity, type CarbonOptions } from '../metrics/energy/carbon'

/** Environment variables, one per setting. */
export const ENERGY_ENV_VARS = {
  gridRegion: 'LIGO_GRID_REGION',
  pue: 'LIGO_PUE',
  gridIntensity: 'LIGO_GRID_INTENSITY',
} as const

/** CLI flag names (without dashes), one per setting. */
export const ENERGY_FLAG_NAMES = {
  gridRegion: 'grid-region',
  pue: 'pue',
  gridIntensity: 'grid-intensity',
} as const

export type EnergySettingName = keyof typeof ENERGY_ENV_VARS

/** Raw values as they arrive (strings from env and flags, numbers from params); empty or null = not set. */
export type EnergySettingsInput = Partial<Record<EnergySettingName, string | number | null>>

/** Same bounds as carbon.ts: a PUE above 3 or an intensity above 2000 g/kWh is a typo, not a building or a grid. */
export const PUE_RANGE = { min: 1, max: 3 } as const
export const GRID_INTENSITY_RANGE = { min: 0, max: 2000 } as const

/** Codes named first in the unknown-region message: common ones, then the rest of the table. */
const EXAMPLE_REGIONS = ['DE', 'FR', 'GB', 'US', 'IN', 'CN']

export interface EnergySettings {
  /** Table code, upper case; null = not set (world average unless an intensity is set). */
  gridRegion: string | null
  pue: number
  /** The user's own gCO2e/kWh; wins over the region. */
  gridIntensity: number | null
  origin: Record<EnergySettingName, EnergySettingOrigin>
}

export const DEFAULT_ENERGY_SETTINGS: EnergySettings = Object.freeze({
  gridRegion: null,
  pue: 1, // a desktop or laptop: no building overhead
  gridIntensity: null,
  origin: Object.freeze({ gridRegion: 'default', pue: 'default', gridIntensity: 'default' }) as EnergySettings['origin'],
})

/** How a setting is named in messages, for each place it can come from. */
export function settingLabel(name: EnergySettingName, origin: EnergySettingOrigin): string {
  if (origin === 'environment') return ENERGY_ENV_VARS[name]
  if (origin === 'flag') return `--${ENERGY_FLAG_NAMES[name]}`
  if (origin === 'params') return `the ${name} setting`
  return name
}

function invalid(message: string): StudioError {
  return new StudioError('invalid_request', message)
}

function isUnset(value: string | number | null | undefined): value is null | undefined | '' {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

export function parseGridRegion(value: string | number, where: string): string {
  const text = String(value).trim()
  const row = findCarbonIntensity(text)
  if (row) return row.code
  const others = CARBON_INTENSITY_TABLE.map((r) => r.code).filter((code) => !EXAMPLE_REGIONS.includes(code) && code !== 'WORLD')
  throw invalid(
    `Unknown grid region ${JSON.stringify(text.slice(0, 40))} in ${where}. Use a country code from the carbon table, ` +
      `e.g. ${EXAMPLE_REGIONS.join(', ')} (also ${others.join(', ')}), or WORLD for the world average; ` +
      `for another place set its gCO2e/kWh with ${ENERGY_ENV_VARS.gridIntensity} or --${ENERGY_FLAG_NAMES.gridIntensity}.`,
  )
}

function parseNumber(value: string | number, where: string, what: string): number {
  const number = typeof value === 'number' ? value : Number(value.trim())
  if (!Number.isFinite(number)) throw invalid(`${where} must be a number (${what}), got ${JSON.stringify(String(value).slice(0, 40))}.`)
  return number
}

export function parsePue(value: string | number, where: string): number {
  const pue = parseNumber(value, where, 'the power usage effectiveness, e.g. 1.2')
  if (pue < PUE_RANGE.min) {
    throw invalid(
      `${where} must be at least ${PUE_RANGE.min}, got ${pue}: PUE is the building's total power over the computers' power, ` +
        `so 1 means no overhead (a desktop) and data centres report 1.1-1.7.`,
    )
  }
  if (pue > PUE_RANGE.max) throw invalid(`${where} must be at most ${PUE_RANGE.max} (the least efficient buildings report about 2.5), got ${pue}.`)
  return pue
}

export function parseGridIntensity(value: string | number, where: string): number {
  const grams = parseNumber(value, where, 'grams of CO2e per kWh, e.g. 250')
  if (grams < GRID_INTENSITY_RANGE.min || grams > GRID_INTENSITY_RANGE.max) {
    throw invalid(`${where} must be between ${GRID_INTENSITY_RANGE.min} and ${GRID_INTENSITY_RANGE.max} gCO2e/kWh (coal-only grids are about 1000), got ${grams}.`)
  }
  return grams
}

const PARSERS: Record<EnergySettingName, (value: string | number, where: string) => string | number> = {
  gridRegion: parseGridRegion,
  pue: parsePue,
  gridIntensity: parseGridIntensity,
}

/**
 * The settings in force: each setting from the explicit values when given there, else from the environment, else
 * the default. Throws StudioError('invalid_request') naming the flag or variable for any bad value.
 */
export function resolveEnergySettings(input: {
  env?: Record<string, string | undefined>
  explicit?: EnergySettingsInput
  /** What the explicit values are: CLI flags (default) or engine method params. */
  explicitOrigin?: Extract<EnergySettingOrigin, 'flag' | 'params'>
}): EnergySettings {
  const explicitOrigin = input.explicitOrigin ?? 'flag'
  const settings: EnergySettings = { ...DEFAULT_ENERGY_SETTINGS, origin: { ...DEFAULT_ENERGY_SETTINGS.origin } }
  for (const name of Object.keys(ENERGY_ENV_VARS) as EnergySettingName[]) {
    const explicit = input.explicit?.[name]
    const fromEnv = input.env?.[ENERGY_ENV_VARS[name]]
    const [value, origin]: [string | number | null | undefined, EnergySettingOrigin] = !isUnset(explicit)
      ? [explicit, explicitOrigin]
      : [fromEnv, 'environment']
    if (isUnset(value)) continue
    const parsed = PARSERS[name](value, settingLabel(name, origin))
    ;(settings as unknown as Record<EnergySettingName, string | number | null>)[name] = parsed
    settings.origin[name] = origin
  }
  return settings
}

/** The options estimateCarbon (metrics/energy/carbon.ts) takes, for these settings. */
export function carbonOptionsFor(settings: EnergySettings, energyAccuracy?: string): CarbonOptions {
  return {
    region: settings.gridRegion ?? undefined,
    intensityOverride:
      settings.gridIntensity === null
        ? undefined
        : { gramsPerKwh: settings.gridIntensity, source: `set by the user (${settingLabel('gridIntensity', settings.origin.gridIntensity)})` },
    pue: settings.pue,
    energyAccuracy,
  }
}

function tableRow(settings: EnergySettings): CarbonIntensityRow {
  // resolveEnergySettings only lets table codes through; WORLD is always in the table.
  return findCarbonIntensity(settings.gridRegion ?? 'WORLD')!
}

/** The assumptions record shown next to every gCO2e figure (hardware record, run manifest, savings tables). */
export function carbonAssumptions(settings: EnergySettings): CarbonAssumptions {
  const pueText = settings.pue === 1 ? 'PUE 1 (no building overhead)' : `PUE ${settings.pue}`
  if (settings.gridIntensity !== null) {
    const source = `set by the user (${settingLabel('gridIntensity', settings.origin.gridIntensity)})`
    return {
      region: null,
      regionName: 'your own figure',
      gramsPerKwh: settings.gridIntensity,
      source,
      year: null,
      pue: settings.pue,
      origin: { region: settings.origin.gridRegion, pue: settings.origin.pue, intensity: settings.origin.gridIntensity },
      text: `${settings.gridIntensity} gCO2e/kWh, ${source}; ${pueText}`,
    }
  }
  const row = tableRow(settings)
  const where = settings.gridRegion === null ? 'world average (no grid region set)' : `${row.name} (${row.code})`
  return {
    region: row.code,
    regionName: row.name,
    gramsPerKwh: row.gramsPerKwh,
    source: row.source + (row.checked ? '' : ', not re-checked'),
    year: row.year,
    pue: settings.pue,
    origin: { region: settings.origin.gridRegion, pue: settings.origin.pue, intensity: settings.origin.gridIntensity },
    text: `${row.gramsPerKwh} gCO2e/kWh, ${where}, ${row.year} average from ${row.source}${row.checked ? '' : ' (not re-checked)'}; ${pueText}`,
  }
}
