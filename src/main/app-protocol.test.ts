// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_SCHEME_PRIVILEGES, createAppRequestHandler, isAppUrl, registerAppScheme, resolveAppFile, serveAppProtocol } from './app-protocol'
import { CONTENT_SECURITY_POLICY } from './security'
import { asElectron, createFakeElectron } from './test-utils/fake-electron'

let base: string
let root: string

beforeAll(() => {
  // base/secret.txt sits next to base/renderer: one ".." away from the served folder
  base = mkdtempSync(join(tmpdir(), 'ligo-app-protocol-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>LiGO</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}')
  writeFileSync(join(root, 'assets', 'engine.wasm'), new Uint8Array([0, 97, 115, 109]))
  writeFileSync(join(base, 'secret.txt'), 'do not serve')
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('app:// handler', () => {
  it('serves files from the renderer folder with their MIME type and the CSP header', async () => {
    const handle = createAppRequestHandler(root)
    const cases: Array<[string, string, string]> = [
      ['app://app/index.html', 'text/html; charset=utf-8', '<!doctype html><title>LiGO</title>'],
      ['app://app/', 'text/html; charset=utf-8', '<!doctype html><title>LiGO</title>'],
      ['app://app/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['app://app/assets/style.css?v=2', 'text/css; charset=utf-8', 'body{}'],
    ]
    for (const [url, type, body] of cases) {
      const response = await handle({ url, method: 'GET' })
      expect(response.status, url).toBe(200)
      expect(response.headers.get('content-type'), url).toBe(type)
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY)
      expect(await response.text(), url).toBe(body)
    }
    const wasm = await handle({ url: 'app://app/assets/engine.wasm' })
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
  })

  it('refuses path traversal, plain and percent-encoded, although the target exists', async () => {
    const handle = createAppRequestHandler(root)
    const attempts = [
      'app://app/../secret.txt',
      'app://app/../../etc/passwd',
      'app://app/%2e%2e/secret.txt',
      'app://app/%2E%2E/%2e%2e/etc/passwd',
      'app://app/..%2Fsecret.txt',
      'app://app/%2e%2e%2fsecret.txt',
      'app://app/assets/..%2F..%2Fsecret.txt',
      'app://app/..%5Csecret.txt',
      'app://app/assets/link.txt', // symlink that points outside
      `app://app/${encodeURIComponent(join(base, 'secret.txt'))}`,
      'app://other/index.html',
      'app://app/index.html%00.js',
      'app://app/%E0%A4%A',
      'app://app/assets', // a folder
      'app://app/missing.js',
    ]
    for (const url of attempts) {
      const response = await handle({ url })
      expect(response.status, url).toBe(404)
      expect(await response.text(), url).not.toContain('do not serve')
    }
  })

  it('answers only GET and HEAD', async () => {
    const handle = createAppRequestHandler(root)
    expect((await handle({ url: 'app://app/index.html', method: 'POST' })).status).toBe(405)
    const head = await handle({ url: 'app://app/index.html', method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('resolveAppFile keeps every result inside the root', async () => {
    expect(await resolveAppFile(root, 'app://app/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'))
    expect(await resolveAppFile(root, 'app://app/..%2F..%2Fetc%2Fpasswd')).toBeNull()
    expect(await resolveAppFile(root, 'https://app/index.html')).toBeNull()
  })

  it('is registered as a privileged standard, secure, fetchable scheme and handled on app', () => {
    const electron = createFakeElectron()
    registerAppScheme(asElectron(electron.protocol))
    serveAppProtocol(asElectron(electron.protocol), root)
    expect(electron.protocol.privileged).toEqual([APP_SCHEME_PRIVILEGES])
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } })
    expect(electron.protocol.handlers.has('app')).toBe(true)
  })
})

describe('isAppUrl', () => {
  it('accepts app://app and, in development, the dev server origin only', () => {
    expect(isAppUrl('app://app/index.html')).toBe(true)
    expect(isAppUrl('app://evil/index.html')).toBe(false)
    expect(isAppUrl('http://localhost:5173/')).toBe(false)
    expect(isAppUrl('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
    expect(isAppUrl('')).toBe(false)
  })
})
