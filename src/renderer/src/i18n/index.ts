/**
 * The one i18n layer (vue-i18n, Composition API). Messages are JSON files per area and language,
 * locales/<language>/<area>.json, merged here under the area's name: locales/en/zoo.json's "title" is
 * t('zoo.title'). A new area is a new pair of files; nothing here changes. messages.test.ts checks that
 * every language has exactly the same keys and placeholders, with no empty text.
 *
 * Stores speak through `translate` (the global composer), components through useI18n() or $t.
 */
/// <reference types="vite/client" />
import { createI18n } from 'vue-i18n'

/** Languages the app is written in, best-supported first; the first is the fallback. */
export const LOCALES = ['en', 'vi'] as const
export type AppLocale = (typeof LOCALES)[number]
export const FALLBACK_LOCALE: AppLocale = 'en'

/** Each language's own name for itself, for the language picker (not translated, as in every OS). */
export const LOCALE_NAMES: Record<AppLocale, string> = { en: 'English', vi: 'Tiếng Việt' }

type MessageTree = { [key: string]: string | MessageTree }

/** { 'en': { app: {...}, zoo: {...} }, 'vi': {...} } from the files under locales/. */
export function collectMessages(files: Record<string, MessageTree>): Record<string, Record<string, MessageTree>> {
  const messages: Record<string, Record<string, MessageTree>> = {}
  for (const [path, tree] of Object.entries(files)) {
    const match = /\/locales\/([\w-]+)\/([\w-]+)\.json$/.exec(path)
    if (!match) throw new Error(`Message file ${path} is not locales/<language>/<area>.json`)
    const [, locale, area] = match
    ;(messages[locale] ??= {})[area] = tree
  }
  return messages
}

export const MESSAGE_FILES = import.meta.glob<MessageTree>('./locales/*/*.json', { eager: true, import: 'default' })

export const i18n = createI18n({
  legacy: false,
  locale: FALLBACK_LOCALE,
  fallbackLocale: FALLBACK_LOCALE,
  messages: collectMessages(MESSAGE_FILES),
  // Every key exists in every language (messages.test.ts); a miss is a bug to see in tests, not to paper over.
  missingWarn: true,
  fallbackWarn: false,
})

/** The language to show for the OS's preferred languages (navigator.languages): the first we speak. */
export function localeForLanguages(languages: readonly string[]): AppLocale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0]
    const found = LOCALES.find((locale) => locale === base)
    if (found) return found
  }
  return FALLBACK_LOCALE
}

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** Switch the UI language; the document's lang follows so screen readers pronounce it right. */
export function applyLocale(locale: AppLocale, doc: Document | null = typeof document === 'undefined' ? null : document): void {
  i18n.global.locale.value = locale
  if (doc) doc.documentElement.lang = locale
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}

/** t() for code outside components (stores): the current language at the time of the call; `plural` picks the form. */
export function translate(key: string, named: Record<string, unknown> = {}, plural?: number): string {
  return plural === undefined ? i18n.global.t(key, named) : i18n.global.t(key, named, plural)
}
