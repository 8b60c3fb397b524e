// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { WINDOW_BACKGROUND, createMainWindow, rendererEntryUrl, revealWindow } from './window'
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
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
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

  it("paints the renderer's background for the OS theme before the page loads", () => {
    createFakeElectron()
    const light = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/p.js', url: 'app://app/index.html', dark: false }) as unknown as FakeBrowserWindow
    const dark = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/p.js', url: 'app://app/index.html', dark: true }) as unknown as FakeBrowserWindow
    expect([light.options.backgroundColor, dark.options.backgroundColor]).toEqual([WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark])
    // the same colours as the page's --bg, light first (light-dark(light, dark))
    const css = readFileSync(join(__dirname, '../renderer/src/styles/base.css'), 'utf8')
    expect(css).toContain(`--bg: light-dark(${WINDOW_BACKGROUND.light}, ${WINDOW_BACKGROUND.dark})`)
  })

  it('has no DevTools when packaged', () => {
    createFakeElectron()
    const packaged = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/p.js', url: 'app://app/index.html', packaged: true }) as unknown as FakeBrowserWindow
    expect(packaged.options.webPreferences.devTools).toBe(false)
    const dev = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/p.js', url: 'app://app/index.html' }) as unknown as FakeBrowserWindow
    expect(dev.options.webPreferences).not.toHaveProperty('devTools')
  })

  it('opens at a restored placement, maximized when it was', () => {
    createFakeElectron()
    const placement = { x: 40, y: 30, width: 1000, height: 700, maximized: true }
    const window = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/p.js', url: 'app://app/index.html', placement }) as unknown as FakeBrowserWindow
    expect(window.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 })
    window.emit('ready-to-show')
    expect([window.isMaximized(), window.isVisible()]).toEqual([true, true])
    const placed = createMainWindow(asElectron(FakeBrowserWindow), { preloadPath: '/p.js', url: 'app://app/index.html', placement: { width: 1000, height: 700, maximized: false } }) as unknown as FakeBrowserWindow
    expect(placed.options).not.toHaveProperty('x')
    placed.emit('ready-to-show')
    expect([placed.isMaximized(), placed.isVisible()]).toEqual([false, true])
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
