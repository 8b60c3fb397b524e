// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { installStudioClient } from '../composables/client'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { sampleHardwareRecord } from '../testing/hardware-record'
import { useAnnouncerStore } from './announcer'
import { useHardwareStore } from './hardware'

let client: FakeStudioClient

beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('useHardwareStore', () => {
  it('loads the record, and keeps a readable error when the host fails', async () => {
    const store = useHardwareStore()
    const first = store.load()
    expect(store.loading).toBe(true)
    client.calls.getHardware[0].reject(FakeStudioClient.error('engine_crashed', 'The engine exited with code 1'))
    await first
    expect(store.loadError).toBe('Could not read the hardware record: The engine exited with code 1')
    const second = store.load()
    client.calls.getHardware[1].resolve(sampleHardwareRecord())
    await second
    expect(store.record?.backend).toBe('wasm')
    expect(store.loadError).toBeNull()
    expect(store.loading).toBe(false)
  })

  it('tracks a speed measurement through progress events to its result', async () => {
    const store = useHardwareStore()
    const run = store.measureSpeed()
    const { taskId } = client.calls.benchmarkMatmul[0].args[0] as { taskId: string }
    expect(taskId).toMatch(/^matmul-[a-z0-9]+-[a-z0-9]+$/)
    expect(store.benchmarkRunning).toBe(true)
    // Another press while running does not start a second task.
    await store.measureSpeed()
    expect(client.calls.benchmarkMatmul).toHaveLength(1)

    const progress = { type: 'task.progress', taskId, done: 2, total: 4, unit: 'sizes', elapsedSeconds: 3, etaSeconds: 3, message: 'n=256' } as const
    client.emit({ ...progress, taskId: 'someone-else' }, progress)
    expect(store.benchmark?.progress).toEqual(progress)

    client.calls.benchmarkMatmul[0].resolve({ backend: 'wasm', path: 'backend', rows: [{ size: 128, gflops: 3.5, milliseconds: 1.2, repeats: 10 }, { size: 256, gflops: 7.25, milliseconds: 4.6, repeats: 5 }] })
    await run
    expect(store.benchmark?.status).toBe('done')
    expect(store.benchmarkResult?.rows).toHaveLength(2)
    expect(useAnnouncerStore().message).toBe('Speed measured: up to 7.3 GFLOP/s on wasm.')
  })

  it('cancels through cancelTask and ends as cancelled, not failed', async () => {
    const store = useHardwareStore()
    const run = store.measureSpeed()
    const { taskId } = client.calls.benchmarkMatmul[0].args[0] as { taskId: string }
    const cancelling = store.cancelSpeed()
    expect(client.calls.cancelTask[0].args).toEqual([taskId])
    client.calls.cancelTask[0].resolve({ cancelled: true })
    await cancelling
    client.calls.benchmarkMatmul[0].reject(FakeStudioClient.error('cancelled', `Task ${taskId} was cancelled`))
    await run
    expect(store.benchmark).toMatchObject({ status: 'cancelled', error: null })
    expect(store.benchmarkResult).toBeNull()
  })

  it('keeps the message of a failed measurement', async () => {
    const store = useHardwareStore()
    const run = store.measureSpeed()
    client.calls.benchmarkMatmul[0].reject(FakeStudioClient.error('engine_error', 'out of memory at n=2048'))
    await run
    await flush()
    expect(store.benchmark).toMatchObject({ status: 'failed', error: 'out of memory at n=2048' })
  })
})
