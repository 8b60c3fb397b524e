// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { DroppedItemReport } from '../../../shared/dropped'
import { installStudioClient } from '../composables/client'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { useAnnouncerStore } from './announcer'
import { useDropsStore } from './drops'

let client: FakeStudioClient
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

function report(name: string, kind: DroppedItemReport['kind']): DroppedItemReport {
  return { path: `/models/${name}`, name, isDirectory: false, sizeBytes: 24, kind, detail: '1 tensor (F32)', source: 'path' }
}

describe('useDropsStore', () => {
  it('shows items the app opened (app.opened) and announces them', () => {
    const store = useDropsStore()
    expect(store.status).toBe('idle')
    client.emit({ type: 'app.opened', report: report('w.safetensors', 'safetensors') })
    expect(store.status).toBe('done')
    expect(store.report?.kind).toBe('safetensors')
    expect(useAnnouncerStore().message).toBe('w.safetensors: safetensors weights. 1 tensor (F32)')
  })

  it('shows open errors (app.error)', () => {
    const store = useDropsStore()
    client.emit({ type: 'app.error', message: '/models/gone does not exist' })
    expect(store).toMatchObject({ status: 'error', error: '/models/gone does not exist', report: null })
    expect(useAnnouncerStore().message).toBe('Could not inspect the item: /models/gone does not exist')
  })
})
