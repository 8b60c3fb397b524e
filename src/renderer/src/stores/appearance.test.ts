// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { installStudioClient } from '../composables/client'
import { i18n } from '../i18n'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { DEFAULT_SETTINGS } from '../../../shared/settings'
import { APPEARANCE_STORAGE_KEY, readAppearance, useAppearanceStore } from './appearance'
import { useSettingsStore } from './settings'

let client: FakeStudioClient
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  localStorage.clear()
  delete document.documentElement.dataset.theme
  setActivePinia(createPinia())
})

describe('readAppearance', () => {
  it('keeps known values and replaces unknown or broken ones with the defaults', () => {
    const stored = (text: string | null) => ({ getItem: () => text })
    expect(readAppearance(stored(JSON.stringify({ language: 'vi', theme: 'dark' })))).toEqual({ language: 'vi', theme: 'dark' })
    expect(readAppearance(stored(JSON.stringify({ language: 'klingon', theme: 'neon' })))).toEqual({ language: 'system', theme: 'system' })
    expect(readAppearance(stored('{not json'))).toEqual({ language: 'system', theme: 'system' })
    expect(readAppearance(null)).toEqual({ language: 'system', theme: 'system' })
  })
})

describe('useAppearanceStore', () => {
  it('applies a chosen language to vue-i18n and <html lang>, and remembers it', async () => {
    const store = useAppearanceStore()
    store.language = 'vi'
    await nextTick()
    expect(i18n.global.locale.value).toBe('vi')
    expect(document.documentElement.lang).toBe('vi')
    expect(i18n.global.t('app.views.settings')).toBe('Cài đặt')
    expect(JSON.parse(localStorage.getItem(APPEARANCE_STORAGE_KEY)!)).toEqual({ language: 'vi', theme: 'system' })
    store.language = 'en'
    await nextTick()
    expect(document.documentElement.lang).toBe('en')
  })

  it('sets data-theme for light and dark, and removes it to follow the OS', async () => {
    const store = useAppearanceStore()
    expect(document.documentElement.dataset.theme).toBeUndefined()
    store.theme = 'dark'
    await nextTick()
    expect(document.documentElement.dataset.theme).toBe('dark')
    store.theme = 'system'
    await nextTick()
    expect(document.documentElement.dataset.theme).toBeUndefined()
  })

  it('starts from what was saved', () => {
    localStorage.setItem(APPEARANCE_STORAGE_KEY, JSON.stringify({ language: 'vi', theme: 'light' }))
    const store = useAppearanceStore()
    expect(store.locale).toBe('vi')
    expect(document.documentElement.dataset.theme).toBe('light')
    store.language = 'en'
  })

  it('adopts the language and theme saved with the host, and saves a change there', async () => {
    const store = useAppearanceStore()
    const settings = useSettingsStore()
    const loading = settings.load()
    client.calls.getSettings[0].resolve({ ...DEFAULT_SETTINGS, energy: { ...DEFAULT_SETTINGS.energy }, language: 'vi', theme: 'dark' })
    await loading
    await nextTick()
    expect(store.language).toBe('vi')
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(client.calls.updateSettings).toHaveLength(0)
    store.theme = 'light'
    await nextTick()
    expect(client.calls.updateSettings[0].args[0]).toEqual({ patch: { language: 'vi', theme: 'light' } })
    store.language = 'en'
    store.theme = 'system'
  })
})
