// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { i18n } from '../i18n'
import { APPEARANCE_STORAGE_KEY, readAppearance, useAppearanceStore } from './appearance'

beforeEach(() => {
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
})
