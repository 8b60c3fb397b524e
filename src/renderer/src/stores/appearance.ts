/**
 * Language and theme. The host's settings are the truth (settings store: language, theme); a copy in
 * localStorage applies them from the first paint, before the host has answered, and keeps them where the
 * host cannot be reached. 'system' follows the OS: navigator.languages for the language, prefers-color-scheme
 * for the theme.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { THEMES, type LanguageSetting, type ThemeSetting } from '../../../shared/settings'
import { applyLocale, isAppLocale, localeForLanguages, type AppLocale } from '../i18n'
import { useSettingsStore } from './settings'

export { THEMES }
export type ThemePreference = ThemeSetting
export type LanguagePreference = LanguageSetting

export const APPEARANCE_STORAGE_KEY = 'ligo-studio.appearance'

interface StoredAppearance {
  language: LanguagePreference
  theme: ThemePreference
}

const DEFAULTS: StoredAppearance = Object.freeze({ language: 'system', theme: 'system' })

/** What was saved, with anything unknown (an older or hand-edited value) replaced by the default. */
export function readAppearance(storage: Pick<Storage, 'getItem'> | null): StoredAppearance {
  try {
    const saved = JSON.parse(storage?.getItem(APPEARANCE_STORAGE_KEY) ?? 'null') as Partial<StoredAppearance> | null
    return {
      language: saved?.language === 'system' || isAppLocale(saved?.language) ? saved.language : DEFAULTS.language,
      theme: (THEMES as readonly unknown[]).includes(saved?.theme) ? (saved!.theme as ThemePreference) : DEFAULTS.theme,
    }
  } catch {
    return { ...DEFAULTS }
  }
}

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null // storage disabled by the browser's privacy settings: preferences last for this page only
  }
}

export const useAppearanceStore = defineStore('appearance', () => {
  const storage = browserStorage()
  const saved = readAppearance(storage)
  const language = ref<LanguagePreference>(saved.language)
  const theme = ref<ThemePreference>(saved.theme)

  const osLanguages = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language])
  const locale = computed<AppLocale>(() => (language.value === 'system' ? localeForLanguages(osLanguages) : language.value))

  // data-theme on <html> picks the colour scheme in styles/base.css; without it the OS decides.
  function applyTheme(value: ThemePreference): void {
    if (typeof document === 'undefined') return
    if (value === 'system') delete document.documentElement.dataset.theme
    else document.documentElement.dataset.theme = value
  }

  watch(locale, (value) => applyLocale(value), { immediate: true })
  watch(theme, applyTheme, { immediate: true })
  // The host's values win when they arrive; a choice made here is saved to the host.
  const host = useSettingsStore()
  watch(
    () => host.settings,
    (settings) => {
      if (!settings) return
      language.value = settings.language
      theme.value = settings.theme
    },
  )
  watch([language, theme], () => {
    try {
      storage?.setItem(APPEARANCE_STORAGE_KEY, JSON.stringify({ language: language.value, theme: theme.value }))
    } catch {
      // quota or privacy mode: the choice still applies to this page
    }
    const settings = host.settings
    if (settings && (settings.language !== language.value || settings.theme !== theme.value)) {
      void host.update({ language: language.value, theme: theme.value }, true)
    }
  })

  return { language, theme, locale }
})
