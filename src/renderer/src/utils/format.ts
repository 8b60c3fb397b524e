/**
 * Numbers for people, in the reader's language (Intl with a BCP 47 locale: "en", "vi").
 * Sizes use binary units (1 KiB = 1024 bytes), as file managers on Linux do; the unit symbols are the same
 * in every language, the word "bytes" comes from Intl. A value that is not a number shows as NOT_A_VALUE.
 */

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const
/** SI prefixes for FLOPs and other large counts of operations. */
const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const

export const NOT_A_VALUE = '—'

/** A number with exactly `digits` decimals: 7.25 (en), 7,25 (vi). */
export function formatFixed(value: number, digits: number, locale = 'en'): string {
  if (!Number.isFinite(value)) return NOT_A_VALUE
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)
}

/** Three significant figures, the precision of every size shown: 1.50 KiB, 50.0 MiB, 440 MiB. */
function threeFigures(value: number, locale: string): string {
  return formatFixed(value, value < 10 ? 2 : value < 100 ? 1 : 0, locale)
}

/** The exact count with the language's word: "1,234,567 bytes" (en), "1.234.567 byte" (vi). */
export function formatByteCount(bytes: number, locale = 'en'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return NOT_A_VALUE
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes)
}

export function formatBytes(bytes: number, locale = 'en'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return NOT_A_VALUE
  if (bytes < 1024) return formatByteCount(bytes, locale)
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${threeFigures(value, locale)} ${BYTE_UNITS[unit]}`
}

/** "42 s", "3 min 05 s", "1 h 02 min": SI symbols, read the same in every language; for ETAs and elapsed times. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NOT_A_VALUE
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** A plain number with the language's grouping and decimal marks: 12,345.6 (en), 12.345,6 (vi). */
export function formatNumber(value: number, locale = 'en', maximumFractionDigits = 2): string {
  if (!Number.isFinite(value)) return NOT_A_VALUE
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value)
}

/** A large count in the language's short words: 110M (en), 110 Tr (vi), for parameter counts. */
export function formatCount(value: number, locale = 'en'): string {
  if (!Number.isFinite(value) || value < 0) return NOT_A_VALUE
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 }).format(value)
}

/** An SI-prefixed quantity: formatSi(2.21e9, 'en', 'FLOPs') = "2.21 GFLOPs"; the number follows the locale. */
export function formatSi(value: number, locale = 'en', unit = ''): string {
  if (!Number.isFinite(value) || value < 0) return NOT_A_VALUE
  let scaled = value
  let prefix = 0
  while (scaled >= 1000 && prefix < SI_PREFIXES.length - 1) {
    scaled /= 1000
    prefix++
  }
  const number = prefix === 0 ? formatNumber(scaled, locale, 0) : threeFigures(scaled, locale)
  return `${number} ${SI_PREFIXES[prefix]}${unit}`.trimEnd()
}

/** A moment (epoch milliseconds or an ISO string) as date and time in the reader's language. */
export function formatDateTime(moment: number | string, locale = 'en'): string {
  const date = new Date(moment)
  if (Number.isNaN(date.getTime())) return NOT_A_VALUE
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
}
