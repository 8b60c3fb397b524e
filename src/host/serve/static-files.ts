/**
 * Sends one file of the built renderer as an HTTP response (GET/HEAD). Which file a URL names, and whether it
 * may be served at all, is decided by resolveStaticPath in src/host/renderer-files.ts; export downloads by
 * exportDownload below.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { EXPORT_DOWNLOAD_NAME } from '../../shared'
import { contentTypeFor } from '../renderer-files'

/** Sends a file with its content type and the given headers; HEAD sends the headers only. */
export async function sendFile(request: IncomingMessage, response: ServerResponse, path: string, headers: Record<string, string>): Promise<void> {
  const info = await stat(path)
  response.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeFor(path),
    'Content-Length': String(info.size),
    // index.html names the hashed bundles, so it must be fetched fresh; the bundles may be cached.
    'Cache-Control': path.endsWith('.html') ? 'no-store' : 'no-cache',
  })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(path)
    stream.on('error', () => {
      response.destroy()
      done()
    })
    stream.on('end', done)
    stream.pipe(response)
  })
}

/**
 * The zip of an export behind `ligo serve` (export-handlers.ts writes <exports>/<name>.zip): the URL's last segment,
 * decoded, must be a plain export name ending in .zip (no separators, no traversal) naming a file that exists.
 */
export async function exportDownload(exportsDir: string, segment: string): Promise<{ path: string; name: string } | null> {
  let name: string
  try {
    name = decodeURIComponent(segment)
  } catch {
    return null // malformed escapes
  }
  if (!EXPORT_DOWNLOAD_NAME.test(name) || name.includes('..')) return null
  const path = join(exportsDir, name)
  try {
    return (await stat(path)).isFile() ? { path, name } : null
  } catch {
    return null
  }
}
