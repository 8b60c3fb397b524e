// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { MAIN_LOCALES, formatDuration, mainLocale, mainMessages, type MainMessages } from './messages'

/** Every message of a table as text: functions are called with marked arguments so they show where those go. */
function flatten(tree: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tree).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key
      if (typeof value === 'function') return [[path, String((value as (...args: unknown[]) => string)('‹A›', '‹B›'))]]
      if (typeof value === 'object') return Object.entries(flatten(value as object, path))
      return [[path, String(value)]]
    }),
  )
}

describe('main process messages', () => {
  const tables = MAIN_LOCALES.map((locale) => [locale, flatten(mainMessages(locale))] as const)

  it('every language has the same messages, none empty, each using the same arguments', () => {
    const [, english] = tables[0]
    for (const [locale, table] of tables) {
      expect(Object.keys(table), locale).toEqual(Object.keys(english))
      for (const [key, text] of Object.entries(table)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('')
        // an argument the English text shows must be shown in every language
        for (const marker of ['‹A›', '‹B›']) expect(text.includes(marker), `${locale} ${key} ${marker}`).toBe(english[key].includes(marker))
      }
    }
  })

  it('Vietnamese is translated, not copied (only "OK" and a format without words may stay)', () => {
    const english = flatten(mainMessages('en'))
    const vietnamese = flatten(mainMessages('vi'))
    const untranslated = Object.keys(english).filter((key) => english[key] === vietnamese[key])
    expect(untranslated).toEqual(['dialogs.ok', 'notifications.runFailedBody'])
  })

  it('chooses an explicit language, else the first OS language the app speaks, else English', () => {
    expect(mainLocale('vi', ['en-US'])).toBe('vi')
    expect(mainLocale('system', ['fr-FR', 'vi-VN', 'en-US'])).toBe('vi')
    expect(mainLocale(undefined, ['vi_VN'])).toBe('vi')
    expect(mainLocale('system', ['de-DE', 'fr'])).toBe('en')
    expect(mainLocale('klingon', ['vi-VN'])).toBe('en')
  })

  it('formats durations in each language', () => {
    const words = (locale: 'en' | 'vi'): MainMessages['notifications'] => mainMessages(locale).notifications
    expect([45, 754, 3900, -3].map((s) => formatDuration(s, words('en')))).toEqual(['45 s', '13 min', '1 h 05 min', '0 s'])
    expect([45, 754, 3900].map((s) => formatDuration(s, words('vi')))).toEqual(['45 giây', '13 phút', '1 giờ 05 phút'])
  })
})
