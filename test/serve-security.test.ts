/**
 * `ligo serve` against a hostile browser (issue 16):
 * - every HTTP route, with every method, without the token or with a wrong one, answers 401 with the same short
 *   text (no file, no cookie); the WebSocket refuses the upgrade (401, or 403 for a foreign Origin);
 * - every string field of every Studio API method (generated from the validators: test/helpers/studio-contract.ts,
 *   so a new method is covered as soon as it exists) is given paths and ids that point out of the workspace:
 *   ../, absolute, encoded %2e%2e, NUL, "~", a symbolic link inside the workspace that leads out, "run:..". No
 *   answer may carry a file from outside, report on one, import one, hand one to the engine or write next to one;
 * - uploads over the limit or over their announced size are refused with a message naming the file and the
 *   limit, and leave no partial file.
 */
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { homedir, tmpdir } from 'node:os'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { STUDIO_METHODS, StudioError, UPLOAD_CHUNK_BYTES, type WsServerFrame } from '../src/shared'
import { startServer, type RunningServer } from '../src/host/serve/http-server'
import { FakeEngine } from '../src/host/testing/fake-engine'
import { studioHarness, type StudioHarness } from '../src/host/testing/studio-harness'
import { until } from '../src/host/testing/until'
import { SHARED_FIXTURES } from './fixtures/bad-checkpoints/builders'
import { OPAQUE_STRING_FIELDS, sampleParams, stringFields, withField, type FieldPath } from './helpers/studio-contract'

const SECRET = 'TOPSECRET-MARKER'

/** A folder outside the workspace with a secret text, a JSON file that is not JSON, and a real checkpoint. */
function makeOutside(): string {
  const outside = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-outside-')))
  writeFileSync(join(outside, 'secret.txt'), `${SECRET} root:x:0:0\n`)
  writeFileSync(join(outside, 'secret.json'), `${SECRET} is not JSON`)
  cpSync(join(SHARED_FIXTURES, 'bert-tiniest-lmhead'), join(outside, 'model'), { recursive: true })
  return outside
}

/** Every file under a folder with its size and modification time (links not followed). */
function snapshot(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      const info = lstatSync(path)
      out.push(`${relative(dir, path)} ${info.size} ${info.mtimeMs}`)
      if (info.isDirectory()) walk(path)
    }
  }
  walk(dir)
  return out.sort()
}

describe('ligo serve: token on every route', () => {
  let rendererRoot: string
  let server: RunningServer
  beforeAll(async () => {
    rendererRoot = mkdtempSync(join(tmpdir(), 'ligo-serve-token-'))
    writeFileSync(join(rendererRoot, 'index.html'), '<!doctype html><title>LiGO page body</title>')
    mkdirSync(join(rendererRoot, 'assets'))
    writeFileSync(join(rendererRoot, 'assets', 'app.js'), 'console.log("bundle body")')
    const workspaceDir = join(rendererRoot, 'workspace')
    mkdirSync(join(workspaceDir, 'exports'), { recursive: true })
    writeFileSync(join(workspaceDir, 'exports', 'model.zip'), 'PK zip body')
    server = await startServer({ engine: new FakeEngine(), version: '1', rendererRoot, port: 0, workspaceDir })
  })
  afterAll(async () => {
    await server.close()
    rmSync(rendererRoot, { recursive: true, force: true })
  })

  const send = (path: string, method: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string; setCookie: unknown }>((done, fail) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => done({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] }))
      })
      req.on('error', fail)
      req.end(method === 'POST' || method === 'PUT' ? '{"kind":"request"}' : undefined)
    })

  const ROUTES = ['/', '/index.html', '/assets/app.js', '/api/ws', '/api/download/model.zip', '/api/download/..%2F..%2Findex.html', '/no-such-page', '/%2e%2e/%2e%2e/etc/passwd']
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']

  it('answers 401 and nothing else without the right token, on every route and method', async () => {
    const port = () => server.port
    const variants: Record<string, (path: string) => { path: string; headers: Record<string, string> }> = {
      none: (path) => ({ path, headers: {} }),
      'empty query': (path) => ({ path: `${path}${path.includes('?') ? '&' : '?'}token=`, headers: {} }),
      'wrong query': (path) => ({ path: `${path}?token=${'0'.repeat(64)}`, headers: {} }),
      'wrong header': (path) => ({ path, headers: { Authorization: `token ${'f'.repeat(64)}` } }),
      'wrong cookie': (path) => ({ path, headers: { Cookie: `ligo-token-${port()}=nope` } }),
      "another port's cookie": (path) => ({ path, headers: { Cookie: `ligo-token-${port() + 1}=${server.token}` } }),
      'token as a bearer': (path) => ({ path, headers: { Authorization: `Bearer x ${server.token}` } }),
      'token prefix': (path) => ({ path: `${path}?token=${server.token!.slice(0, 63)}`, headers: {} }),
    }
    for (const route of ROUTES) {
      for (const method of METHODS) {
        for (const [name, variant] of Object.entries(variants)) {
          const { path, headers } = variant(route)
          const reply = await send(path, method, headers)
          const where = `${method} ${route} (${name})`
          expect(reply.status, where).toBe(401)
          expect(reply.setCookie, where).toBeUndefined()
          if (method !== 'HEAD') expect(reply.body, where).toBe('Unauthorized: open the URL that "ligo serve" printed (it ends in ?token=...).\n')
        }
      }
    }
  })

  it('refuses the WebSocket without the right token (401) and from a foreign page (403)', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const upgrade = (url: string, headers: Record<string, string>) =>
      new Promise<number>((done, fail) => {
        const socket = new WebSocket(url, { headers })
        socket.on('open', () => {
          socket.terminate()
          done(101)
        })
        socket.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0))
        socket.on('error', fail)
      })
    const ws = `ws://127.0.0.1:${server.port}/api/ws`
    expect(await upgrade(ws, { Origin: origin })).toBe(401)
    expect(await upgrade(`${ws}?token=`, { Origin: origin })).toBe(401)
    expect(await upgrade(`${ws}?token=${'0'.repeat(64)}`, { Origin: origin })).toBe(401)
    expect(await upgrade(ws, { Origin: origin, Cookie: `ligo-token-${server.port + 1}=${server.token}` })).toBe(401)
    expect(await upgrade(ws, { Origin: origin, Authorization: 'token nope' })).toBe(401)
    expect(await upgrade(`${ws}?token=${server.token}`, { Origin: 'http://127.0.0.1.evil.example' })).toBe(403)
    expect(await upgrade(`${ws}?token=${server.token}`, { Origin: 'null' })).toBe(403)
    expect(await upgrade(`${ws}?token=${server.token}`, { Origin: origin })).toBe(101)
  })
})

describe('ligo serve: paths and ids in every Studio API field stay inside the workspace', () => {
  let studio: StudioHarness
  let outside: string
  const engineParams: unknown[] = []

  beforeAll(() => {
    outside = makeOutside()
    studio = studioHarness({ host: 'serve' })
    // The engine records what the host hands it and stops there: a run fails at once, so the queue moves on.
    studio.engine.call = ((method: string, params: unknown) => {
      if (method === 'hardware') return Promise.resolve(studio.engine.hardware)
      engineParams.push(params)
      return Promise.reject(new StudioError('cancelled', `${method} stopped by the test`))
    }) as never
    symlinkSync(outside, join(studio.workspaceDir, 'link'))
  })
  afterAll(() => {
    studio.close()
    rmSync(outside, { recursive: true, force: true })
  })

  const attacks = (): string[] => {
    const ws = studio.workspaceDir
    return [
      '../../../../../../../../etc/passwd',
      join(outside, 'secret.json'),
      join(outside, 'secret.txt'),
      join(outside, 'model'),
      join(ws, 'link', 'secret.json'),
      join(ws, 'link', 'model'),
      `${ws}/../${basename(outside)}/secret.json`,
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      `${ws}/%2e%2e/%2e%2e/etc/passwd`,
      'secret\u0000.json',
      '~/.ssh/id_rsa',
      '..',
      'run:..',
      'lib:..',
      'seed:..',
      'run:../x',
    ]
  }

  /**
   * Strings in an answer that name a place outside the workspace, other than the request's own text said back (a run
   * named after a path) and failed items ({ok: false}).
   */
  function outsideNames(value: unknown, attack: string): string[] {
    if (typeof value === 'string') return (value.includes(outside) || value.includes(homedir() + '/.ssh')) && !value.includes(attack) ? [value] : []
    if (Array.isArray(value)) return value.flatMap((item) => outsideNames(item, attack))
    if (value && typeof value === 'object') {
      if ((value as { ok?: unknown }).ok === false) return []
      return Object.values(value).flatMap((item) => outsideNames(item, attack))
    }
    return []
  }

  /** Path-like strings the host handed the engine that do not resolve inside the workspace. */
  function escapes(value: unknown): string[] {
    if (typeof value === 'string') {
      if (value.includes('\0')) return [value]
      if (!/[\\/]/.test(value) && value !== '..') return [] // a preset, corpus or method name
      if (!isAbsolute(value)) return [value] // the engine would resolve it against its own working folder
      let real = resolve(value)
      for (let probe = real; ; probe = resolve(probe, '..')) {
        try {
          real = join(realpathSync(probe), relative(probe, real))
          break
        } catch {
          if (probe === resolve(probe, '..')) break
        }
      }
      const inside = relative(realpathSync(studio.workspaceDir), real)
      return inside.startsWith('..') || isAbsolute(inside) ? [value] : []
    }
    if (Array.isArray(value)) return value.flatMap(escapes)
    if (value && typeof value === 'object') return Object.values(value).flatMap(escapes)
    return []
  }

  const ALLOWED_CODES = ['invalid_request', 'forbidden', 'not_found', 'unsupported', 'cancelled']

  it('inspectPath reports (kind, size, config) only on files inside the workspace', async () => {
    for (const path of [join(outside, 'model'), join(outside, 'secret.json'), join(studio.workspaceDir, 'link', 'model')]) {
      const refused = await studio.service.invoke('inspectPath', { path }).then(
        () => null,
        (error: unknown) => error,
      )
      expect(refused, path).toBeInstanceOf(StudioError)
      expect((refused as StudioError).code, path).toBe('forbidden')
    }
    cpSync(join(outside, 'model'), join(studio.workspaceDir, 'uploads', 'model'), { recursive: true })
    expect(await studio.invoke('inspectPath', { path: join(studio.workspaceDir, 'uploads', 'model') })).toMatchObject({ kind: 'hf-checkpoint-folder' })
  })

  it('generates a valid request for every method and finds its string fields', () => {
    const fields = STUDIO_METHODS.flatMap((method) => [...stringFields(method), ...(OPAQUE_STRING_FIELDS[method] ?? []).map((o) => o.field)].map((f) => `${method}.${f.join('.')}`))
    // The fields that are paths today must be among them (the generator walks the validators, not this list).
    for (const known of ['inspectPath.path', 'importPaths.paths.0', 'startTrain.data', 'startGrow.to', 'startCompare.data', 'designGrowth.from', 'planExport.destination', 'updateSettings.patch.workspace']) {
      expect(fields).toContain(known)
    }
    for (const method of STUDIO_METHODS) expect(() => sampleParams(method), method).not.toThrow()
  })

  it('no field lets a request read, report, import, write or hand out anything outside the workspace', async () => {
    const before = snapshot(outside)
    const problems: string[] = []
    for (const method of STUDIO_METHODS) {
      const base = sampleParams(method)
      const targets: Array<{ field: FieldPath; wrap: (value: string) => unknown }> = [
        ...stringFields(method).map((field) => ({ field, wrap: (value: string) => value })),
        ...(OPAQUE_STRING_FIELDS[method] ?? []),
      ]
      for (const { field, wrap } of targets) {
        for (const attack of attacks()) {
          const where = `${method}.${field.join('.')} = ${JSON.stringify(attack)}`
          const params = withField(method, base, field, wrap(attack))
          const outcome = await studio.service.invoke(method, params).then(
            (result) => ({ ok: true as const, result }),
            (error: unknown) => ({ ok: false as const, error }),
          )
          if (!outcome.ok) {
            const error = outcome.error
            if (!(error instanceof StudioError)) problems.push(`${where}: threw ${String(error)}`)
            else {
              if (!ALLOWED_CODES.includes(error.code)) problems.push(`${where}: ${error.code} ${error.message}`)
              if (error.message.includes(SECRET)) problems.push(`${where}: the error shows the file's content: ${error.message}`)
            }
            continue
          }
          const text = JSON.stringify(outcome.result) ?? ''
          if (text.includes(SECRET)) problems.push(`${where}: the answer shows the file's content`)
          for (const name of outsideNames(outcome.result, attack)) problems.push(`${where}: the answer reports on ${name}`)
        }
      }
    }
    // Queued runs reach the engine a moment later: wait until none is queued or running (polling, no fixed sleep).
    for (let polls = 0; polls < 6000; polls++) {
      const runs = (await studio.invoke<Array<{ status: string }>>('listRuns')).filter((r) => r.status === 'queued' || r.status === 'running')
      if (runs.length === 0) break
      await new Promise((done) => setTimeout(done, 10))
    }
    for (const params of engineParams) for (const escaped of escapes(params)) problems.push(`the engine was handed ${JSON.stringify(escaped)} (${JSON.stringify(params).slice(0, 300)})`)
    for (const entry of studio.service.context.library().entries) {
      const inside = relative(studio.workspaceDir, realpathSync(entry.path))
      if (inside.startsWith('..') || isAbsolute(inside)) problems.push(`the library imported ${entry.path}`)
    }
    expect(problems).toEqual([])
    expect(snapshot(outside)).toEqual(before)
  }, 300_000)
})

describe('ligo serve: oversized uploads', () => {
  let rendererRoot: string
  let server: RunningServer
  const LIMIT = 64 * 1024
  beforeAll(async () => {
    rendererRoot = mkdtempSync(join(tmpdir(), 'ligo-serve-upload-'))
    writeFileSync(join(rendererRoot, 'index.html'), 'page')
    server = await startServer({ engine: new FakeEngine(), version: '1', rendererRoot, port: 0, workspaceDir: join(rendererRoot, 'workspace'), maxUploadBytes: LIMIT })
  })
  afterAll(async () => {
    await server.close()
    rmSync(rendererRoot, { recursive: true, force: true })
  })

  async function client() {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`, { headers: { Origin: `http://127.0.0.1:${server.port}` } })
    await new Promise((done, fail) => {
      socket.on('open', done)
      socket.on('error', fail)
    })
    let id = 0
    const pending = new Map<number, (frame: WsServerFrame) => void>()
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WsServerFrame
      if (frame.kind === 'response') pending.get(frame.id)?.(frame)
    })
    const call = (method: string, params: unknown) =>
      new Promise<WsServerFrame>((done) => {
        pending.set(++id, done)
        socket.send(JSON.stringify({ kind: 'request', id, method, params }))
      })
    return { socket, call }
  }
  const uploadsDir = () => join(rendererRoot, 'workspace', 'uploads')
  const leftovers = () => {
    try {
      return readdirSync(uploadsDir())
    } catch {
      return []
    }
  }

  it('refuses a file over --max-upload before any byte arrives, naming the file and the limit', async () => {
    const { socket, call } = await client()
    const reply = await call('beginUpload', { name: 'huge.safetensors', sizeBytes: LIMIT + 1 })
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    const message = (reply as { error: { message: string } }).error.message
    expect(message).toContain('huge.safetensors')
    expect(message).toContain(`${LIMIT} bytes`)
    expect(leftovers()).toEqual([])
    socket.close()
  })

  it('cancels an upload that sends more than it announced, and deletes its partial file', async () => {
    const { socket, call } = await client()
    const begun = (await call('beginUpload', { name: 'liar.safetensors', sizeBytes: 1000 })) as { ok: true; result: { uploadId: string } }
    expect(begun.ok).toBe(true)
    const over = await call('uploadChunk', { uploadId: begun.result.uploadId, offset: 0, dataBase64: Buffer.alloc(1001).toString('base64') })
    expect(over).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect((over as { error: { message: string } }).error.message).toContain('liar.safetensors')
    expect(leftovers()).toEqual([])
    // a chunk over the chunk size is refused by the validator
    const again = (await call('beginUpload', { name: 'big-chunk.bin', sizeBytes: LIMIT })) as { ok: true; result: { uploadId: string } }
    const big = await call('uploadChunk', { uploadId: again.result.uploadId, offset: 0, dataBase64: Buffer.alloc(UPLOAD_CHUNK_BYTES + 3).toString('base64') })
    expect(big).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(await call('cancelUpload', { uploadId: again.result.uploadId })).toMatchObject({ ok: true, result: { cancelled: true } })
    expect(leftovers()).toEqual([])
    socket.close()
  })

  it('a client that vanishes mid-upload leaves no partial file once it is gone', async () => {
    const { socket, call } = await client()
    const begun = (await call('beginUpload', { name: 'half.safetensors', sizeBytes: 2000 })) as { ok: true; result: { uploadId: string } }
    expect(await call('uploadChunk', { uploadId: begun.result.uploadId, offset: 0, dataBase64: Buffer.alloc(1000).toString('base64') })).toMatchObject({ ok: true })
    expect(leftovers()).toHaveLength(1)
    socket.terminate()
    await until(() => leftovers().length === 0, 20_000)
    expect(leftovers()).toEqual([])
  })
})
