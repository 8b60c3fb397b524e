/**
 * The main window: created hidden and shown once its first paint is ready (no white flash),
 * with the hardened webPreferences from security.ts.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron'
import { APP_ENTRY_URL } from './app-protocol'
import { secureWebPreferences } from './security'

export const MAIN_WINDOW_TITLE = 'LiGO Studio'

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: MAIN_WINDOW_TITLE,
    width: 1280,
    height: 820,
    // below this the side panel and the charts no longer fit side by side
    minWidth: 960,
    minHeight: 600,
    // matches the renderer's dark background, so resizing never flashes white
    backgroundColor: '#16181d',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  }
}

/** The renderer's entry: the electron-vite dev server in development, app://app/index.html otherwise. */
export function rendererEntryUrl(devServerUrl: string | undefined): string {
  return devServerUrl ? devServerUrl : APP_ENTRY_URL
}

type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow

export function createMainWindow(
  BrowserWindowCtor: BrowserWindowClass,
  options: { preloadPath: string; url: string; onLoadError?: (error: unknown) => void },
): BrowserWindow {
  const window = new BrowserWindowCtor(mainWindowOptions(options.preloadPath))
  window.once('ready-to-show', () => window.show())
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
