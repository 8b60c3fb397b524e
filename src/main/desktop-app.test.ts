// @vitest-environment node
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StudioEvent } from '../shared/events'
import { decodeIpcError } from '../shared/ipc-error'
import { IPC_EVENTS_CHANNEL, STUDIO_METHODS } from '../shared/studio-api'
import { APP_ID } from './app-identity'
import { startDesktopApp, type DesktopElectron, type DesktopOptions } from './desktop-app'
import { WINDOW_BACKGROUND } from './window'
import type { MenuItemConstructorOptions } from 'electron'
import { FakeBrowserWindow, FakeNotification, FakeUtilityProcess, FakeWebContents, asElectron, createFakeElectron, fakeEvent, type FakeElectron } from './test-utils/fake-electron'

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

/** The items of File > Open Recent in the menu the app installed last. */
function recentMenu(electron: FakeElectron): MenuItemConstructorOptions[] {
  const template = (electron.Menu.applied as { template: MenuItemConstructorOptions[] }).template
  const file = template.find((item) => item.label === 'File')!.submenu as MenuItemConstructorOptions[]
  return file.find((item) => item.id === 'open-recent')!.submenu as MenuItemConstructorOptions[]
}

/** An engine that answered 'ready', for tests that need engine events; returns its fake process. */
function readyEngine() {
  const { child } = FakeUtilityProcess.forks[0]
  child.emit('message', { kind: 'ready', pid: 4242, backend: 'cpu' })
  return child
}

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

  it("takes the installer's AppUserModelID on Windows, so its notifications and taskbar button belong to the app", () => {
    expect(start({ options: { platform: 'win32' } }).electron.app.appUserModelId).toBe(APP_ID)
    expect(start({ options: { platform: 'linux' } }).electron.app.appUserModelId).toBeNull()
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

describe('OS integration', () => {
  it('routes macOS open-file (before and after start) to the studio, and lists what opened under Open Recent', async () => {
    const { electron, app } = start({ options: { platform: 'darwin' } })
    const early = fakeEvent()
    electron.app.emit('open-file', early, notes)
    expect(early.defaultPrevented).toBe(true)
    const { window } = await ready(electron, app)
    window.webContents.emit('did-finish-load')
    await waitFor(() => sentEvents(window).find((e) => e.type === 'app.opened'), 'app.opened')
    const folder = join(dir, 'checkpoint')
    mkdirSync(folder)
    writeFileSync(join(folder, 'config.json'), '{"model_type": "bert"}')
    window.minimized = true
    electron.app.emit('open-file', fakeEvent(), folder)
    expect(window.minimized).toBe(false)
    await waitFor(() => sentEvents(window).find((e) => e.type === 'app.opened' && e.report.path === folder), 'the folder opened')
    await waitFor(() => (electron.app.recentDocuments.length === 2 ? true : undefined), 'OS recent documents')
    expect(electron.app.recentDocuments).toEqual([folder, notes])
    expect(recentMenu(electron).map((item) => item.label ?? item.type)).toEqual([`checkpoint — ${dir}`, `notes.txt — ${dir}`, 'separator', 'Clear Recent'])
  })

  it('Open Recent opens the path again; a path that fails to open is not added; the list survives a restart', async () => {
    const first = start()
    const { window } = await ready(first.electron, first.app)
    window.webContents.emit('did-finish-load')
    first.electron.app.emit('second-instance', fakeEvent(), ['/opt/ligo-studio', notes], dir, {})
    await waitFor(() => (recentMenu(first.electron).length === 3 ? true : undefined), 'Open Recent entry')
    ;(recentMenu(first.electron)[0].click as () => void)()
    await waitFor(() => (sentEvents(window).filter((e) => e.type === 'app.opened').length === 2 ? true : undefined), 'second app.opened')
    await first.app!.service!.openPath(join(dir, 'missing.safetensors'))
    await waitFor(() => sentEvents(window).find((e) => e.type === 'app.error'), 'app.error')
    first.electron.app.emit('will-quit', fakeEvent())
    await waitFor(() => (first.electron.app.quitCalls === 1 ? true : undefined), 'quit')

    const second = start()
    await ready(second.electron, second.app)
    expect(recentMenu(second.electron).map((item) => item.label ?? item.type)).toEqual([`notes.txt — ${dir}`, 'separator', 'Clear Recent'])
  })

  it('restores the window where it was left and saves it again when it closes', async () => {
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ x: 200, y: 100, width: 1100, height: 700, maximized: false }))
    const { electron, app } = start()
    const { window } = await ready(electron, app)
    expect(window.options).toMatchObject({ x: 200, y: 100, width: 1100, height: 700 })
    window.normalBounds = { x: 300, y: 150, width: 1000, height: 650 }
    window.close()
    electron.app.emit('will-quit', fakeEvent())
    await waitFor(() => (electron.app.quitCalls === 1 ? true : undefined), 'quit')
    expect(JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'))).toEqual({ x: 300, y: 150, width: 1000, height: 650, maximized: false })
  })

  it('Help > README opens the README installers put next to app.asar', async () => {
    const resources = join(dir, 'resources')
    mkdirSync(resources)
    writeFileSync(join(resources, 'README.md'), '# LiGO Studio')
    const { electron, app } = start({ electron: { isPackaged: true }, options: { resourcesPath: resources } })
    await ready(electron, app)
    const help = (electron.Menu.applied as { template: MenuItemConstructorOptions[] }).template.at(-1)!.submenu as MenuItemConstructorOptions[]
    ;(help.find((item) => item.id === 'readme')!.click as () => void)()
    expect(electron.shell.openedPaths).toEqual([join(resources, 'README.md')])
    // without the file (an older build), no menu item
    const bare = start({ electron: { isPackaged: true }, options: { resourcesPath: join(dir, 'nowhere') } })
    await ready(bare.electron, bare.app)
    const bareHelp = (bare.electron.Menu.applied as { template: MenuItemConstructorOptions[] }).template.at(-1)!.submenu as MenuItemConstructorOptions[]
    expect(bareHelp.some((item) => item.id === 'readme')).toBe(false)
  })

  it('on macOS, a window reopened from the Dock comes back where the last one closed', async () => {
    const { electron, app } = start({ options: { platform: 'darwin' } })
    const { window } = await ready(electron, app)
    window.normalBounds = { x: 120, y: 90, width: 1000, height: 650 }
    window.close()
    electron.app.emit('activate')
    expect(FakeBrowserWindow.instances).toHaveLength(2)
    expect(FakeBrowserWindow.instances[1].options).toMatchObject({ x: 120, y: 90, width: 1000, height: 650 })
  })

  it('opens at the default size with a warning when the window state file is corrupt', async () => {
    writeFileSync(join(userData, 'window-state.json'), '{"x": 200, "y": ')
    const warnings: string[] = []
    const { electron, app } = start({ options: { log: { ...quietLog, warn: (message: string) => warnings.push(message) } } })
    const { window } = await ready(electron, app)
    expect(window.options).toMatchObject({ width: 1280, height: 820 })
    expect(window.options).not.toHaveProperty('x')
    expect(warnings).toEqual([expect.stringContaining('window-state.json is not valid JSON')])
  })

  it("shows a running task's progress on the taskbar, then asks once about notifications when a long run ends", async () => {
    const { electron, app } = start()
    const { window, trusted } = await ready(electron, app)
    window.webContents.emit('did-finish-load')
    const task = invoke(electron, 'benchmarkMatmul', trusted, { taskId: 'cmp-1', sizes: [128] })
    const engine = readyEngine()
    await waitFor(() => engine.posted.find((m) => (m as { kind: string }).kind === 'request'), 'the engine request')
    const { id } = engine.posted.find((m) => (m as { kind: string }).kind === 'request') as { id: number }
    const progress = (done: number, elapsedSeconds: number) => ({ requestId: id, event: { type: 'task.progress', taskId: 'x', done, total: 4, unit: 'sizes', elapsedSeconds, etaSeconds: null, message: `size ${done}/4` } })
    engine.emit('message', { kind: 'events', events: [progress(1, 30)] })
    await waitFor(() => (window.progress.length === 1 ? true : undefined), 'progress bar')
    engine.emit('message', { kind: 'events', events: [progress(4, 95)] })
    engine.emit('message', { kind: 'response', id, ok: true, result: { backend: 'cpu', results: [] } })
    await task
    await waitFor(() => (electron.dialog.messageBoxes.length === 1 ? true : undefined), 'the notification question')
    expect(window.progress).toEqual([{ value: 0.25 }, { value: -1 }])
    expect(electron.dialog.messageBoxes[0][1]).toMatchObject({ type: 'question', message: 'Notify you when a long run finishes?', buttons: ['Notify Me', 'No Thanks'] })
    // the answer (yes) is kept: the next long run notifies without asking while the app is in the background
    await waitFor(() => (existsSync(join(userData, 'notifications.json')) ? true : undefined), 'notifications.json')
    expect(JSON.parse(readFileSync(join(userData, 'notifications.json'), 'utf8'))).toEqual({ runFinished: 'on' })
    const next = invoke(electron, 'benchmarkMatmul', trusted, { taskId: 'cmp-2', sizes: [128] })
    await waitFor(() => engine.posted.filter((m) => (m as { kind: string }).kind === 'request')[1], 'the second request')
    const second = (engine.posted.filter((m) => (m as { kind: string }).kind === 'request')[1] as { id: number }).id
    engine.emit('message', { kind: 'events', events: [{ ...progress(4, 3600), requestId: second }] })
    engine.emit('message', { kind: 'response', id: second, ok: true, result: { backend: 'cpu', results: [] } })
    await next
    const notification = await waitFor(() => FakeNotification.instances[0], 'a notification')
    expect([notification.shown, notification.options]).toEqual([true, { title: 'Run finished', body: 'size 4/4. It took 1 h 00 min.' }])
    expect(electron.dialog.messageBoxes).toHaveLength(1)
    window.minimized = true
    notification.emit('click')
    expect([window.minimized, window.focused]).toEqual([false, true])
  })

  it('takes language and theme from the settings at start, and applies a change made in Settings at once', async () => {
    writeFileSync(join(userData, 'settings.json'), JSON.stringify({ version: 1, backend: 'auto', energy: { gridRegion: null, pue: null, gridIntensity: null }, workspace: null, language: 'vi', theme: 'dark' }))
    const { electron, app } = start()
    const { window, trusted } = await ready(electron, app)
    const topLabels = () => (electron.Menu.applied as { template: MenuItemConstructorOptions[] }).template.map((item) => item.label)
    expect(topLabels()).toEqual(['Tệp', 'Sửa', 'Xem', 'Trợ giúp'])
    expect([electron.nativeTheme.themeSource, window.options.backgroundColor]).toEqual(['dark', WINDOW_BACKGROUND.dark])
    await invoke(electron, 'updateSettings', trusted, { patch: { language: 'en', theme: 'light' } })
    expect(topLabels()).toEqual(['File', 'Edit', 'View', 'Help'])
    expect([electron.nativeTheme.themeSource, window.backgroundColors]).toEqual(['light', [WINDOW_BACKGROUND.light]])
  })

  it('follows the theme setting at once: native parts, the page and the window background', async () => {
    const { electron, app } = start({ electron: { dark: true } })
    const { window } = await ready(electron, app)
    expect(window.options.backgroundColor).toBe(WINDOW_BACKGROUND.dark)
    app!.setAppearance({ theme: 'light' })
    expect([electron.nativeTheme.themeSource, window.backgroundColors]).toEqual(['light', [WINDOW_BACKGROUND.light]])
    app!.setAppearance({ theme: 'system' })
    expect([electron.nativeTheme.themeSource, window.backgroundColors]).toEqual(['system', [WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark]])
  })

  it("speaks the OS's language in menus and dialogs, and switches at once when the language setting changes", async () => {
    const { electron, app } = start({ electron: { systemLanguages: ['vi-VN', 'en-US'] } })
    await ready(electron, app)
    const topLabels = () => (electron.Menu.applied as { template: MenuItemConstructorOptions[] }).template.map((item) => item.label)
    expect(topLabels()).toEqual(['Tệp', 'Sửa', 'Xem', 'Trợ giúp'])
    app!.setAppearance({ language: 'en' })
    expect(topLabels()).toEqual(['File', 'Edit', 'View', 'Help'])
    const file = (electron.Menu.applied as { template: MenuItemConstructorOptions[] }).template[0].submenu as MenuItemConstructorOptions[]
    ;(file[0].click as () => void)()
    await waitFor(() => electron.dialog.calls[0], 'the open dialog')
    expect(electron.dialog.calls[0][1]).toMatchObject({ title: 'Open a checkpoint, dataset or folder' })
    app!.setAppearance({ language: 'system' })
    expect(topLabels()).toEqual(['Tệp', 'Sửa', 'Xem', 'Trợ giúp'])
  })
})
