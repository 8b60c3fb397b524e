// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { installStudioClient } from '../composables/client'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { useAnnouncerStore } from './announcer'
import { useConnectionStore } from './connection'

let client: FakeStudioClient
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

describe('useConnectionStore', () => {
  it('turns engine crashes and the restart after one into notices', () => {
    const store = useConnectionStore()
    client.emit({ type: 'engine.status', status: 'ready', detail: null })
    expect(store.engineNotice).toBeNull()
    client.emit({ type: 'engine.status', status: 'crashed', detail: 'exit code 134; it restarts on the next request' })
    expect(store.engineStatus).toBe('crashed')
    expect(store.engineNotice).toEqual({ tone: 'warning', key: 'app.notices.engineCrashedDetail', params: { detail: 'exit code 134; it restarts on the next request' } })
    expect(useAnnouncerStore().message).toBe('The engine stopped unexpectedly: exit code 134; it restarts on the next request')
    client.emit({ type: 'engine.status', status: 'starting', detail: null }, { type: 'engine.status', status: 'ready', detail: null })
    expect(store.engineStatus).toBe('ready')
    expect(store.engineNotice).toEqual({ tone: 'info', key: 'app.notices.engineRestarted', params: {} })
    expect(useAnnouncerStore().message).toBe('The engine restarted and is ready again.')
    store.dismissEngineNotice()
    expect(store.engineNotice).toBeNull()
  })

  it('says nothing about a restart when the engine was never down', () => {
    const store = useConnectionStore()
    client.emit({ type: 'engine.status', status: 'starting', detail: null }, { type: 'engine.status', status: 'ready', detail: null })
    client.emit({ type: 'engine.status', status: 'ready', detail: null })
    expect(store.engineNotice).toBeNull()
  })

  it('mirrors the connection state and announces losing it once', () => {
    const store = useConnectionStore()
    const down = { status: 'disconnected', attempt: 1, retryInMs: 500, detail: 'connection closed (code 1006)' } as const
    client.setConnection(down)
    client.setConnection({ ...down, attempt: 2, retryInMs: 1000 })
    expect(store.connected).toBe(false)
    expect(store.connection.attempt).toBe(2)
    expect(useAnnouncerStore().message).toBe('Disconnected from ligo serve. Reconnecting.')
  })

  it('loads the app info', async () => {
    const store = useConnectionStore()
    const loading = store.loadAppInfo()
    client.calls.getAppInfo[0].resolve({ name: 'LiGO Studio', version: '0.1.0', host: 'serve', features: [], workspace: '/home/user/.ligo-studio', systemLocale: 'en-US', maxUploadBytes: 4294967296 })
    await loading
    expect(store.appInfo?.version).toBe('0.1.0')
  })
})
