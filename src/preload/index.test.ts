// @vitest-environment node
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { StudioEvent } from '../shared/events'
import { decodeIpcError } from '../shared/ipc-error'
import { IPC_EVENTS_CHANNEL, STUDIO_METHODS } from '../shared/studio-api'
import type { StudioBridge } from './api'

// A stand-in for the renderer side of electron: records what the preload exposes and sends.
const electron = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => void
  const listeners = new Map<string, Set<Listener>>()
  const exposed = new Map<string, unknown>()
  const invocations: Array<{ channel: string; args: unknown[] }> = []
  const paths = new Map<unknown, string>()
  let reply: (channel: string, args: unknown[]) => Promise<unknown> = async () => undefined
  return {
    exposed,
    invocations,
    listeners,
    paths,
    setReply(fn: typeof reply) {
      reply = fn
    },
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => {
          invocations.push({ channel, args })
          return reply(channel, args)
        },
        on(channel: string, listener: Listener) {
          if (!listeners.has(channel)) listeners.set(channel, new Set())
          listeners.get(channel)!.add(listener)
        },
        removeListener(channel: string, listener: Listener) {
          listeners.get(channel)?.delete(listener)
        },
        send: () => {
          throw new Error('the bridge must not use ipcRenderer.send')
        },
      },
      webUtils: {
        getPathForFile(file: unknown) {
          if (typeof file !== 'object' || file === null) throw new TypeError('Argument must be a File')
          return paths.get(file) ?? ''
        },
      },
    },
  }
})
vi.mock('electron', () => electron.module)

async function loadBridge(): Promise<StudioBridge> {
  electron.exposed.clear()
  vi.resetModules()
  await import('./index')
  return electron.exposed.get('studio') as StudioBridge
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: Error & { code?: string }) => error,
  )
}

beforeEach(() => {
  electron.invocations.length = 0
  electron.listeners.clear()
  electron.setReply(async () => undefined)
})

describe('preload', () => {
  it('exposes one frozen object, window.studio, with exactly the task functions and no ipcRenderer', async () => {
    const studio = await loadBridge()
    expect([...electron.exposed.keys()]).toEqual(['studio'])
    expect(Object.isFrozen(studio)).toBe(true)
    expect(Object.keys(studio).sort()).toEqual([...STUDIO_METHODS, 'importDroppedFiles', 'inspectDroppedFile', 'onEvents'].sort())
    for (const value of Object.values(studio)) expect(typeof value).toBe('function')
    expect(Object.values(studio)).not.toContain(electron.module.ipcRenderer)
  })

  it('maps each function to its studio:<method> channel with the right params', async () => {
    const studio = await loadBridge()
    electron.setReply(async (channel) => ({ from: channel }))
    const file = { name: 'model.safetensors' }
    electron.paths.set(file, '/data/model.safetensors')
    await expect(studio.getAppInfo()).resolves.toEqual({ from: 'studio:getAppInfo' })
    await studio.getHardware()
    await studio.benchmarkMatmul({ taskId: 'b1', sizes: [128] })
    await studio.cancelTask({ taskId: 'b1' })
    await studio.listModels()
    await studio.getModel({ id: 'seed:bert-moby' })
    await studio.inspectDroppedFile(file as unknown as File)
    expect(electron.invocations).toEqual([
      { channel: 'studio:getAppInfo', args: [{}] },
      { channel: 'studio:getHardware', args: [{}] },
      { channel: 'studio:benchmarkMatmul', args: [{ taskId: 'b1', sizes: [128] }] },
      { channel: 'studio:cancelTask', args: [{ taskId: 'b1' }] },
      { channel: 'studio:listModels', args: [{}] },
      { channel: 'studio:getModel', args: [{ id: 'seed:bert-moby' }] },
      { channel: 'studio:inspectPath', args: [{ path: '/data/model.safetensors' }] },
    ])
  })

  it('refuses a dropped File without a path on disk before calling main', async () => {
    const studio = await loadBridge()
    const error = await rejection(studio.inspectDroppedFile({ name: 'made-in-page.txt' } as unknown as File))
    expect(error.code).toBe('invalid_request')
    expect(error.message).toMatch(/^\[invalid_request\] "made-in-page\.txt" is not a file on disk/)
    const notAFile = await rejection(studio.inspectDroppedFile('nope' as unknown as File))
    expect(notAFile.message).toMatch(/expects a File/)
    expect(electron.invocations).toEqual([])
  })

  it('imports dropped files by their paths in one call; a File without a path fails alone, in its place', async () => {
    const studio = await loadBridge()
    const good = { name: 'a.safetensors' }
    const other = { name: 'b' }
    electron.paths.set(good, '/data/a.safetensors')
    electron.paths.set(other, '/data/b')
    electron.setReply(async (_channel, args) =>
      (args[0] as { paths: string[] }).paths.map((path) => ({ ok: false, path, error: { code: 'invalid_request', message: `${path}: not a checkpoint` } })),
    )
    const outcomes = await studio.importDroppedFiles([good, { name: 'in-page.txt' }, other] as unknown as File[])
    expect(electron.invocations).toEqual([{ channel: 'studio:importPaths', args: [{ paths: ['/data/a.safetensors', '/data/b'] }] }])
    expect(outcomes.map((o) => o.path)).toEqual(['/data/a.safetensors', 'in-page.txt', '/data/b'])
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(outcomes[1].ok === false && outcomes[1].error.message).toMatch(/"in-page\.txt" is not a file on disk/)
  })

  it('turns IPC rejections back into coded errors that survive the contextBridge', async () => {
    const studio = await loadBridge()
    electron.setReply(async (channel) => {
      throw new Error(`Error invoking remote method '${channel}': Error: [forbidden] getHardware refused: the request came from a frame at https://evil.example/`)
    })
    const error = await rejection(studio.getHardware())
    expect(error.name).toBe('StudioError') // modules were reset, so compare by name, not class
    expect(error.code).toBe('forbidden')
    // the contextBridge keeps only .message: decoding that alone must give the same code and text
    const decoded = decodeIpcError(new Error(error.message))
    expect([decoded.code, decoded.message]).toEqual(['forbidden', 'getHardware refused: the request came from a frame at https://evil.example/'])
  })

  it('delivers event batches without the IpcRendererEvent, and unsubscribes', async () => {
    const studio = await loadBridge()
    const received: unknown[][] = []
    const unsubscribe = studio.onEvents((...args: unknown[]) => received.push(args))
    const batch: StudioEvent[] = [{ type: 'task.log', taskId: null, level: 'info', message: 'engine ready' }]
    const ipcEvent = { sender: electron.module.ipcRenderer, ports: [] }
    electron.listeners.get(IPC_EVENTS_CHANNEL)!.forEach((listener) => listener(ipcEvent, batch))
    expect(received).toEqual([[batch]])
    unsubscribe()
    expect(electron.listeners.get(IPC_EVENTS_CHANNEL)!.size).toBe(0)
    expect(() => studio.onEvents('not a function' as never)).toThrow(/onEvents expects a function/)
  })
})
