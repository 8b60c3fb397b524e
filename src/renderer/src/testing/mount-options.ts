/**
 * Global mount options for component tests: the app's i18n instance, in English unless a test asks otherwise.
 * (Pinia is activated per test with setActivePinia.)
 */
import { applyLocale, i18n, type AppLocale } from '../i18n'

export function withI18n(locale: AppLocale = 'en') {
  applyLocale(locale)
  return { global: { plugins: [i18n] } }
}
