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
  return { path: name, name, isDirectory: false, sizeBytes: 24, kind, detail: '1 tensor (F32)', source: 'upload' }
}

describe('useDropsStore', () => {
  it('passes the File and the folder hint to the client and shows the report', async () => {
    const store = useDropsStore()
    const file = new File(['x'], 'w.safetensors')
    const done = store.inspect(file, { isDirectory: false }, 2)
    expect(store.status).toBe('reading')
    expect(client.calls.inspectDroppedFile[0].args).toEqual([file, { isDirectory: false }])
    client.calls.inspectDroppedFile[0].resolve(report('w.safetensors', 'safetensors'))
    await done
    expect(store.status).toBe('done')
    expect(store.report?.kind).toBe('safetensors')
    expect(store.ignoredCount).toBe(2)
    expect(useAnnouncerStore().message).toBe('w.safetensors: safetensors weights. 1 tensor (F32)')
  })

  it('shows the error of a failed inspection', async () => {
    const store = useDropsStore()
    const done = store.inspect(new File([], 'photos'), { isDirectory: true })
    client.calls.inspectDroppedFile[0].reject(FakeStudioClient.error('unsupported', '"photos" is a folder.'))
    await done
    expect(store).toMatchObject({ status: 'error', itemName: 'photos', error: '"photos" is a folder.', report: null })
  })

  it('ignores a slow answer for an earlier drop', async () => {
    const store = useDropsStore()
    const first = store.inspect(new File(['a'], 'a.json'))
    const second = store.inspect(new File(['b'], 'b.json'))
    client.calls.inspectDroppedFile[1].resolve(report('b.json', 'json'))
    await second
    client.calls.inspectDroppedFile[0].resolve(report('a.json', 'hf-config'))
    await first
    expect(store.report?.name).toBe('b.json')
  })

  it('shows items the app opened (app.opened) and open errors (app.error)', () => {
    const store = useDropsStore()
    client.emit({ type: 'app.opened', report: { ...report('/models/bert', 'hf-checkpoint-folder'), isDirectory: true, source: 'path' } })
    expect(store.report?.kind).toBe('hf-checkpoint-folder')
    client.emit({ type: 'app.error', message: '/models/gone does not exist' })
    expect(store).toMatchObject({ status: 'error', error: '/models/gone does not exist', report: null })
  })
})
