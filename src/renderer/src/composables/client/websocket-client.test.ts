// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SNIFF_HEAD_BYTES, type WsClientFrame } from '../../../../shared/studio-api'
import type { ConnectionState } from './studio-client'
import { fromBase64 } from '../../testing/base64'
import { createWebSocketClient, reconnectDelayMs, type WebSocketLike } from './websocket-client'

/** Plays the server: the test opens, answers, pushes and closes by hand. */
class FakeSocket implements WebSocketLike {
  readyState = 0
  sent: WsClientFrame[] = []
  onopen: WebSocketLike['onopen'] = null
  onmessage: WebSocketLike['onmessage'] = null
  onclose: WebSocketLike['onclose'] = null
  onerror: WebSocketLike['onerror'] = null
  closedWith: { code?: number; reason?: string } | null = null
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    this.sent.push(JSON.parse(data))
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason }
    this.readyState = 3
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  push(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) })
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

const URL = 'ws://127.0.0.1:5000/api/ws?token=abc'
let sockets: FakeSocket[]

function makeClient() {
  const client = createWebSocketClient({
    url: URL,
    createSocket: (url) => {
      const socket = new FakeSocket(url)
      sockets.push(socket)
      return socket
    },
    backoff: { initialMs: 100, maxMs: 400 },
  })
  const states: ConnectionState[] = []
  client.onConnectionChange((state) => states.push(state))
  return { client, states }
}

beforeEach(() => {
  sockets = []
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('createWebSocketClient', () => {
  it('queues requests until the socket opens, then matches responses by id in any order', async () => {
    const { client } = makeClient()
    expect(client.getConnectionState().status).toBe('connecting')
    const info = client.getAppInfo()
    const cancel = client.cancelTask('matmul-1')
    expect(sockets[0].sent).toEqual([])
    sockets[0].open()
    expect(sockets[0].sent).toEqual([
      { kind: 'request', id: 1, method: 'getAppInfo', params: {} },
      { kind: 'request', id: 2, method: 'cancelTask', params: { taskId: 'matmul-1' } },
    ])
    sockets[0].push({ kind: 'response', id: 2, ok: true, result: { cancelled: true } })
    sockets[0].push({ kind: 'response', id: 1, ok: true, result: { name: 'LiGO Studio', version: '0.1.0', host: 'serve', features: [] } })
    await expect(cancel).resolves.toEqual({ cancelled: true })
    await expect(info).resolves.toMatchObject({ host: 'serve' })
  })

  it('rejects with the code of an error frame', async () => {
    const { client } = makeClient()
    sockets[0].open()
    const result = client.benchmarkMatmul({ taskId: 'matmul-2' })
    sockets[0].push({ kind: 'response', id: 1, ok: false, error: { code: 'cancelled', message: 'Task matmul-2 was cancelled' } })
    await expect(result).rejects.toMatchObject({ name: 'StudioClientError', code: 'cancelled', message: 'Task matmul-2 was cancelled' })
  })

  it('rejects invalid params before sending anything', async () => {
    const { client } = makeClient()
    sockets[0].open()
    await expect(client.cancelTask('not a valid id!')).rejects.toMatchObject({ code: 'invalid_request' })
    expect(sockets[0].sent).toEqual([])
  })

  it('dispatches pushed event batches to every listener until it unsubscribes', () => {
    const { client } = makeClient()
    sockets[0].open()
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = client.onEvents(first)
    client.onEvents(second)
    const batch = [{ type: 'engine.status', status: 'ready', detail: null }]
    sockets[0].push({ kind: 'events', events: batch })
    stopFirst()
    sockets[0].push({ kind: 'events', events: batch })
    expect(first).toHaveBeenCalledTimes(1)
    expect(first).toHaveBeenCalledWith(batch)
    expect(second).toHaveBeenCalledTimes(2)
  })

  it('ignores frames that are not WsServerFrames', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { client } = makeClient()
    sockets[0].open()
    const info = client.getHardware()
    sockets[0].push('not json')
    sockets[0].push({ kind: 'response', id: 1, ok: false, error: 'no code' })
    sockets[0].push({ kind: 'response', id: 1, ok: true, result: { backend: 'cpu' } })
    await expect(info).resolves.toEqual({ backend: 'cpu' })
    expect(warn).toHaveBeenCalledTimes(2)
    warn.mockRestore()
  })

  it('on close rejects sent requests, reports the state, and reconnects with doubling backoff', async () => {
    const { client, states } = makeClient()
    sockets[0].open()
    const sent = client.getHardware()
    sockets[0].drop(1006)
    await expect(sent).rejects.toMatchObject({ code: 'disconnected' })
    expect(client.getConnectionState()).toEqual({ status: 'disconnected', attempt: 1, retryInMs: 100, detail: 'connection closed (code 1006)' })

    // A request made while disconnected waits for the next socket.
    const later = client.getAppInfo()
    vi.advanceTimersByTime(99)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(2)
    expect(sockets[1].url).toBe(URL)
    expect(client.getConnectionState().status).toBe('connecting')

    sockets[1].drop(1006) // the server is still down: wait twice as long
    expect(client.getConnectionState()).toMatchObject({ status: 'disconnected', attempt: 2, retryInMs: 200 })
    vi.advanceTimersByTime(200)
    sockets[2].open()
    expect(client.getConnectionState()).toEqual({ status: 'connected', attempt: 0, retryInMs: null, detail: null })
    expect(sockets[2].sent).toEqual([{ kind: 'request', id: 2, method: 'getAppInfo', params: {} }])
    sockets[2].push({ kind: 'response', id: 2, ok: true, result: { host: 'serve' } })
    await expect(later).resolves.toEqual({ host: 'serve' })
    expect(states.map((s) => s.status)).toEqual(['connected', 'disconnected', 'connecting', 'disconnected', 'connecting', 'connected'])
  })

  it('caps the reconnect delay', () => {
    const backoff = { initialMs: 500, maxMs: 10_000 }
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelayMs(attempt, backoff))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000])
  })

  it('stops reconnecting after dispose', () => {
    const { client } = makeClient()
    sockets[0].open()
    client.dispose()
    expect(sockets[0].closedWith).toEqual({ code: 1000, reason: 'page closed' })
    vi.advanceTimersByTime(10_000)
    expect(sockets).toHaveLength(1)
  })

  it('uploads the first SNIFF_HEAD_BYTES bytes of a dropped file as base64', async () => {
    const { client } = makeClient()
    sockets[0].open()
    const bytes = new Uint8Array(SNIFF_HEAD_BYTES + 100).map((_, i) => (i * 7) % 256)
    const report = client.inspectDroppedFile(new File([bytes], 'model.safetensors'))
    await vi.waitFor(() => expect(sockets[0].sent).toHaveLength(1))
    const frame = sockets[0].sent[0] as WsClientFrame & { params: { name: string; sizeBytes: number; headBase64: string } }
    expect(frame).toMatchObject({ kind: 'request', id: 1, method: 'inspectUpload', params: { name: 'model.safetensors', sizeBytes: SNIFF_HEAD_BYTES + 100 } })
    expect(fromBase64(frame.params.headBase64)).toEqual(bytes.subarray(0, SNIFF_HEAD_BYTES))
    sockets[0].push({ kind: 'response', id: 1, ok: true, result: { kind: 'safetensors' } })
    await expect(report).resolves.toEqual({ kind: 'safetensors' })
  })

  it('refuses folders in the browser with a clear message', async () => {
    const { client } = makeClient()
    sockets[0].open()
    await expect(client.inspectDroppedFile(new File([], 'bert-base'), { isDirectory: true })).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('"bert-base" is a folder. A browser page cannot read folders'),
    })
    expect(sockets[0].sent).toEqual([])
  })
})
