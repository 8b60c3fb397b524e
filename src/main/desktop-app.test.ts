// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StudioEvent } from '../shared/events'
import { decodeIpcError } from '../shared/ipc-error'
import { IPC_EVENTS_CHANNEL, STUDIO_METHODS } from '../shared/studio-api'
import { startDesktopApp, type DesktopElectron, type DesktopOptions } from './desktop-app'
import { FakeBrowserWindow, FakeUtilityProcess, FakeWebContents, asElectron, createFakeElectron, fakeEvent, type FakeElectron } from './test-utils/fake-electron'

let dir: string
let mainDir: string
let userData: string
let notes: string

beforeEach(() => {
  // a fake install: <dir>/out/{main,preload,renderer} plus a user data folder and a document to open
  dir = mkdtempSync(join(tmpdir(), 'ligo-desktop-'))
  mainDir = join(dir, 'out', 'main')
  userData = join(dir, 'user-data')
  for (const folder of [mainDir, join(dir, 'out', 'renderer'), userData]) mkdirSync(folder, { recursive: true })
  writeFileSync(join(dir, 'out', 'renderer', 'index.html'), '<!doctype html>')
  notes = join(dir, 'notes.txt')
  writeFileSync(notes, 'hello world\n')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const quietLog = { log: () => {}, warn: () => {}, error: () => {} }

function start(overrides: { electron?: Parameters<typeof createFakeElectron>[0]; options?: Partial<DesktopOptions> } = {}) {
  const electron = createFakeElectron({ userData, appPath: join(dir, 'app'), ...overrides.electron })
  const app = startDesktopApp(asElectron<DesktopElectron>(electron), {
    mainDir,
    env: {},
    argv: ['/opt/ligo-studio'],
    platform: 'linux',
    defaultApp: false,
    cwd: dir,
    log: quietLog,
    ...overrides.options,
  })
  return { electron, app }
}

async function ready(electron: FakeElectron, app: ReturnType<typeof startDesktopApp>) {
  electron.app.fireReady()
  await app!.started
  const window = FakeBrowserWindow.instances[0]
  return { window, trusted: { sender: window.webContents, senderFrame: window.webContents.mainFrame } }
}

function invoke(electron: FakeElectron, method: string, event: unknown, params?: unknown) {
  return electron.ipcMain.handlers.get(`studio:${method}`)!(event, params)
}

/** Event batches the window received, flattened. */
function sentEvents(window: FakeBrowserWindow): StudioEvent[] {
  return window.webContents.sent.filter((s) => s.channel === IPC_EVENTS_CHANNEL).flatMap((s) => s.args[0] as StudioEvent[])
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('startDesktopApp', () => {
  it('registers app:// before ready, then serves it, opens one hardened window, IPC and the menu', async () => {
    const { electron, app } = start()
    expect(electron.protocol.privileged).toHaveLength(1)
    expect(FakeBrowserWindow.instances).toHaveLength(0)
    const { window } = await ready(electron, app)
    expect(electron.protocol.handlers.has('app')).toBe(true)
    const response = await electron.protocol.handlers.get('app')!({ url: 'app://app/index.html' })
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(FakeBrowserWindow.instances).toHaveLength(1)
    expect(window.options.webPreferences.preload).toBe(join(dir, 'out', 'preload', 'index.js'))
    expect(window.loadedUrls).toEqual(['app://app/index.html'])
    expect(window.isVisible()).toBe(false)
    window.emit('ready-to-show')
    expect(window.isVisible()).toBe(true)
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(STUDIO_METHODS.map((m) => `studio:${m}`).sort())
    expect(electron.Menu.applied).not.toBeNull()
    const answers: boolean[] = []
    electron.session.defaultSession.permissionRequestHandler!(null, 'media', (granted: boolean) => answers.push(granted))
    expect(answers).toEqual([false])
    expect(electron.session.defaultSession.permissionCheckHandler!(null, 'media')).toBe(false)
  })

  it('answers a trusted getAppInfo through the real StudioService and refuses an untrusted one', async () => {
    const { electron, app } = start()
    const { window, trusted } = await ready(electron, app)
    await expect(invoke(electron, 'getAppInfo', trusted, {})).resolves.toEqual({
      name: 'LiGO Studio',
      version: '0.1.0',
      host: 'desktop',
      features: [],
      // the user-data folder is the default workspace; desktop imports by reference, so no upload limit
      workspace: electron.app.getPath('userData'),
      systemLocale: 'en-US',
      maxUploadBytes: null,
    })
    window.webContents.mainFrame.url = 'https://evil.example/'
    const error = await invoke(electron, 'getAppInfo', trusted, {}).catch(decodeIpcError)
    expect(error.code).toBe('forbidden')
  })

  it('hardens every webContents the app creates', async () => {
    const { electron } = start()
    const contents = new FakeWebContents()
    electron.app.emit('web-contents-created', fakeEvent(), contents)
    const navigation = fakeEvent()
    contents.emit('will-navigate', navigation, 'https://evil.example/')
    expect(navigation.defaultPrevented).toBe(true)
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(electron.shell.opened).toEqual(['https://evil.example/', 'https://evil.example/'])
  })

  it('uses the dev server only when unpackaged', async () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' }
    const dev = start({ options: { env } })
    const { window } = await ready(dev.electron, dev.app)
    expect(window.loadedUrls).toEqual(['http://localhost:5173'])
    const packaged = start({ electron: { isPackaged: true }, options: { env } })
    const { window: packagedWindow } = await ready(packaged.electron, packaged.app)
    expect(packagedWindow.loadedUrls).toEqual(['app://app/index.html'])
  })

  it('forwards existing files of a second launch: focuses the window and reports them as app.opened', async () => {
    const { electron, app } = start()
    const { window } = await ready(electron, app)
    window.webContents.emit('did-finish-load')
    window.minimized = true
    electron.app.emit('second-instance', fakeEvent(), ['/opt/ligo-studio', '--enable-logging', 'notes.txt', join(dir, 'missing.bin')], dir, {})
    expect([window.minimized, window.focused]).toEqual([false, true])
    const opened = await waitFor(() => sentEvents(window).find((e) => e.type === 'app.opened'), 'app.opened')
    expect(opened).toMatchObject({ type: 'app.opened', report: { path: notes, name: 'notes.txt', isDirectory: false, source: 'path' } })
    expect(sentEvents(window).filter((e) => e.type === 'app.opened' || e.type === 'app.error')).toHaveLength(1)
  })

  it('opens files of the first launch once the window has loaded', async () => {
    const { electron, app } = start({ options: { argv: ['/opt/ligo-studio', notes] } })
    const { window } = await ready(electron, app)
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(sentEvents(window)).toEqual([])
    window.webContents.emit('did-finish-load')
    const opened = await waitFor(() => sentEvents(window).find((e) => e.type === 'app.opened'), 'app.opened')
    expect(opened).toMatchObject({ report: { path: notes } })
  })

  it('starts the engine with the backend setting, reports a crash to the window and restarts on the next request', async () => {
    writeFileSync(join(userData, 'settings.json'), JSON.stringify({ backend: 'wasm' }))
    const { electron, app } = start({ options: { env: { LIGO_BACKEND: 'cpu' } } })
    const { window, trusted } = await ready(electron, app)
    window.webContents.emit('did-finish-load')
    expect(FakeUtilityProcess.forks).toHaveLength(0) // the engine starts on first use

    const hardware = invoke(electron, 'getHardware', trusted, {})
    const first = FakeUtilityProcess.forks[0]
    expect([first.modulePath, first.options.serviceName]).toEqual([join(mainDir, 'engine.js'), 'LiGO engine'])
    expect(first.child.posted[0]).toMatchObject({ kind: 'start', options: { backend: 'wasm', backendSource: 'setting' } })
    first.child.emit('message', { kind: 'ready', pid: 4242, backend: 'wasm' })
    first.child.emit('exit', 1)
    const error = await hardware.catch(decodeIpcError)
    expect(error.code).toBe('engine_crashed')
    const crashed = await waitFor(() => sentEvents(window).find((e) => e.type === 'engine.status' && e.status === 'crashed'), 'engine.status crashed')
    expect(crashed).toMatchObject({ type: 'engine.status', status: 'crashed' })

    void invoke(electron, 'getHardware', trusted, {}).catch(() => {})
    expect(FakeUtilityProcess.forks).toHaveLength(2)
  })

  it('on quit: removes IPC, stops the engine, then quits', async () => {
    const { electron, app } = start()
    const { trusted } = await ready(electron, app)
    void invoke(electron, 'getHardware', trusted, {}).catch(() => {})
    const { child } = FakeUtilityProcess.forks[0]
    child.emit('message', { kind: 'ready', pid: 4242, backend: 'cpu' })
    const quit = fakeEvent()
    electron.app.emit('will-quit', quit)
    expect(quit.defaultPrevented).toBe(true)
    expect(electron.ipcMain.handlers.size).toBe(0)
    await waitFor(() => child.posted.find((m) => (m as { kind: string }).kind === 'shutdown'), 'shutdown message')
    expect(electron.app.quitCalls).toBe(0)
    child.emit('exit', 0)
    await waitFor(() => (electron.app.quitCalls === 1 ? true : undefined), 'app.quit')
    const again = fakeEvent()
    electron.app.emit('will-quit', again)
    expect(again.defaultPrevented).toBe(false)
  })

  it('quits at once when another instance runs', async () => {
    const { electron, app } = start({ electron: { singleInstanceLock: false } })
    expect(app).toBeNull()
    expect(electron.app.quitCalls).toBe(1)
    electron.app.fireReady()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(FakeBrowserWindow.instances).toHaveLength(0)
  })

  it('quits when the last window closes, except on macOS', async () => {
    const linux = start()
    await ready(linux.electron, linux.app)
    linux.electron.app.emit('window-all-closed')
    expect(linux.electron.app.quitCalls).toBe(1)
    const mac = start({ options: { platform: 'darwin' } })
    await ready(mac.electron, mac.app)
    mac.electron.app.emit('window-all-closed')
    expect(mac.electron.app.quitCalls).toBe(0)
  })
})
