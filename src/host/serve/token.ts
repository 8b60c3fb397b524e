/**
 * The access token of `ligo serve`, Jupyter style: a random secret printed in the URL. The browser trades the
 * URL's ?token= for an HttpOnly cookie; scripts may send `Authorization: token <t>`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** 32 random bytes as 64 hex characters. */
export function createToken(): string {
  return randomBytes(32).toString('hex')
}

/**
 * Constant-time comparison. Both sides are hashed first so that inputs of different lengths also take the same
 * time (timingSafeEqual itself throws on a length mismatch, which would leak the length).
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest()
  const b = createHash('sha256').update(expected, 'utf8').digest()
  return timingSafeEqual(a, b)
}

/** Cookies are shared by every port of a host, so the name carries the port: two servers do not clash. */
export function tokenCookieName(port: number): string {
  return `ligo-token-${port}`
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=')
    const name = equals === -1 ? '' : part.slice(0, equals).trim()
    if (name !== '' && !cookies.has(name)) cookies.set(name, part.slice(equals + 1).trim())
  }
  return cookies
}

export type TokenSource = 'query' | 'header' | 'cookie'

/** The token a request carries, looked for in the query, then the Authorization header, then the cookie. */
export function tokenFromRequest(request: IncomingMessage, url: URL, port: number): { token: string; source: TokenSource } | null {
  const fromQuery = url.searchParams.get('token')
  if (fromQuery !== null) return { token: fromQuery, source: 'query' }
  const authorization = /^token\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  if (authorization) return { token: authorization[1], source: 'header' }
  const fromCookie = parseCookies(request.headers.cookie).get(tokenCookieName(port))
  if (fromCookie !== undefined) return { token: fromCookie, source: 'cookie' }
  return null
}
