/**
 * A small stand-in for the parts of 'electron' main uses, for unit tests (the Electron binary cannot run
 * here). Every fake records what it was given so tests can assert on it and fire the events Electron would.
 * Use it directly, or as `vi.mock('electron', async () => (await import('./test-utils/fake-electron')).createFakeElectron())`.
 */
import { PassThrough } from 'node:stream'

// Electron's event callbacks are loosely typed; the fakes' are too.
type Listener = (...args: any[]) => any

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>()

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped)
      return listener(...args)
    }
    return this.on(event, wrapped)
  }

  removeListener(event: string, listener: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener))
    return this
  }

  emit(event: string, ...args: unknown[]): boolean {
    const current = this.listeners.get(event) ?? []
    current.forEach((listener) => listener(...args))
    return current.length > 0
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0
  }
}

/** An Electron-style event: records preventDefault. */
export function fakeEvent(extra: Record<string, unknown> = {}): { defaultPrevented: boolean; preventDefault(): void } & Record<string, unknown> {
  return {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

export class FakeSession {
  permissionRequestHandler: Listener | null = null
  permissionCheckHandler: Listener | null = null
  setPermissionRequestHandler(handler: Listener | null): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.permissionCheckHandler = handler
  }
}

export class FakeFrame {
  constructor(public url: string) {}
}

let nextWebContentsId = 1

export class FakeWebContents extends FakeEmitter {
  readonly id = nextWebContentsId++
  readonly sent: Array<{ channel: string; args: unknown[] }> = []
  readonly session = new FakeSession()
  readonly mainFrame = new FakeFrame('')
  windowOpenHandler: Listener | null = null
  destroyed = false

  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
  getURL(): string {
    return this.mainFrame.url
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static instances: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed)
  }

  readonly webContents = new FakeWebContents()
  readonly loadedUrls: string[] = []
  visible: boolean
  minimized = false
  maximized = false
  focused = false
  destroyed = false
  /** Every setProgressBar call: the taskbar/dock progress. */
  readonly progress: Array<{ value: number; options?: Record<string, unknown> }> = []
  /** What getNormalBounds returns: the constructor's bounds until a test moves the window. */
  normalBounds: { x: number; y: number; width: number; height: number }

  constructor(readonly options: Record<string, any> = {}) {
    super()
    this.visible = options.show !== false
    this.normalBounds = { x: options.x ?? 100, y: options.y ?? 80, width: options.width ?? 800, height: options.height ?? 600 }
    FakeBrowserWindow.instances.push(this)
  }

  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url)
    this.webContents.mainFrame.url = url
  }
  show(): void {
    this.visible = true
  }
  isVisible(): boolean {
    return this.visible
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
  focus(): void {
    this.focused = true
  }
  isFocused(): boolean {
    return this.focused
  }
  maximize(): void {
    this.maximized = true
    this.visible = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  getNormalBounds() {
    return { ...this.normalBounds }
  }
  backgroundColors: string[] = []
  setBackgroundColor(color: string): void {
    this.backgroundColors.push(color)
  }
  setProgressBar(value: number, options?: Record<string, unknown>): void {
    this.progress.push({ value, ...(options ? { options } : {}) })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  close(): void {
    this.emit('close', fakeEvent())
    this.destroyed = true
    this.webContents.destroyed = true
    this.emit('closed')
  }
}

export class FakeUtilityProcess extends FakeEmitter {
  static forks: Array<{ modulePath: string; args: string[]; options: Record<string, unknown>; child: FakeUtilityProcess }> = []
  readonly posted: unknown[] = []
  /** stdio: 'pipe' gives the parent readable streams; tests write engine output into these. */
  readonly stdout = new PassThrough()
  readonly stderr = new PassThrough()
  pid: number | undefined = 4242
  killed = false

  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  kill(): boolean {
    this.killed = true
    return true
  }
}

/** A system notification: records what was shown; tests emit 'click'. */
export class FakeNotification extends FakeEmitter {
  static instances: FakeNotification[] = []
  static supported = true
  static isSupported(): boolean {
    return FakeNotification.supported
  }
  shown = false
  constructor(readonly options: { title?: string; body?: string } = {}) {
    super()
    FakeNotification.instances.push(this)
  }
  show(): void {
    this.shown = true
  }
}

export interface FakeDisplay {
  id: number
  workArea: { x: number; y: number; width: number; height: number }
}

export function createFakeElectron(
  options: { isPackaged?: boolean; singleInstanceLock?: boolean; userData?: string; appPath?: string; displays?: FakeDisplay[]; systemLanguages?: string[]; dark?: boolean } = {},
) {
  FakeBrowserWindow.instances = []
  FakeUtilityProcess.forks = []
  FakeNotification.instances = []
  FakeNotification.supported = true
  let resolveReady!: () => void
  const ready = new Promise<void>((resolve) => (resolveReady = resolve))

  const app = Object.assign(new FakeEmitter(), {
    isPackaged: options.isPackaged ?? false,
    name: 'LiGO Studio',
    quitCalls: 0,
    ready: false,
    whenReady: () => ready,
    isReady: () => app.ready,
    /** Test helper: resolves whenReady and emits 'ready'. */
    fireReady() {
      app.ready = true
      resolveReady()
      app.emit('ready')
    },
    requestSingleInstanceLock: () => options.singleInstanceLock ?? true,
    getPath: (name: string) => (name === 'userData' ? options.userData ?? '/tmp/ligo-fake-user-data' : `/tmp/ligo-fake-${name}`),
    getLocale: () => 'en-US',
    getAppPath: () => options.appPath ?? '/tmp/ligo-fake-app',
    getVersion: () => '0.1.0',
    getName: () => 'LiGO Studio',
    /** What app.getPreferredSystemLanguages answers (the OS's language list). */
    systemLanguages: options.systemLanguages ?? ['en-US'],
    getPreferredSystemLanguages: () => app.systemLanguages,
    appUserModelId: null as string | null,
    setAppUserModelId(id: string) {
      app.appUserModelId = id
    },
    recentDocuments: [] as string[],
    addRecentDocument(path: string) {
      app.recentDocuments = [path, ...app.recentDocuments.filter((p) => p !== path)]
    },
    clearRecentDocuments() {
      app.recentDocuments = []
    },
    quit() {
      app.quitCalls += 1
    },
    exit() {
      app.quitCalls += 1
    },
  })

  const handlers = new Map<string, Listener>()
  const ipcMain = {
    handlers,
    handle(channel: string, handler: Listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, handler)
    },
    removeHandler(channel: string) {
      handlers.delete(channel)
    },
  }

  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, Listener>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      protocol.privileged.push(...schemes)
    },
    handle(scheme: string, handler: Listener) {
      protocol.handlers.set(scheme, handler)
    },
  }

  const Menu = {
    applied: null as unknown,
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu(menu: unknown) {
      Menu.applied = menu
    },
  }

  const dialog = {
    calls: [] as unknown[][],
    nextResult: { canceled: true, filePaths: [] as string[] },
    async showOpenDialog(...args: unknown[]) {
      dialog.calls.push(args)
      return dialog.nextResult
    },
    messageBoxes: [] as unknown[][],
    /** The button index the next message boxes answer with. */
    messageBoxResponse: 0,
    async showMessageBox(...args: unknown[]) {
      dialog.messageBoxes.push(args)
      return { response: dialog.messageBoxResponse, checkboxChecked: false }
    },
  }

  const shell = {
    opened: [] as string[],
    openedPaths: [] as string[],
    async openExternal(url: string) {
      shell.opened.push(url)
    },
    async openPath(path: string) {
      shell.openedPaths.push(path)
      return ''
    },
    shown: [] as string[],
    showItemInFolder(path: string) {
      shell.shown.push(path)
    },
  }

  const session = { defaultSession: new FakeSession() }

  const utilityProcess = {
    fork(modulePath: string, args: string[] = [], forkOptions: Record<string, unknown> = {}) {
      const child = new FakeUtilityProcess()
      FakeUtilityProcess.forks.push({ modulePath, args, options: forkOptions, child })
      return child
    },
  }

  // one 1440x900 laptop screen unless the test says otherwise (the work area leaves out a 25 px menu bar)
  const displays = options.displays ?? [{ id: 1, workArea: { x: 0, y: 25, width: 1440, height: 875 } }]
  const screen = {
    getAllDisplays: () => displays,
    getPrimaryDisplay: () => displays[0],
  }

  // themeSource 'light'/'dark' decides shouldUseDarkColors; 'system' gives the OS's (options.dark)
  const nativeTheme = {
    themeSource: 'system' as 'system' | 'light' | 'dark',
    get shouldUseDarkColors() {
      return nativeTheme.themeSource === 'system' ? (options.dark ?? false) : nativeTheme.themeSource === 'dark'
    },
  }

  return { app, ipcMain, protocol, Menu, dialog, shell, session, utilityProcess, screen, nativeTheme, Notification: FakeNotification, BrowserWindow: FakeBrowserWindow }
}

export type FakeElectron = ReturnType<typeof createFakeElectron>

/** Tests hand fakes to functions typed with Electron's own types; the fake covers the members used. */
export function asElectron<T>(fake: unknown): T {
  return fake as T
}
