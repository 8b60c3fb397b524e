// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, denyAllPermissions, hardenWebContents, isExternalWebUrl, secureWebPreferences } from './security'
import { isAppUrl } from './app-protocol'
import { FakeSession, FakeWebContents, asElectron, fakeEvent } from './test-utils/fake-electron'

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
}

describe('CONTENT_SECURITY_POLICY', () => {
  it('allows scripts only from the app and never eval', () => {
    const csp = directives(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('default-src')).toEqual(["'self'"])
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp.get('form-action')).toEqual(["'none'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:'])
  })
})

describe('secureWebPreferences', () => {
  it('turns every isolation switch on and Node off', () => {
    expect(secureWebPreferences('/app/out/preload/index.js')).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    })
  })

  it('takes DevTools away entirely when asked (packaged builds)', () => {
    expect(secureWebPreferences('/p.js', { devTools: false })).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true })
    expect(secureWebPreferences('/p.js', { devTools: true })).not.toHaveProperty('devTools')
  })
})

describe('hardenWebContents', () => {
  function harden(devServerUrl?: string) {
    const contents = new FakeWebContents()
    const opened: string[] = []
    hardenWebContents(asElectron(contents), { isAppUrl: (url) => isAppUrl(url, devServerUrl), openExternal: (url) => opened.push(url) })
    return { contents, opened }
  }

  it('refuses navigation to another site and sends web links to the system browser', () => {
    const { contents, opened } = harden()
    const event = fakeEvent()
    contents.emit('will-navigate', event, 'https://evil.example/')
    expect(event.defaultPrevented).toBe(true)
    expect(opened).toEqual(['https://evil.example/'])
  })

  it('lets the app navigate inside app://app but not to file:// or other app hosts', () => {
    const { contents, opened } = harden()
    const inside = fakeEvent()
    contents.emit('will-navigate', inside, 'app://app/index.html#/hardware')
    expect(inside.defaultPrevented).toBe(false)
    for (const url of ['file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)']) {
      const event = fakeEvent()
      contents.emit('will-navigate', event, url)
      expect(event.defaultPrevented, url).toBe(true)
    }
    expect(opened).toEqual([])
  })

  it('accepts the dev server origin only when one is configured', () => {
    const dev = harden('http://localhost:5173/')
    const devEvent = fakeEvent()
    dev.contents.emit('will-navigate', devEvent, 'http://localhost:5173/#/x')
    expect(devEvent.defaultPrevented).toBe(false)
    const prod = harden()
    const prodEvent = fakeEvent()
    prod.contents.emit('will-navigate', prodEvent, 'http://localhost:5173/#/x')
    expect(prodEvent.defaultPrevented).toBe(true)
  })

  it('refuses redirects away without opening them', () => {
    const { contents, opened } = harden()
    const event = fakeEvent()
    contents.emit('will-redirect', event, 'https://evil.example/')
    expect(event.defaultPrevented).toBe(true)
    expect(opened).toEqual([])
  })

  it('denies every new window; only http(s) links reach the browser', () => {
    const { contents, opened } = harden()
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'app://app/index.html' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://evil.example/'])
  })

  it('prevents <webview> from attaching', () => {
    const { contents } = harden()
    const event = fakeEvent()
    contents.emit('will-attach-webview', event, {}, {})
    expect(event.defaultPrevented).toBe(true)
  })
})

describe('denyAllPermissions', () => {
  it('answers every request and check with no', () => {
    const session = new FakeSession()
    denyAllPermissions(asElectron(session))
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answers: boolean[] = []
      session.permissionRequestHandler!(null, permission, (granted: boolean) => answers.push(granted), {})
      expect(answers, permission).toEqual([false])
      expect(session.permissionCheckHandler!(null, permission, 'app://app', {}), permission).toBe(false)
    }
  })
})

describe('isExternalWebUrl', () => {
  it('is true only for http and https', () => {
    expect(['https://a.example', 'http://a.example'].map(isExternalWebUrl)).toEqual([true, true])
    expect(['file:///x', 'mailto:a@b.c', 'javascript:1', 'app://app/', 'not a url'].map(isExternalWebUrl)).toEqual([false, false, false, false, false])
  })
})
