/**
 * The link to the app: connection state (browser mode can disconnect), app info, and the engine's
 * status events (engine.status) turned into a non-blocking notice.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EngineStatusEvent } from '../../../shared/events'
import type { AppInfo } from '../../../shared/studio-api'
import { errorMessageOf, useStudioClient, type ConnectionState } from '../composables/client'
import { useAnnouncerStore } from './announcer'

export interface EngineNotice {
  tone: 'warning' | 'info'
  text: string
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
    if (next.status === 'disconnected' && was !== 'disconnected') announcer.announce('Disconnected from ligo serve. Reconnecting.')
    if (next.status === 'connected' && was !== 'connected') announcer.announce('Connected to ligo serve.')
  })

  client.onEvents((events) => {
    for (const event of events) if (event.type === 'engine.status') applyEngineStatus(event)
  })

  // A restart goes crashed -> starting -> ready; remember the crash until the engine is ready again.
  let crashedSinceReady = false

  function applyEngineStatus(event: EngineStatusEvent): void {
    engineStatus.value = event.status
    if (event.status === 'crashed') {
      crashedSinceReady = true
      engineNotice.value = { tone: 'warning', text: `The engine stopped unexpectedly${event.detail ? `: ${event.detail}` : '.'}` }
      announcer.announce(engineNotice.value.text)
    } else if (event.status === 'ready' && crashedSinceReady) {
      crashedSinceReady = false
      engineNotice.value = { tone: 'info', text: 'The engine restarted and is ready again.' }
      announcer.announce(engineNotice.value.text)
    } else if (event.status === 'stopped') {
      engineNotice.value = { tone: 'info', text: event.detail ?? 'The engine has stopped.' }
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
