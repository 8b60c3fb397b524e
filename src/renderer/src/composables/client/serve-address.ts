/**
 * Where the browser page finds `ligo serve`. The page is opened as http://127.0.0.1:PORT/?token=...;
 * the server also sets an auth cookie on that first load. The token is kept in memory (for the WebSocket
 * URL) and removed from the address bar so it does not end up in history, bookmarks or screenshots.
 */

export const TOKEN_PARAM = 'token'
export const WS_PATH = '/api/ws'

export interface PageLocation {
  href: string
}

export interface PageHistory {
  replaceState(data: unknown, unused: string, url?: string | URL | null): void
}

/** Reads the token from the URL and, when there is one, rewrites the address without it. */
export function takeTokenFromAddress(location: PageLocation, history: PageHistory): string | null {
  const url = new URL(location.href)
  const token = url.searchParams.get(TOKEN_PARAM)
  if (token === null) return null
  url.searchParams.delete(TOKEN_PARAM)
  history.replaceState(null, '', url.pathname + url.search + url.hash)
  return token
}

/** ws(s)://<host>/api/ws, with ?token= when the page had one (otherwise the cookie authenticates). */
export function webSocketUrl(location: PageLocation, token: string | null): string {
  const page = new URL(location.href)
  const url = new URL(WS_PATH, page)
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:'
  url.search = ''
  url.hash = ''
  if (token) url.searchParams.set(TOKEN_PARAM, token)
  return url.toString()
}
