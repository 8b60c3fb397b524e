/**
 * Security policy of the desktop shell, in one place: the Content-Security-Policy, the renderer's
 * webPreferences, and the guards every webContents gets (navigation, new windows, webviews, permissions).
 * Follows Electron's security checklist; the renderer is treated as untrusted.
 */
import type { Session, WebContents, WebPreferences } from 'electron'
import { contentSecurityPolicy } from '../shared/content-security-policy'

/**
 * Sent as a response header with every app:// document. No 'unsafe-eval' (Vue's runtime build needs none),
 * inline styles are allowed because Vue binds `style` attributes; the engine's WebAssembly runs in the
 * utility process, not here, so 'wasm-unsafe-eval' is not needed either.
 */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

/**
 * The renderer gets no Node, runs sandboxed and isolated, and reaches main only through the preload bridge.
 * `devTools: false` (packaged builds) means they cannot be opened at all, not only that the menu lacks the item.
 */
export function secureWebPreferences(preloadPath: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    webviewTag: false,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    ...(options.devTools === false ? { devTools: false } : {}),
  }
}

/** Only web links leave the app, and only to the system browser. file:, javascript:, custom schemes never do. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

export interface WebContentsGuards {
  /** True for URLs the app itself serves (app://app/..., or the dev server in development). */
  isAppUrl(url: string): boolean
  /** Hands a web link to the system browser (shell.openExternal). */
  openExternal(url: string): void
}

type GuardedWebContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>

/**
 * Keeps a webContents on the app: navigation and redirects away are cancelled (web links go to the system
 * browser instead), window.open is denied, and <webview> can never attach.
 */
export function hardenWebContents(contents: GuardedWebContents, guards: WebContentsGuards): void {
  const refuseForeignNavigation = (event: { preventDefault(): void; url?: string }, url?: string): void => {
    const target = url ?? event.url ?? ''
    if (guards.isAppUrl(target)) return
    event.preventDefault()
    if (isExternalWebUrl(target)) guards.openExternal(target)
  }
  contents.on('will-navigate', refuseForeignNavigation)
  contents.on('will-redirect', (event, url) => {
    // a redirect is never user intent: refuse it without opening anything
    if (!guards.isAppUrl(url ?? event.url ?? '')) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) guards.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** The app needs no camera, microphone, notifications, geolocation, clipboard-read, USB...: refuse them all. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
