// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createMainWindow, rendererEntryUrl, revealWindow } from './window'
import { FakeBrowserWindow, asElectron, createFakeElectron } from './test-utils/fake-electron'

describe('createMainWindow', () => {
  it('creates a hidden, sandboxed window and shows it only on ready-to-show', async () => {
    createFakeElectron()
    const window = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/app/out/preload/index.js', url: 'app://app/index.html' })
    const fake = window as unknown as FakeBrowserWindow
    expect(fake.options.show).toBe(false)
    expect(fake.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    })
    expect(fake.options.minWidth).toBeGreaterThan(0)
    expect(fake.options.minHeight).toBeGreaterThan(0)
    expect(fake.options.width).toBeGreaterThanOrEqual(fake.options.minWidth)
    expect(fake.options.title).toBe('LiGO Studio')
    expect(typeof fake.options.backgroundColor).toBe('string')
    expect(fake.loadedUrls).toEqual(['app://app/index.html'])
    expect(fake.isVisible()).toBe(false)
    fake.emit('ready-to-show')
    expect(fake.isVisible()).toBe(true)
  })

  it('loads the dev server in development and app:// otherwise', () => {
    expect(rendererEntryUrl('http://localhost:5173')).toBe('http://localhost:5173')
    expect(rendererEntryUrl(undefined)).toBe('app://app/index.html')
    expect(rendererEntryUrl('')).toBe('app://app/index.html')
  })

  it('revealWindow restores a minimized window and focuses it', () => {
    createFakeElectron()
    const fake = new FakeBrowserWindow({ show: false })
    fake.minimized = true
    revealWindow(asElectron(fake))
    expect([fake.minimized, fake.visible, fake.focused]).toEqual([false, true, true])
  })
})
