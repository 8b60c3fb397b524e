/**
 * Yearly average carbon intensity of electricity generation, gCO2e per kWh, lifecycle emissions (Ember's method:
 * upstream methane, supply chain and plant construction included, 100-year CO2 equivalents). A yearly generation
 * average: the real intensity of a given hour can be half or double it, and imports are not counted.
 *
 * `checked` rows were read from Ember's 2023 figures as published in Our World in Data's "Carbon intensity of
 * electricity generation" table (2023 column) or in Ember's 2024 reviews quoted by Statista; unchecked rows are
 * Ember 2023 values we recall but could not re-read here. Users can override the figure (carbon.ts).
 */

export interface CarbonIntensityRow {
  /** ISO 3166-1 alpha-2 country code, or WORLD. */
  code: string
  name: string
  gramsPerKwh: number
  year: number
  source: string
  checked: boolean
}

const OWID = 'Ember (yearly electricity data) via Our World in Data, carbon-intensity-electricity'
const EMBER_REVIEW = "Ember's 2024 electricity reviews (2023 data), as quoted by Statista"

export const CARBON_INTENSITY_TABLE: readonly CarbonIntensityRow[] = [
  { code: 'WORLD', name: 'World average', gramsPerKwh: 481, year: 2023, source: EMBER_REVIEW, checked: true },
  { code: 'AT', name: 'Austria', gramsPerKwh: 111, year: 2023, source: OWID, checked: true },
  { code: 'AU', name: 'Australia', gramsPerKwh: 549, year: 2023, source: OWID, checked: true },
  { code: 'BE', name: 'Belgium', gramsPerKwh: 138, year: 2023, source: OWID, checked: true },
  { code: 'BR', name: 'Brazil', gramsPerKwh: 98, year: 2023, source: OWID, checked: true },
  { code: 'CA', name: 'Canada', gramsPerKwh: 170, year: 2023, source: OWID, checked: true },
  { code: 'CN', name: 'China', gramsPerKwh: 582, year: 2023, source: OWID, checked: true },
  { code: 'CZ', name: 'Czechia', gramsPerKwh: 450, year: 2023, source: OWID, checked: true },
  { code: 'DE', name: 'Germany', gramsPerKwh: 381, year: 2023, source: OWID, checked: true },
  { code: 'DK', name: 'Denmark', gramsPerKwh: 152, year: 2023, source: OWID, checked: true },
  { code: 'FI', name: 'Finland', gramsPerKwh: 79, year: 2023, source: OWID, checked: true },
  { code: 'FR', name: 'France', gramsPerKwh: 56, year: 2023, source: OWID, checked: true },
  { code: 'GR', name: 'Greece', gramsPerKwh: 337, year: 2023, source: OWID, checked: true },
  { code: 'IE', name: 'Ireland', gramsPerKwh: 291, year: 2023, source: OWID, checked: true },
  { code: 'IN', name: 'India', gramsPerKwh: 713, year: 2023, source: OWID, checked: true },
  { code: 'NO', name: 'Norway', gramsPerKwh: 30, year: 2023, source: EMBER_REVIEW, checked: true },
  { code: 'PL', name: 'Poland', gramsPerKwh: 662, year: 2023, source: EMBER_REVIEW, checked: true },
  { code: 'SE', name: 'Sweden', gramsPerKwh: 41, year: 2023, source: EMBER_REVIEW, checked: true },
  { code: 'GB', name: 'United Kingdom', gramsPerKwh: 238, year: 2023, source: 'Ember yearly electricity data (recalled)', checked: false },
  { code: 'JP', name: 'Japan', gramsPerKwh: 485, year: 2023, source: 'Ember yearly electricity data (recalled)', checked: false },
  { code: 'US', name: 'United States', gramsPerKwh: 369, year: 2023, source: 'Ember yearly electricity data (recalled)', checked: false },
]
