import { describe, expect, it, vi } from 'vitest'
import type { StudioBridge } from '../../../../preload/api'
import type { RunDetail } from '../../../../shared/runs'
import { STUDIO_METHODS } from '../../../../shared/studio-api'
import { createBridgeClient, findBridge } from './bridge-client'
import { clientMethods } from './studio-client'

function bridge(overrides: Partial<StudioBridge> = {}): StudioBridge {
  return {
    getAppInfo: vi.fn(),
    getHardware: vi.fn(),
    benchmarkMatmul: vi.fn(),
    cancelTask: vi.fn(),
    inspectDroppedFile: vi.fn(),
    importDroppedFiles: vi.fn(),
    onEvents: vi.fn(() => () => {}),
    ...overrides,
  } as StudioBridge
}

describe('createBridgeClient', () => {
  it('finds window.studio only when it looks like the bridge', () => {
    const studio = bridge()
    expect(findBridge({ studio })).toBe(studio)
    expect(findBridge({})).toBeNull()
    expect(findBridge({ studio: { name: 'something else' } })).toBeNull()
  })

  it('decodes the "[code] message" the contextBridge leaves of an error', async () => {
    const client = createBridgeClient(
      bridge({ benchmarkMatmul: () => Promise.reject(new Error("Error invoking remote method 'studio:benchmarkMatmul': Error: [cancelled] Task m-1 was cancelled")) }),
    )
    await expect(client.benchmarkMatmul({ taskId: 'm-1' })).rejects.toMatchObject({ code: 'cancelled', message: 'Task m-1 was cancelled' })
  })

  it('passes results and event subscriptions through and is always connected', async () => {
    const stop = vi.fn()
    const studio = bridge({ cancelTask: vi.fn(async () => ({ cancelled: true })), onEvents: vi.fn(() => stop) })
    const client = createBridgeClient(studio)
    await expect(client.cancelTask('m-2')).resolves.toEqual({ cancelled: true })
    expect(studio.cancelTask).toHaveBeenCalledWith({ taskId: 'm-2' })
    const listener = vi.fn()
    expect(client.onEvents(listener)).toBe(stop)
    expect(studio.onEvents).toHaveBeenCalledWith(listener)
    expect(client.mode).toBe('desktop')
    expect(client.getConnectionState().status).toBe('connected')
  })

  it('exposes every client method of the contract over the bridge, params passed through', async () => {
    const listModels = vi.fn(async () => [])
    const getRun = vi.fn(async () => ({ id: 'r1' }) as unknown as RunDetail)
    const importDroppedFiles = vi.fn(async () => [])
    const client = createBridgeClient(bridge({ listModels, getRun, importDroppedFiles } as Partial<StudioBridge>))
    for (const method of clientMethods(STUDIO_METHODS)) expect(typeof client[method]).toBe('function')
    await client.listModels()
    expect(listModels).toHaveBeenCalledWith({})
    await expect(client.getRun({ runId: 'r1' })).resolves.toEqual({ id: 'r1' })
    expect(getRun).toHaveBeenCalledWith({ runId: 'r1' })
    const files = [{ name: 'a' }] as unknown as File[]
    await client.importFiles(files)
    expect(importDroppedFiles).toHaveBeenCalledWith(files)
  })
})
