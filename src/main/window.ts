/**
 * The main window: created hidden and shown once its first paint is ready (no white flash),
 * with the hardened webPreferences from security.ts.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron'
import { APP_ENTRY_URL } from './app-protocol'
import { secureWebPreferences } from './security'
import type { WindowLimits, WindowState } from './window-state'

export const MAIN_WINDOW_TITLE = 'LiGO Studio'

/** The first-start size, and the minimum below which the side panel and the charts no longer fit side by side. */
export const MAIN_WINDOW_SIZE: Readonly<WindowLimits> = Object.freeze({ width: 1280, height: 820, minWidth: 960, minHeight: 600 })

/**
 * The window's colour before the page paints: the renderer's page background (--bg in
 * src/renderer/src/styles/base.css) for the OS theme, so opening and resizing never flash another colour.
 */
export const WINDOW_BACKGROUND = Object.freeze({ light: '#f6f7f9', dark: '#15181d' })

export function windowBackground(dark: boolean): string {
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light
}

export interface MainWindowPlacement {
  /** Restored size and position (window-state.ts); the default size when absent. */
  placement?: WindowState
  /** A packaged app gets no DevTools (Electron security checklist). */
  packaged?: boolean
  /** The OS uses a dark theme (nativeTheme.shouldUseDarkColors). */
  dark?: boolean
}

export function mainWindowOptions(preloadPath: string, options: MainWindowPlacement = {}): BrowserWindowConstructorOptions {
  const { placement } = options
  return {
    title: MAIN_WINDOW_TITLE,
    width: placement?.width ?? MAIN_WINDOW_SIZE.width,
    height: placement?.height ?? MAIN_WINDOW_SIZE.height,
    ...(placement?.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}),
    minWidth: MAIN_WINDOW_SIZE.minWidth,
    minHeight: MAIN_WINDOW_SIZE.minHeight,
    backgroundColor: windowBackground(options.dark !== false),
    show: false,
    webPreferences: secureWebPreferences(preloadPath, { devTools: !options.packaged }),
  }
}

/** The renderer's entry: the electron-vite dev server in development, app://app/index.html otherwise. */
export function rendererEntryUrl(devServerUrl: string | undefined): string {
  return devServerUrl ? devServerUrl : APP_ENTRY_URL
}

type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow

export function createMainWindow(
  BrowserWindowCtor: BrowserWindowClass,
  options: MainWindowPlacement & { preloadPath: string; url: string; onLoadError?: (error: unknown) => void },
): BrowserWindow {
  const window = new BrowserWindowCtor(mainWindowOptions(options.preloadPath, options))
  window.once('ready-to-show', () => {
    // maximize() also shows the window; its normal bounds stay the restored ones
    if (options.placement?.maximized) window.maximize()
    else window.show()
  })
  window.loadURL(options.url).catch((error: unknown) => {
    ;(options.onLoadError ?? ((e: unknown) => console.error(`Could not load ${options.url}:`, e)))(error)
  })
  return window
}

/** Brings the window to the front, e.g. when a second launch forwards its files. */
export function revealWindow(window: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'isVisible' | 'show' | 'focus'>): void {
  if (window.isMinimized()) window.restore()
  if (!window.isVisible()) window.show()
  window.focus()
}
