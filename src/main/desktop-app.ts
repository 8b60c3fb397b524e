/**
 * The desktop app, composed: single instance, app:// scheme, hardened window, IPC onto StudioService, menu,
 * engine in a utility process, files from the OS. Each part lives in its own module; this file only wires
 * them to Electron's lifecycle. It takes electron as a parameter so tests can run it against a fake.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type * as Electron from 'electron'
import { createEngineHost } from '../host/engine-client'
import type { EngineHost } from '../host/engine-types'
import { SettingsStore } from '../host/settings-store'
import { StudioService } from '../host/studio-service'
import { APP_ID } from './app-identity'
import { isAppUrl, registerAppScheme, serveAppProtocol } from './app-protocol'
import { chooseBackend } from './backend-choice'
import { createUtilityEngineLauncher } from './engine-launcher'
import { createSenderCheck, forwardStudioEvents, registerStudioIpc } from './ipc'
import { mainLocale, mainMessages, type MainLocale } from './i18n/messages'
import { buildMenuTemplate, chooseOpenPaths, installMenu } from './menu'
import { PathOpenQueue, filePathsFromArgv, listenForOpenFile } from './open-paths'
import { OsIntegration, type OsIntegrationElectron } from './os-integration'
import { denyAllPermissions, hardenWebContents } from './security'
import { claimSingleInstance } from './single-instance'
import { MAIN_WINDOW_TITLE, createMainWindow, rendererEntryUrl, revealWindow, windowBackground } from './window'

export interface DesktopElectron extends Pick<OsIntegrationElectron, 'screen' | 'Notification'> {
  app: Electron.App
  nativeTheme: Pick<Electron.NativeTheme, 'shouldUseDarkColors' | 'themeSource'>
  BrowserWindow: typeof Electron.BrowserWindow
  dialog: Pick<Electron.Dialog, 'showOpenDialog' | 'showMessageBox'>
  ipcMain: Pick<Electron.IpcMain, 'handle' | 'removeHandler'>
  Menu: Pick<typeof Electron.Menu, 'buildFromTemplate' | 'setApplicationMenu'>
  protocol: Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'>
  session: { defaultSession: Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> }
  shell: Pick<Electron.Shell, 'openExternal' | 'openPath' | 'showItemInFolder'>
  utilityProcess: Pick<typeof Electron.utilityProcess, 'fork'>
}

export interface DesktopOptions {
  /** Folder of the built main bundle (out/main): engine.js sits here, preload and renderer next to it. */
  mainDir: string
  env: Record<string, string | undefined>
  argv: readonly string[]
  platform: NodeJS.Platform
  /** process.defaultApp: running unpackaged as `electron <path>`. */
  defaultApp: boolean
  cwd: string
  /** process.resourcesPath: the packaged app's resources folder (app.asar, seeds, README.md). */
  resourcesPath?: string
  log?: Pick<Console, 'log' | 'warn' | 'error'>
}

export interface DesktopApp {
  readonly window: Electron.BrowserWindow | null
  readonly service: StudioService | null
  /**
   * The language and theme settings, applied at once: the language of menus, dialogs and notifications ('en',
   * 'vi', or 'system' for the OS's languages), and the theme ('system', 'light', 'dark') of the native parts and of
   * the page's prefers-color-scheme. Call it with the settings at start and whenever they change.
   */
  setAppearance(appearance: { language?: string; theme?: 'system' | 'light' | 'dark' }): void
  /** Resolves once the app is ready and the window exists. */
  readonly started: Promise<void>
}

/** Returns null when another instance is running (this one then quits). */
export function startDesktopApp(electron: DesktopElectron, options: DesktopOptions): DesktopApp | null {
  const { app } = electron
  const log = options.log ?? console
  // Privileged schemes must be registered before 'ready'; doing it first also covers the quitting case.
  registerAppScheme(electron.protocol)
  if (!claimSingleInstance(app, (argv, workingDirectory) => openFromOs(filePathsFromArgv(argv, argvContext(workingDirectory))))) return null
  // Windows shows notifications and groups the taskbar by this id; it must be the installer's (app-identity.ts)
  if (options.platform === 'win32') app.setAppUserModelId(APP_ID)

  // A packaged app never follows ELECTRON_RENDERER_URL: only electron-vite dev sets it, for development.
  const devServerUrl = app.isPackaged ? undefined : options.env.ELECTRON_RENDERER_URL || undefined
  const isOwnUrl = (url: string) => isAppUrl(url, devServerUrl)
  const openExternal = (url: string) => void electron.shell.openExternal(url).catch((error: unknown) => log.error(`Could not open ${url}:`, error))

  let window: Electron.BrowserWindow | null = null
  let service: StudioService | null = null
  let engine: EngineHost | null = null
  const teardown: Array<() => void> = []
  // the OS's languages are known once the app is ready; until then nothing is shown
  let languageChoice = 'system'
  let locale: MainLocale = 'en'
  const text = () => mainMessages(locale)
  // StudioService.openPath is the one entry point for paths from the OS, the menu and Open Recent
  const opens = new PathOpenQueue(async (path) => service?.openPath(path))
  const os = new OsIntegration(electron, {
    userDataDir: app.getPath('userData'),
    log,
    getWindow: () => window,
    onRecentChange: () => {
      if (app.isReady()) refreshMenu()
    },
    text,
  })

  function setLanguage(choice: string): void {
    languageChoice = choice
    if (!app.isReady()) return
    locale = mainLocale(languageChoice, app.getPreferredSystemLanguages())
    refreshMenu()
  }

  function setAppearance(appearance: { language?: string; theme?: 'system' | 'light' | 'dark' }): void {
    if (appearance.theme) {
      // themeSource drives the native menus and dialogs and the renderer's prefers-color-scheme alike
      electron.nativeTheme.themeSource = appearance.theme
      if (window && !window.isDestroyed()) window.setBackgroundColor(windowBackground(electron.nativeTheme.shouldUseDarkColors))
    }
    if (appearance.language) setLanguage(appearance.language)
  }

  function argvContext(workingDirectory: string) {
    return { workingDirectory, defaultApp: options.defaultApp, appPath: app.getAppPath() }
  }

  function openWindow(): Electron.BrowserWindow {
    const created = createMainWindow(electron.BrowserWindow, {
      preloadPath: join(options.mainDir, '../preload/index.js'),
      url: rendererEntryUrl(devServerUrl),
      placement: os.windowPlacement(),
      packaged: app.isPackaged,
      dark: electron.nativeTheme.shouldUseDarkColors,
      onLoadError: (error) => log.error('The Studio window could not load its page:', error),
    })
    os.trackWindow(created)
    created.on('closed', () => {
      if (window === created) window = null
      opens.pause() // events sent now would reach no one: hold opened files for the next window
    })
    // the renderer subscribes to events while it loads; opened files are reported after that
    created.webContents.once('did-finish-load', () => opens.markReady())
    window = created
    return created
  }

  /** Files from a second launch or the Dock: bring the window up (or back) and open them there. */
  function openFromOs(paths: string[]): void {
    opens.request(paths)
    if (!app.isReady()) return
    if (window && !window.isDestroyed()) revealWindow(window)
    else openWindow()
  }

  listenForOpenFile(app, { request: openFromOs })
  opens.request(filePathsFromArgv(options.argv, argvContext(options.cwd)))

  // Every webContents (the window, DevTools, anything created later) gets the same guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { isAppUrl: isOwnUrl, openExternal }))

  const started = app.whenReady().then(() => {
    denyAllPermissions(electron.session.defaultSession)
    serveAppProtocol(electron.protocol, join(options.mainDir, '../renderer'))

    const backend = chooseBackend(app.getPath('userData'), options.env)
    backend.warnings.forEach((warning) => log.warn(warning))
    engine = createEngineHost(createUtilityEngineLauncher(electron.utilityProcess, join(options.mainDir, 'engine.js'), log), {
      backend: backend.backend,
      backendSource: backend.backendSource,
    })
    // The user-data folder holds settings.json and is the default workspace (changeable in Settings).
    const userData = app.getPath('userData')
    const settings = new SettingsStore(userData)
    // menus and the native theme follow the settings from the start, and at once when they change
    const { language, theme } = settings.get()
    setAppearance({ language, theme })
    service = new StudioService({
      engine,
      host: 'desktop',
      version: app.getVersion(),
      workspaceDir: userData,
      settings,
      systemLocale: app.getLocale(),
      onSettingsChanged: (current) => setAppearance({ language: current.language, theme: current.theme }),
      desktop: {
        pickFolder: async (purpose) => {
          const words = text().dialogs
          const options = { title: purpose === 'export' ? words.exportFolderTitle : words.workspaceFolderTitle, properties: ['openDirectory' as const, 'createDirectory' as const] }
          const result = window ? await electron.dialog.showOpenDialog(window, options) : await electron.dialog.showOpenDialog(options)
          return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
        },
        reveal: (path) => electron.shell.showItemInFolder(path),
      },
    })
    teardown.push(registerStudioIpc(electron.ipcMain, service, createSenderCheck(() => window, isOwnUrl)))
    teardown.push(forwardStudioEvents(service, () => window))
    teardown.push(service.onEvents((events) => os.handleEvents(events)))

    // setAppearance above has built the menu
    openWindow()
  })
  started.catch((error: unknown) => log.error('LiGO Studio could not start:', error))

  // installers ship README.md next to app.asar (electron-builder.config.ts, extraResources): one inside the
  // archive could not be opened by another program
  const readmePath = app.isPackaged && options.resourcesPath ? join(options.resourcesPath, 'README.md') : join(app.getAppPath(), 'README.md')
  const readmeAvailable = !readmePath.includes('.asar') && existsSync(readmePath)
  /** (Re)installs the application menu; Open Recent changes with every opened file. */
  function refreshMenu(): void {
    installMenu(
      electron.Menu,
      buildMenuTemplate(
        { appName: MAIN_WINDOW_TITLE, platform: options.platform, isPackaged: app.isPackaged, readmeAvailable, recentPaths: os.recent.list, text: text().menu },
        {
          open: (kind) => {
            chooseOpenPaths(electron.dialog, window, kind, text().dialogs.openTitle)
              .then((paths) => openFromOs(paths))
              .catch((error: unknown) => log.error('The open dialog failed:', error))
          },
          openRecent: (path) => openFromOs([path]),
          clearRecent: () => os.recent.clear(),
          about: () => void showAbout(),
          openReadme: () => void electron.shell.openPath(readmePath),
          openExternal,
        },
      ),
    )
  }

  async function showAbout(): Promise<void> {
    const words = text().dialogs
    const detail = `${words.aboutDetail}\nElectron ${process.versions.electron ?? '?'}, Node ${process.versions.node}, Chromium ${process.versions.chrome ?? '?'}`
    const box = { type: 'info' as const, title: words.aboutTitle(MAIN_WINDOW_TITLE), message: `${MAIN_WINDOW_TITLE} ${app.getVersion()}`, detail, buttons: [words.ok] }
    await (window ? electron.dialog.showMessageBox(window, box) : electron.dialog.showMessageBox(box))
  }

  // macOS keeps the app alive without windows and reopens one from the Dock.
  app.on('activate', () => {
    if (app.isReady() && !window) openWindow()
  })
  app.on('window-all-closed', () => {
    if (options.platform !== 'darwin') app.quit()
  })

  // Quit waits for the engine to stop (graceful shutdown, then kill), so no orphan process stays behind.
  let shutdown: 'running' | 'stopping' | 'done' = 'running'
  app.on('will-quit', (event) => {
    if (shutdown === 'done') return
    event.preventDefault()
    if (shutdown === 'stopping') return
    shutdown = 'stopping'
    teardown.splice(0).forEach((undo) => undo())
    service?.dispose()
    const engineStopped = (engine ? engine.stop() : Promise.resolve()).catch((error: unknown) => log.error('The engine did not stop cleanly:', error))
    // the window's placement was queued when it closed, before will-quit: let it reach the disk
    Promise.all([engineStopped, os.flush()])
      .finally(() => {
        shutdown = 'done'
        app.quit()
      })
  })

  return {
    get window() {
      return window
    },
    get service() {
      return service
    },
    setAppearance,
    started,
  }
}
