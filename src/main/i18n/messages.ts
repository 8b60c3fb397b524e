/**
 * The main process's own words: the application menu, its dialogs and the run notification, in the same languages
 * as the renderer (src/renderer/src/i18n: English and Vietnamese). Tables are data (en.ts, vi.ts); the type makes
 * every language define every message, and messages.test.ts checks none is empty.
 */
import { en } from './en'
import { vi } from './vi'

/** A message with arguments is a function of them, so a missing argument is a type error, not a "{name}" on screen. */
export interface MainMessages {
  menu: {
    file: string
    open: string
    openFolder: string
    openRecent: string
    noRecentItems: string
    clearRecent: string
    exportModel: string
    quit: string
    edit: string
    undo: string
    redo: string
    cut: string
    copy: string
    paste: string
    pasteAndMatchStyle: string
    delete: string
    selectAll: string
    view: string
    reload: string
    forceReload: string
    toggleDevTools: string
    actualSize: string
    zoomIn: string
    zoomOut: string
    toggleFullScreen: string
    window: string
    help: string
    about: (app: string) => string
    services: string
    hide: (app: string) => string
    hideOthers: string
    showAll: string
    quitApp: (app: string) => string
    readme: (app: string) => string
    paper: string
  }
  dialogs: {
    openTitle: string
    exportFolderTitle: string
    workspaceFolderTitle: string
    aboutTitle: (app: string) => string
    aboutDetail: string
    ok: string
  }
  notifications: {
    question: string
    questionDetail: (app: string, duration: string) => string
    notifyMe: string
    noThanks: string
    runFinished: string
    runFinishedBody: (message: string, duration: string) => string
    runFailed: string
    runFailedBody: (name: string, error: string) => string
    seconds: (n: number) => string
    minutes: (n: number) => string
    hoursMinutes: (hours: number, minutes: string) => string
  }
}

export const MAIN_LOCALES = ['en', 'vi'] as const
export type MainLocale = (typeof MAIN_LOCALES)[number]

const TABLES: Record<MainLocale, MainMessages> = { en, vi }

export function mainMessages(locale: MainLocale): MainMessages {
  return TABLES[locale]
}

/**
 * The language for main's texts: an explicit choice ('en', 'vi') wins; 'system' or nothing takes the first of the
 * OS's preferred languages (app.getPreferredSystemLanguages, e.g. "vi-VN") that the app is written in, else English.
 */
export function mainLocale(choice: string | undefined, systemLanguages: readonly string[]): MainLocale {
  const known = (tag: string) => MAIN_LOCALES.find((locale) => locale === tag.toLowerCase().split(/[-_]/)[0])
  if (choice && choice !== 'system') return known(choice) ?? 'en'
  for (const tag of systemLanguages) {
    const locale = known(tag)
    if (locale) return locale
  }
  return 'en'
}

/** "45 s", "13 min", "1 h 05 min" in the chosen language. */
export function formatDuration(seconds: number, words: MainMessages['notifications']): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return words.seconds(s)
  const minutes = Math.round(s / 60)
  if (minutes < 60) return words.minutes(minutes)
  return words.hoursMinutes(Math.floor(minutes / 60), String(minutes % 60).padStart(2, '0'))
}
