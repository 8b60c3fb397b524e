// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { fakeClientPerTest, flushTasks } from '../testing/fake-client-per-test'
import { sampleImport, sampleModel, samplePreset } from '../testing/models'
import { useAnnouncerStore } from './announcer'
import { useZooStore } from './zoo'

const client = fakeClientPerTest()
afterEach(() => vi.useRealTimers())

describe('useZooStore', () => {
  it('lists everything for the facets and the filtered query for the cards', async () => {
    const zoo = useZooStore()
    const loading = zoo.refresh()
    expect(client().calls.listModels.map((call) => call.args[0])).toEqual([{}, { query: { sort: 'name', order: 'asc' } }])
    const models = [sampleModel(), samplePreset(), sampleImport()]
    client().calls.listModels[0].resolve(models)
    client().calls.listModels[1].resolve(models.slice(0, 2))
    await loading
    expect(zoo.shown.map((m) => m.id)).toEqual(['seed:bert-moby', 'preset:bert-base'])
    expect(zoo.families).toEqual(['bert', 'vit'])
    expect(zoo.sources).toEqual(['preset', 'builtin', 'imported'])
  })

  it('asks the host again once typing pauses, and ignores answers to older filters', async () => {
    vi.useFakeTimers()
    const zoo = useZooStore()
    zoo.filters.search = 'b'
    await vi.advanceTimersByTimeAsync(50)
    zoo.filters.search = 'bert'
    zoo.filters.family = 'bert'
    await vi.advanceTimersByTimeAsync(200)
    expect(client().calls.listModels).toHaveLength(2)
    expect(client().calls.listModels[1].args[0]).toEqual({ query: { search: 'bert', families: ['bert'], sort: 'name', order: 'asc' } })
    zoo.filters.sort = 'largest'
    await vi.advanceTimersByTimeAsync(200)
    client().calls.listModels[2].resolve([])
    client().calls.listModels[3].resolve([samplePreset()])
    client().calls.listModels[0].resolve([sampleModel()])
    client().calls.listModels[1].resolve([sampleModel()])
    await vi.runAllTimersAsync()
    expect(zoo.shown.map((m) => m.id)).toEqual(['preset:bert-base'])
  })

  it('lists again when the library changes', async () => {
    const zoo = useZooStore()
    const loading = zoo.refresh()
    client().calls.listModels.forEach((call) => call.resolve([]))
    await loading
    client().emit({ type: 'library.changed', reason: 'imported' })
    expect(client().calls.listModels).toHaveLength(4)
  })

  it('removes a model, says so, and lists again', async () => {
    const zoo = useZooStore()
    const removing = zoo.remove(sampleImport())
    expect(client().calls.removeModel[0].args[0]).toEqual({ id: 'lib:vit-dummy' })
    client().calls.removeModel[0].resolve({ removed: true, deletedFiles: [] })
    await flushTasks()
    client().calls.listModels.forEach((call) => call.resolve([]))
    expect(await removing).toBe(true)
    expect(useAnnouncerStore().message).toBe('vit-dummy was removed from the library.')
  })

  it('keeps the error of a model that cannot be opened', async () => {
    const zoo = useZooStore()
    const opening = zoo.open('lib:gone')
    client().calls.getModel[0].reject(FakeStudioClient.error('not_found', 'No model lib:gone in the library'))
    await opening
    expect(zoo.detailError).toBe('Could not open the model: No model lib:gone in the library')
    expect(zoo.detail).toBeNull()
  })
})
