/**
 * The link to the app: connection state (browser mode can disconnect), app info, and the engine's
 * status events (engine.status) turned into a non-blocking notice.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EngineStatusEvent } from '../../../shared/events'
import type { AppInfo } from '../../../shared/studio-api'
import { errorMessageOf, useStudioClient, type ConnectionState } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'

/** A banner: its i18n key and values, so it follows a language switch while shown. */
export interface EngineNotice {
  tone: 'warning' | 'info'
  key: string
  params: Record<string, string>
}

export const useConnectionStore = defineStore('connection', () => {
  const client = useStudioClient()
  const announcer = useAnnouncerStore()
  const mode = client.mode
  const connection = ref<ConnectionState>(client.getConnectionState())
  const appInfo = shallowRef<AppInfo | null>(null)
  const appInfoError = ref<string | null>(null)
  const engineStatus = ref<EngineStatusEvent['status'] | null>(null)
  const engineNotice = ref<EngineNotice | null>(null)

  client.onConnectionChange((next) => {
    const was = connection.value.status
    connection.value = next
    if (next.status === 'disconnected' && was !== 'disconnected') announcer.announce(translate('app.announce.disconnected'))
    if (next.status === 'connected' && was !== 'connected') announcer.announce(translate('app.announce.connected'))
  })

  client.onEvents((events) => {
    for (const event of events) if (event.type === 'engine.status') applyEngineStatus(event)
  })

  // A restart goes crashed -> starting -> ready; remember the crash until the engine is ready again.
  let crashedSinceReady = false

  function notify(tone: EngineNotice['tone'], key: string, params: Record<string, string> = {}): void {
    engineNotice.value = { tone, key, params }
    announcer.announce(translate(key, params))
  }

  function applyEngineStatus(event: EngineStatusEvent): void {
    engineStatus.value = event.status
    if (event.status === 'crashed') {
      crashedSinceReady = true
      if (event.detail) notify('warning', 'app.notices.engineCrashedDetail', { detail: event.detail })
      else notify('warning', 'app.notices.engineCrashed')
    } else if (event.status === 'ready' && crashedSinceReady) {
      crashedSinceReady = false
      notify('info', 'app.notices.engineRestarted')
    } else if (event.status === 'stopped') {
      // The host's detail is its own words, in English (host texts are not translated).
      engineNotice.value = event.detail
        ? { tone: 'info', key: 'app.notices.engineStoppedDetail', params: { detail: event.detail } }
        : { tone: 'info', key: 'app.notices.engineStopped', params: {} }
    }
  }

  function dismissEngineNotice(): void {
    engineNotice.value = null
  }

  async function loadAppInfo(): Promise<void> {
    try {
      appInfo.value = await client.getAppInfo()
      appInfoError.value = null
    } catch (error) {
      appInfoError.value = errorMessageOf(error)
    }
  }

  const connected = computed(() => connection.value.status === 'connected')

  return { mode, connection, connected, appInfo, appInfoError, engineStatus, engineNotice, dismissEngineNotice, loadAppInfo }
})
