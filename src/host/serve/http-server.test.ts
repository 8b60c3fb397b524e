import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { EngineStatusEvent, HardwareRecord, WsServerFrame } from '../../shared'
import type { EngineHost } from '../engine-types'
import { startServer, type RunningServer } from './http-server'
import { MAX_FRAME_BYTES } from './ws-bridge'

/** Answers 'hardware' and lets the test push status events; records stop(). */
class FakeEngine implements EngineHost {
  stopped = false
  statusListeners = new Set<(e: EngineStatusEvent) => void>()
  async call(method: string): Promise<never> {
    if (method === 'hardware') return { backend: 'cpu' } as HardwareRecord as never
    throw new Error(`unexpected engine call ${method}`)
  }
  onStatus(listener: (e: EngineStatusEvent) => void) {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }
  async stop() {
    this.stopped = true
  }
}

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** A raw HTTP request: the path is sent exactly as given (no URL normalisation), so traversal can be tried. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

/** Opens a WebSocket; resolves with the socket, or with the HTTP status of a refused upgrade. */
function connect(url: string, headers: Record<string, string>): Promise<{ socket: WebSocket } | { status: number }> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(url, { headers })
    socket.on('open', () => done({ socket }))
    socket.on('unexpected-response', (_req, res) => done({ status: res.statusCode ?? 0 }))
    socket.on('error', fail)
  })
}

/** Collects frames; next() waits for the following one. */
function frames(socket: WebSocket) {
  const queue: WsServerFrame[] = []
  const waiters: Array<(f: WsServerFrame) => void> = []
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as WsServerFrame
    const waiter = waiters.shift()
    if (waiter) waiter(frame)
    else queue.push(frame)
  })
  return {
    next: (): Promise<WsServerFrame> => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((done) => waiters.push(done))),
  }
}

const closeCode = (socket: WebSocket) => new Promise<number>((done) => socket.on('close', (code) => done(code)))

describe('ligo serve HTTP + WebSocket server', () => {
  let root: string
  let outside: string
  let engine: FakeEngine
  let server: RunningServer
  let origin: string
  let wsUrl: string
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ligo-serve-root-'))
    outside = mkdtempSync(join(tmpdir(), 'ligo-serve-outside-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>LiGO</title>')
    mkdirSync(join(root, 'assets'))
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(root, 'assets', 'app.css'), 'body{}')
    writeFileSync(join(outside, 'secret.txt'), 'top secret')
    symlinkSync(join(outside, 'secret.txt'), join(root, 'assets', 'link.txt'))
    engine = new FakeEngine()
    server = await startServer({ engine, version: '9.9.9', rendererRoot: root, port: 0, workspaceDir: join(root, 'workspace'), maxUploadBytes: 1234 })
    origin = `http://127.0.0.1:${server.port}`
    wsUrl = `ws://127.0.0.1:${server.port}/api/ws`
  })
  afterAll(async () => {
    await server.close()
    rmSync(root, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it('prints a Jupyter-style URL with a 32-byte hex token on loopback', () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
    expect(server.url).toBe(`${origin}/?token=${server.token}`)
    expect(server.host).toBe('127.0.0.1')
    expect(server.warnings).toEqual([])
  })

  it('answers 401 without the token, also with a wrong one', async () => {
    const bare = await get(server.port, '/')
    expect(bare.status).toBe(401)
    expect(bare.body).toContain('Unauthorized')
    expect(bare.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect((await get(server.port, `/?token=${'0'.repeat(64)}`)).status).toBe(401)
    expect((await get(server.port, '/', { Cookie: `ligo-token-${server.port}=nope` })).status).toBe(401)
  })

  it('serves the page with the token in the query and sets an HttpOnly SameSite=Strict cookie', async () => {
    const page = await get(server.port, `/?token=${server.token}`)
    expect(page.status).toBe(200)
    expect(page.body).toBe('<!doctype html><title>LiGO</title>')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['set-cookie']).toEqual([`ligo-token-${server.port}=${server.token}; Path=/; HttpOnly; SameSite=Strict`])
    // the cookie alone, or the Authorization header, is enough afterwards
    const script = await get(server.port, '/assets/app.js', { Cookie: `ligo-token-${server.port}=${server.token}` })
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(script.headers['set-cookie']).toBeUndefined()
    const css = await get(server.port, '/assets/app.css', { Authorization: `token ${server.token}` })
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
  })

  it('downloads an export zip from the workspace with the token, and nothing else under /api/download/', async () => {
    const exportsDir = join(root, 'workspace', 'exports')
    mkdirSync(exportsDir, { recursive: true })
    writeFileSync(join(exportsDir, 'bert export.zip'), 'PK-zip-bytes')
    writeFileSync(join(exportsDir, 'notes.txt'), 'not a download')
    const auth = { Authorization: `token ${server.token}` }
    const zip = await get(server.port, '/api/download/bert%20export.zip', auth)
    expect(zip.status).toBe(200)
    expect(zip.body).toBe('PK-zip-bytes')
    expect(zip.headers['content-disposition']).toBe('attachment; filename="bert export.zip"')
    expect((await get(server.port, '/api/download/bert%20export.zip')).status).toBe(401)
    for (const path of ['/api/download/notes.txt', '/api/download/..%2Fsettings.json', '/api/download/..%2F..%2Findex.html.zip', '/api/download/%E0%A4%A.zip', '/api/download/missing.zip']) {
      expect((await get(server.port, path, auth)).status, path).toBe(404)
    }
  })

  it('sends the strict security headers on every response', async () => {
    for (const reply of [await get(server.port, `/?token=${server.token}`), await get(server.port, '/')]) {
      expect(reply.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
          `connect-src 'self' ws://127.0.0.1:${server.port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
      )
      expect(reply.headers['content-security-policy']).not.toContain('unsafe-eval')
      expect(reply.headers['x-content-type-options']).toBe('nosniff')
      expect(reply.headers['referrer-policy']).toBe('no-referrer')
    }
  })

  it('blocks directory traversal, encoded or through a link', async () => {
    const auth = { Authorization: `token ${server.token}` }
    for (const path of ['/../../../../etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/link.txt', '/assets', '/%E0%A4%A']) {
      const reply = await get(server.port, path, auth)
      expect(reply.status, path).toBe(404)
      expect(reply.body).not.toContain('secret')
    }
  })

  it('answers GET and HEAD only', async () => {
    const head = await get(server.port, `/?token=${server.token}`, {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe('34')
    expect(head.body).toBe('')
    const post = await get(server.port, `/?token=${server.token}`, {}, 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
  })

  it('refuses a WebSocket with a foreign or missing Origin (403) and without the token (401)', async () => {
    expect(await connect(`${wsUrl}?token=${server.token}`, { Origin: 'http://evil.example' })).toEqual({ status: 403 })
    expect(await connect(`${wsUrl}?token=${server.token}`, { Origin: `http://localhost:${server.port}` })).toEqual({ status: 403 })
    expect(await connect(`${wsUrl}?token=${server.token}`, {})).toEqual({ status: 403 })
    expect(await connect(wsUrl, { Origin: origin })).toEqual({ status: 401 })
    expect(await connect(`${wsUrl}?token=wrong`, { Origin: origin })).toEqual({ status: 401 })
    expect(await connect(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { Origin: origin })).toEqual({ status: 404 })
  })

  it('round-trips getAppInfo and answers malformed requests with clear error frames', async () => {
    const opened = await connect(wsUrl, { Origin: origin, Cookie: `ligo-token-${server.port}=${server.token}` })
    if (!('socket' in opened)) throw new Error(`upgrade refused: ${opened.status}`)
    const socket = opened.socket
    const replies = frames(socket)
    socket.send(JSON.stringify({ kind: 'request', id: 1, method: 'getAppInfo', params: {} }))
    expect(await replies.next()).toEqual({ kind: 'response', id: 1, ok: true, result: { name: 'LiGO Studio', version: '9.9.9', host: 'serve', features: [], workspace: join(root, 'workspace'), systemLocale: expect.any(String), maxUploadBytes: 1234 } })

    socket.send(JSON.stringify({ kind: 'request', id: 2, method: 'inspectPath', params: { path: 7 } }))
    expect(await replies.next()).toEqual({
      kind: 'response',
      id: 2,
      ok: false,
      error: { code: 'invalid_request', message: 'Invalid request: inspectPath params.path must be a string, got number' },
    })
    socket.send(JSON.stringify({ kind: 'request', id: 3, method: 'rm -rf', params: {} }))
    expect(await replies.next()).toMatchObject({ id: 3, ok: false, error: { code: 'unknown_method' } })
    socket.send(JSON.stringify({ kind: 'call', id: 4, method: 'getAppInfo', params: {} }))
    expect(await replies.next()).toMatchObject({ id: 4, ok: false, error: { code: 'invalid_request', message: 'Invalid request: frame.kind must be "request", got "call"' } })
    socket.send(JSON.stringify({ kind: 'request', id: 5, method: 'getAppInfo', params: {}, extra: 1 }))
    expect(await replies.next()).toMatchObject({ id: 5, ok: false, error: { code: 'invalid_request' } })

    // events reach every connected socket
    for (const listener of engine.statusListeners) listener({ type: 'engine.status', status: 'ready', detail: null })
    expect(await replies.next()).toEqual({ kind: 'events', events: [{ type: 'engine.status', status: 'ready', detail: null }] })

    // not JSON: there is no id to answer, so the socket closes with 1003
    const closed = closeCode(socket)
    socket.send('{not json')
    expect(await closed).toBe(1003)
  })

  it('refuses frames over 1 MiB', async () => {
    const opened = await connect(`${wsUrl}?token=${server.token}`, { Origin: origin })
    if (!('socket' in opened)) throw new Error(`upgrade refused: ${opened.status}`)
    const closed = closeCode(opened.socket)
    opened.socket.send(JSON.stringify({ kind: 'request', id: 1, method: 'getAppInfo', params: { pad: 'x'.repeat(MAX_FRAME_BYTES) } }))
    expect(await closed).toBe(1009) // "message too big" (RFC 6455 §7.4.1)
  })
})

describe('startServer options', () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ligo-serve-opts-'))
    writeFileSync(join(root, 'index.html'), 'hi')
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('--no-token: loopback only, then no token is needed', async () => {
    await expect(startServer({ engine: new FakeEngine(), version: '1', rendererRoot: root, port: 0, host: '0.0.0.0', requireToken: false })).rejects.toThrow(
      '--no-token is only allowed on a loopback address',
    )
    const server = await startServer({ engine: new FakeEngine(), version: '1', rendererRoot: root, port: 0, requireToken: false })
    try {
      expect(server.token).toBeNull()
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
      expect((await get(server.port, '/')).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('says clearly when the renderer is not built', async () => {
    await expect(startServer({ engine: new FakeEngine(), version: '1', rendererRoot: join(root, 'missing'), port: 0 })).rejects.toThrow(
      `The browser UI is not built: ${join(root, 'missing', 'index.html')} is missing. Run "npm run build" first.`,
    )
  })

  it('warns on a non-loopback address, and close() stops the engine', async () => {
    const engine = new FakeEngine()
    const server = await startServer({ engine, version: '1', rendererRoot: root, port: 0, host: '0.0.0.0' })
    expect(server.warnings[0]).toContain('Listening on 0.0.0.0, which other machines can reach')
    // a wildcard bind trusts the Host header's name for its own origin
    const reply = await get(server.port, `/?token=${server.token}`, { Host: `example.lan:${server.port}` })
    expect(reply.headers['content-security-policy']).toContain(`connect-src 'self' ws://example.lan:${server.port};`)
    await server.close()
    expect(engine.stopped).toBe(true)
  })

  it('names the port that is in use', async () => {
    const first = await startServer({ engine: new FakeEngine(), version: '1', rendererRoot: root, port: 0 })
    try {
      await expect(startServer({ engine: new FakeEngine(), version: '1', rendererRoot: root, port: first.port })).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is in use`)
    } finally {
      await first.close()
    }
  })
})
