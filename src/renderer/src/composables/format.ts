/**
 * utils/format bound to the UI language: templates call format.bytes(n) and re-render when the language
 * changes (the locale is read during render).
 */
import { useI18n } from 'vue-i18n'
import { formatByteCount, formatBytes, formatCount, formatDateTime, formatFixed, formatNumber, formatSeconds, formatSi } from '../utils/format'

export function useFormat() {
  const { locale } = useI18n()
  return {
    bytes: (value: number) => formatBytes(value, locale.value),
    /** The exact byte count, for a tooltip next to a rounded size. */
    exactBytes: (value: number) => formatByteCount(value, locale.value),
    number: (value: number, fractionDigits = 2) => formatNumber(value, locale.value, fractionDigits),
    fixed: (value: number, digits: number) => formatFixed(value, digits, locale.value),
    count: (value: number) => formatCount(value, locale.value),
    si: (value: number, unit = '') => formatSi(value, locale.value, unit),
    seconds: (value: number) => formatSeconds(value),
    dateTime: (moment: number | string) => formatDateTime(moment, locale.value),
  }
}
