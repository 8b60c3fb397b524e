/**
 * The app:// scheme: serves the built renderer (out/renderer) to the window, with the CSP header.
 * A privileged standard scheme gives the renderer a real origin (app://app) without file:// and its
 * broad file access; every request is resolved inside the renderer folder or answered 404.
 */
import { readFile } from 'node:fs/promises'
import type { CustomScheme, Protocol } from 'electron'
import { contentTypeFor, resolveStaticPath } from '../host/renderer-files'
import { CONTENT_SECURITY_POLICY } from './security'

export const APP_SCHEME = 'app'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** standard: real origin and relative URLs; secure: counts as a secure context; supportFetchAPI: fetch() works. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
}

/** Must run before app 'ready' (Electron only accepts privileged schemes then). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
}

/** True for URLs of the app itself: app://app/..., or (development only) the electron-vite dev server. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true
  if (!devServerUrl) return false
  try {
    return parsed.origin === new URL(devServerUrl).origin
  } catch {
    return false
  }
}

/**
 * Maps app://app/<path> to a file under `root`, or null when the URL is not ours or would leave `root`.
 * Percent-escapes are decoded before the check, so %2e%2e%2f and %5c cannot smuggle a `..` past it, and
 * symbolic links inside out/renderer must not lead outside it either (src/host/renderer-files.ts).
 */
export async function resolveAppFile(root: string, url: string): Promise<string | null> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  return resolveStaticPath(root, parsed.pathname)
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

/** The protocol.handle callback for app://: files under `root`, each with the CSP header; anything else 404. */
export function createAppRequestHandler(root: string): (request: { url: string; method?: string }) => Promise<Response> {
  return async (request) => {
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } })
    }
    const realFile = await resolveAppFile(root, request.url)
    if (realFile === null) return notFound()
    try {
      const body = await readFile(realFile)
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: {
          'Content-Type': contentTypeFor(realFile),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      })
    } catch {
      return notFound()
    }
  }
}

/** Serves out/renderer on app:// (call after app 'ready'). */
export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererRoot))
}
