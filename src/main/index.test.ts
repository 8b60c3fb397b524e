// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import type { FakeElectron } from './test-utils/fake-electron'

// index.ts is the only module that imports electron itself: check it hands the real module to startDesktopApp.
vi.mock('electron', async () => (await import('./test-utils/fake-electron')).createFakeElectron())

describe('main entry', () => {
  it('registers the app:// scheme and the single-instance lock on import, and a window once ready', async () => {
    const electron = (await import('electron')) as unknown as FakeElectron
    await import('./index')
    expect(electron.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
    expect(electron.app.listenerCount('second-instance')).toBe(1)
    expect(electron.app.listenerCount('open-file')).toBe(1)
    expect(electron.app.listenerCount('will-quit')).toBe(1)
    electron.app.fireReady()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(electron.BrowserWindow.instances).toHaveLength(1)
    expect(electron.BrowserWindow.instances[0].options.webPreferences.preload).toMatch(/preload[\\/]index\.js$/)
    expect(electron.protocol.handlers.has('app')).toBe(true)
  })
})
