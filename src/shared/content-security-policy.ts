/**
 * The renderer's Content-Security-Policy, in one place: sent as a header by the desktop app:// protocol
 * (src/main/app-protocol.ts) and by `ligo serve` (src/host/serve). The page may load only its own scripts
 * (no eval, no inline scripts), talk only to its own origin, and may not be framed.
 */
export function contentSecurityPolicy(options: { extraConnectSrc?: string[] } = {}): string {
  const connect = ["'self'", ...(options.extraConnectSrc ?? []).filter((source) => source !== '')]
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Vue binds `style` attributes and chart libraries set inline styles; no inline or eval'd script is allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ')
}
