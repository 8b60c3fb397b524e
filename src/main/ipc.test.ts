// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { StudioError } from '../shared/errors'
import { decodeIpcError } from '../shared/ipc-error'
import { IPC_EVENTS_CHANNEL, STUDIO_METHODS, validateStudioParams } from '../shared/studio-api'
import type { StudioEvent } from '../shared/events'
import { isAppUrl } from './app-protocol'
import { createSenderCheck, forwardStudioEvents, registerStudioIpc } from './ipc'
import { FakeBrowserWindow, FakeFrame, asElectron, createFakeElectron } from './test-utils/fake-electron'

/** A service that validates like StudioService (shared validators) and records what reached it. */
function recordingService() {
  const calls: Array<{ method: string; params: unknown }> = []
  return {
    calls,
    async invoke(method: string, params: unknown) {
      const valid = validateStudioParams(method, params)
      calls.push({ method, params: valid })
      if (method === 'cancelTask') throw new StudioError('not_found', 'No task "t1" is running')
      if (method === 'getHardware') throw new TypeError('boom')
      return { ok: method }
    },
  }
}

function setup() {
  const electron = createFakeElectron()
  const window = new FakeBrowserWindow({ show: false })
  window.webContents.mainFrame.url = 'app://app/index.html'
  const service = recordingService()
  const check = createSenderCheck(() => asElectron(window), (url) => isAppUrl(url))
  const unregister = registerStudioIpc(asElectron(electron.ipcMain), service, check)
  const trusted = { sender: window.webContents, senderFrame: window.webContents.mainFrame }
  const call = async (method: string, event: unknown, ...args: unknown[]) => {
    const handler = electron.ipcMain.handlers.get(`studio:${method}`)
    if (!handler) throw new Error(`no handler for ${method}`)
    return handler(event, ...args)
  }
  return { electron, window, service, trusted, call, unregister }
}

async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    return decodeIpcError(error)
  }
  throw new Error('expected the call to reject')
}

describe('registerStudioIpc', () => {
  it('registers exactly one handler per Studio method', () => {
    const { electron, unregister } = setup()
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(STUDIO_METHODS.map((m) => `studio:${m}`).sort())
    unregister()
    expect(electron.ipcMain.handlers.size).toBe(0)
  })

  it('accepts a valid request from the main frame of the window', async () => {
    const { call, trusted, service } = setup()
    await expect(call('benchmarkMatmul', trusted, { taskId: 'bench-1', sizes: [64, 128] })).resolves.toEqual({ ok: 'benchmarkMatmul' })
    await expect(call('getAppInfo', trusted)).resolves.toEqual({ ok: 'getAppInfo' })
    expect(service.calls).toEqual([
      { method: 'benchmarkMatmul', params: { taskId: 'bench-1', sizes: [64, 128] } },
      { method: 'getAppInfo', params: {} },
    ])
  })

  it('refuses a foreign sender: a subframe, another URL, another window, a vanished frame', async () => {
    const { call, window, service } = setup()
    const other = new FakeBrowserWindow()
    other.webContents.mainFrame.url = 'app://app/index.html'
    const senders = [
      { sender: window.webContents, senderFrame: new FakeFrame('app://app/index.html') }, // an iframe of the app
      { sender: other.webContents, senderFrame: other.webContents.mainFrame },
      { sender: window.webContents, senderFrame: null },
    ]
    for (const event of senders) {
      const error = await rejection(call('getAppInfo', event))
      expect(error.code).toBe('forbidden')
      expect(error.message).toMatch(/getAppInfo refused/)
    }
    window.webContents.mainFrame.url = 'https://evil.example/'
    const error = await rejection(call('getAppInfo', { sender: window.webContents, senderFrame: window.webContents.mainFrame }))
    expect(error.code).toBe('forbidden')
    expect(error.message).toContain('https://evil.example/')
    expect(service.calls).toEqual([])
  })

  it('refuses malformed payloads with messages that name the field', async () => {
    const { call, trusted, service } = setup()
    const cases: Array<[string, unknown[], RegExp]> = [
      ['cancelTask', ['t1'], /cancelTask params must be an object, got string/],
      ['cancelTask', [null], /must be an object, got null/],
      ['benchmarkMatmul', [[1, 2]], /must be an object, got an array/],
      ['benchmarkMatmul', [{ taskId: 'b', sizez: [64] }], /unknown field "sizez"/],
      ['benchmarkMatmul', [{ taskId: 'b', sizes: ['64'] }], /benchmarkMatmul params\.sizes\[0\] must be a finite number/],
      ['inspectPath', [{ path: 42 }], /inspectPath params\.path must be a string, got number/],
      ['getAppInfo', [{}, {}], /takes one params object, got 2 arguments/],
    ]
    for (const [method, args, message] of cases) {
      const error = await rejection(call(method, trusted, ...args))
      expect(error.code, method).toBe('invalid_request')
      expect(error.message, method).toMatch(message)
    }
    expect(service.calls).toEqual([])
  })

  it('carries the service error code across IPC; unknown errors become engine_error', async () => {
    const { call, trusted } = setup()
    const notFound = await rejection(call('cancelTask', trusted, { taskId: 't1' }))
    expect([notFound.code, notFound.message]).toEqual(['not_found', 'No task "t1" is running'])
    const internal = await rejection(call('getHardware', trusted, {}))
    expect([internal.code, internal.message]).toEqual(['engine_error', 'boom'])
  })
})

describe('forwardStudioEvents', () => {
  it('sends each batch to the main window only, and stops on unsubscribe', () => {
    createFakeElectron()
    const window = new FakeBrowserWindow()
    const bystander = new FakeBrowserWindow()
    let emit: (events: StudioEvent[]) => void = () => {}
    let subscribed = 0
    const source = {
      onEvents(listener: (events: StudioEvent[]) => void) {
        emit = listener
        subscribed += 1
        return () => {
          subscribed -= 1
        }
      },
    }
    const stop = forwardStudioEvents(source, () => asElectron(window))
    const batch: StudioEvent[] = [{ type: 'engine.status', status: 'crashed', detail: 'exit code 1; restarts on the next request' }]
    emit(batch)
    expect(window.webContents.sent).toEqual([{ channel: IPC_EVENTS_CHANNEL, args: [batch] }])
    expect(bystander.webContents.sent).toEqual([])
    window.close()
    emit(batch) // no throw on a closed window
    expect(window.webContents.sent).toHaveLength(1)
    stop()
    expect(subscribed).toBe(0)
  })
})
