/**
 * The host's settings (backend, workspace, energy; language and theme too, which the appearance store applies):
 * read with getSettings, changed with updateSettings. The host validates and writes them atomically.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Settings, SettingsPatch } from '../../../shared/settings'
import { errorMessageOf, useStudioClient } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'

export const useSettingsStore = defineStore('settings', () => {
  const client = useStudioClient()
  const announcer = useAnnouncerStore()
  const settings = shallowRef<Settings | null>(null)
  const loadError = ref<string | null>(null)
  const saving = ref(false)
  /** What the last save said: saved, saved but waiting for an engine restart, or the error. */
  const saveMessage = ref<{ tone: 'info' | 'error'; text: string } | null>(null)

  async function load(): Promise<void> {
    try {
      settings.value = await client.getSettings()
      loadError.value = null
    } catch (error) {
      loadError.value = translate('settings.loadFailed', { message: errorMessageOf(error) })
    }
  }

  async function update(patch: SettingsPatch, quiet = false): Promise<boolean> {
    saving.value = true
    try {
      const result = await client.updateSettings({ patch })
      settings.value = result.settings
      if (!quiet) {
        const text = result.pendingRestart.length ? translate('settings.pendingRestart', { names: result.pendingRestart.join(', ') }) : translate('settings.saved')
        saveMessage.value = { tone: 'info', text }
        announcer.announce(text)
      }
      return true
    } catch (error) {
      saveMessage.value = { tone: 'error', text: translate('settings.saveFailed', { message: errorMessageOf(error) }) }
      announcer.announce(saveMessage.value.text)
      return false
    } finally {
      saving.value = false
    }
  }

  async function chooseWorkspace(): Promise<void> {
    const { path } = await client.pickFolder({ purpose: 'workspace' })
    if (path) await update({ workspace: path })
  }

  return { settings, loadError, saving, saveMessage, load, update, chooseWorkspace }
})
