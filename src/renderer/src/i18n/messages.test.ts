// Every language has exactly the keys of English, the same {placeholders} in each message, and no empty text;
// every message compiles (vue-i18n syntax: a stray "@", "|" or brace would break it at run time).
import { describe, expect, it } from 'vitest'
import { FILE_KINDS } from '../../../shared/dropped'
import { BACKEND_PREFERENCE } from '../../../shared/hardware'
import { FALLBACK_LOCALE, LOCALES, MESSAGE_FILES, collectMessages, i18n, localeForLanguages } from './index'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

const messages = collectMessages(MESSAGE_FILES) as Record<string, Tree>
const flat = Object.fromEntries(LOCALES.map((locale) => [locale, flatten(messages[locale] ?? {})]))
// A set: plural forms ("one | many") repeat the same placeholders.
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort()

describe('message files', () => {
  it('exist for every language, one file per area in each', () => {
    const areas = (locale: string) => Object.keys(MESSAGE_FILES).filter((p) => p.includes(`/locales/${locale}/`)).map((p) => p.split('/').pop()).sort()
    expect(areas(FALLBACK_LOCALE).length).toBeGreaterThan(0)
    for (const locale of LOCALES) expect(areas(locale), locale).toEqual(areas(FALLBACK_LOCALE))
  })

  it.each(LOCALES.filter((l) => l !== FALLBACK_LOCALE))('%s has exactly the English keys and placeholders', (locale) => {
    const english = flat[FALLBACK_LOCALE]
    const other = flat[locale]
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort())
    for (const [key, text] of english) expect(placeholders(other.get(key) ?? ''), `${locale}: ${key}`).toEqual(placeholders(text))
  })

  it.each(LOCALES)('%s has no empty message and every message renders', (locale) => {
    for (const [key, text] of flat[locale]) {
      expect(text.trim(), `${locale}: ${key}`).not.toBe('')
      const named = Object.fromEntries(placeholders(text).map((name) => [name, `<${name}>`]))
      const rendered = i18n.global.t(key, named, { locale })
      expect(rendered, `${locale}: ${key}`).not.toBe(key)
      for (const name of Object.keys(named)) expect(rendered, `${locale}: ${key}`).toContain(`<${name}>`)
    }
  })

  it('names every file kind and backend the shared lists know', () => {
    for (const kind of FILE_KINDS) expect(flat.en.has(`drop.kinds.${kind}`), kind).toBe(true)
    for (const backend of BACKEND_PREFERENCE) expect(flat.en.has(`hardware.backends.${backend}`), backend).toBe(true)
  })
})

describe('localeForLanguages', () => {
  it('takes the first OS language the app speaks, else English', () => {
    expect(localeForLanguages(['vi-VN', 'en-US'])).toBe('vi')
    expect(localeForLanguages(['fr-FR', 'VI'])).toBe('vi')
    expect(localeForLanguages(['de-DE'])).toBe('en')
    expect(localeForLanguages([])).toBe('en')
  })
})
