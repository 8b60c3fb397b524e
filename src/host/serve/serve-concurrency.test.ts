/**
 * `ligo serve` under many clients at once (issue 16): bursts of unauthenticated requests, dozens of WebSocket
 * clients sending requests and junk and vanishing mid-request. Nothing may crash the server or stop the engine, and
 * a client arriving afterwards is served as usual. (Token, Origin, traversal and frame-size checks are in
 * http-server.test.ts.) Counts are fixed and loopback only; every socket is closed at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { EngineStatusEvent, HardwareRecord, WsServerFrame } from '../../shared'
import type { EngineHost } from '../engine-types'
import { startServer, type RunningServer } from './http-server'

const CLIENTS = 40
const REQUESTS_PER_CLIENT = 5

class CountingEngine implements EngineHost {
  stopped = false
  calls = 0
  async call(method: string): Promise<never> {
    this.calls++
    if (method === 'hardware') return { backend: 'cpu' } as HardwareRecord as never
    throw new Error(`unexpected engine call ${method}`)
  }
  onStatus(_listener: (e: EngineStatusEvent) => void) {
    return () => {}
  }
  async stop() {
    this.stopped = true
  }
}

const status = (port: number, path: string) =>
  new Promise<number>((done, fail) => httpGet({ host: '127.0.0.1', port, path }, (res) => done(res.resume().statusCode ?? 0)).on('error', fail))

function open(url: string, origin: string): Promise<WebSocket> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(url, { headers: { Origin: origin } })
    socket.on('open', () => done(socket))
    socket.on('error', fail)
  })
}

/** Sends `count` getAppInfo requests and resolves with the responses. */
function ask(socket: WebSocket, count: number): Promise<WsServerFrame[]> {
  return new Promise((done) => {
    const got: WsServerFrame[] = []
    socket.on('message', (data) => {
      got.push(JSON.parse(data.toString()) as WsServerFrame)
      if (got.length === count) done(got)
    })
    for (let id = 1; id <= count; id++) socket.send(JSON.stringify({ kind: 'request', id, method: 'getHardware', params: {} }))
  })
}

describe('ligo serve with many clients', () => {
  let root: string
  let engine: CountingEngine
  let server: RunningServer
  let origin: string
  let wsUrl: string
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ligo-serve-many-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>LiGO</title>')
    engine = new CountingEngine()
    server = await startServer({ engine, version: '1.0.0', rendererRoot: root, port: 0, workspaceDir: join(root, 'workspace') })
    origin = `http://127.0.0.1:${server.port}`
    wsUrl = `ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`
  })
  afterAll(async () => {
    await server.close()
    rmSync(root, { recursive: true, force: true })
  })

  it('answers a burst of unauthenticated requests with 401 and keeps serving', async () => {
    const codes = await Promise.all(Array.from({ length: 100 }, (_, i) => status(server.port, i % 2 ? '/' : `/assets/../../etc/passwd?token=${i}`)))
    expect(new Set(codes)).toEqual(new Set([401]))
    expect(await status(server.port, `/?token=${server.token}`)).toBe(200)
  })

  it('serves dozens of WebSocket clients at once, survives junk and clients that vanish mid-request', async () => {
    const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => open(wsUrl, origin)))
    const answered = sockets.map((socket, i) => {
      if (i % 4 === 3) {
        // Vanish with requests in flight: the answers go to a closed socket.
        for (let id = 1; id <= REQUESTS_PER_CLIENT; id++) socket.send(JSON.stringify({ kind: 'request', id, method: 'getHardware', params: {} }))
        socket.terminate()
        return Promise.resolve(null)
      }
      if (i % 4 === 2) {
        // Junk without a usable id: answered with an error frame or the socket is closed, either way nothing else.
        const settled = new Promise<null>((done) => {
          socket.on('message', () => done(null))
          socket.on('close', () => done(null))
        })
        socket.send(JSON.stringify({ kind: 'request', id: 'x', method: 42 }))
        return settled
      }
      return ask(socket, REQUESTS_PER_CLIENT)
    })
    const replies = await Promise.all(answered)
    for (const frames of replies) {
      if (frames === null) continue
      const ok = frames.filter((f) => f.kind === 'response' && f.ok)
      expect(ok).toHaveLength(REQUESTS_PER_CLIENT)
    }
    for (const socket of sockets) socket.terminate()

    // A client arriving afterwards is served, and the engine was never stopped.
    const late = await open(wsUrl, origin)
    const [reply] = await ask(late, 1)
    expect(reply).toMatchObject({ kind: 'response', id: 1, ok: true, result: { backend: 'cpu' } })
    late.terminate()
    expect(engine.stopped).toBe(false)
    expect(engine.calls).toBeGreaterThanOrEqual((CLIENTS / 2) * REQUESTS_PER_CLIENT + 1)
  })
})
