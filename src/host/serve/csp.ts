/**
 * Security headers of every `ligo serve` response. The page may load only its own scripts (no eval, no inline
 * scripts), talk only to its own WebSocket, and may not be framed, so a foreign page can neither inject code
 * nor click-jack the UI.
 */
import { contentSecurityPolicy } from '../../shared/content-security-policy'

export function securityHeaders(wsOrigin: string): Record<string, string> {
  return {
    // wsOrigin: ws://HOST:PORT of the server's own WebSocket ('' when unknown: 'self' only)
    'Content-Security-Policy': contentSecurityPolicy({ extraConnectSrc: [wsOrigin] }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}
