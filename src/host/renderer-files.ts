/**
 * The built renderer's files (out/renderer), resolved safely: one implementation for the desktop app://
 * protocol (src/main/app-protocol.ts) and `ligo serve` (src/host/serve). Paths are decoded, resolved and checked
 * to stay under the root, symbolic links included; anything else is "not found".
 */
import { realpath, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/**
 * The file a URL path names under root, or null when it is malformed, escapes the root (`..`, encoded
 * slashes, links pointing outside) or is not a regular file. "/" means index.html.
 */
export async function resolveStaticPath(root: string, urlPath: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const realRoot = await realpath(root)
  const candidate = resolve(realRoot, relative)
  if (!isInside(realRoot, candidate)) return null
  try {
    const real = await realpath(candidate)
    if (!isInside(realRoot, real)) return null
    return (await stat(real)).isFile() ? real : null
  } catch {
    return null
  }
}
