/**
 * `ligo serve`: the Studio UI in a browser. node:http serves the built renderer read-only and upgrades
 * /api/ws to the WebSocket bridge. Every request needs the token (query, cookie or Authorization header);
 * the WebSocket also needs an Origin equal to the server's own, so other sites cannot drive the engine.
 */
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import type { Duplex } from 'node:stream'
import { EXPORT_DOWNLOAD_PATH, StudioError } from '../../shared'
import type { EngineHost } from '../engine-types'
import { StudioService } from '../studio-service'
import { securityHeaders } from './csp'
import { resolveStaticPath } from '../renderer-files'
import { exportDownload, sendFile } from './static-files'
import { createToken, tokenCookie, tokenFromRequest, tokensEqual } from './token'
import { createWsBridge } from './ws-bridge'

export const DEFAULT_HOST = '127.0.0.1'
/** Default port: unassigned by IANA and far from the usual dev-server ports (3000, 5173, 7860, 8080, 8888). */
export const DEFAULT_PORT = 4780
export const WS_PATH = '/api/ws'

export interface ServeOptions {
  /** The server takes ownership: close() stops it. */
  engine: EngineHost
  version: string
  /** The built renderer folder (out/renderer); must hold index.html. */
  rendererRoot: string
  host?: string
  /** 0 = a free port chosen by the system. */
  port?: number
  /** false = no token at all (refused unless the host is a loopback address). Default true. */
  requireToken?: boolean
  /** A fixed token (tests); default: 32 random bytes. */
  token?: string
  features?: string[]
  /** The workspace folder (library, runs, exports, uploads, settings.json). */
  workspaceDir?: string
  /** Largest upload accepted (bytes); default 4 GB. */
  maxUploadBytes?: number
}

export interface RunningServer {
  /** The URL to open, token included (like Jupyter's). */
  url: string
  /** http://HOST:PORT */
  origin: string
  token: string | null
  host: string
  port: number
  /** Things the user should know (a non-loopback address). */
  warnings: string[]
  service: StudioService
  /** Closes sockets and the HTTP server, then stops the engine. Safe to call twice. */
  close(): Promise<void>
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host) || /^::ffff:127(\.\d{1,3}){3}$/i.test(host)
}

const isWildcardHost = (host: string): boolean => host === '0.0.0.0' || host === '::'
const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host)

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  )
}

function reply(response: ServerResponse, status: number, message: string, headers: Record<string, string>): void {
  const body = `${message}\n`
  response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' })
  response.end(response.req.method === 'HEAD' ? undefined : body)
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') fail(new StudioError('forbidden', `Port ${port} on ${host} is in use. Pick another with --port <N>, or --port 0 for any free port.`))
      else if (error.code === 'EACCES') fail(new StudioError('forbidden', `Not allowed to listen on ${host}:${port} (ports below 1024 need privileges).`))
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') fail(new StudioError('invalid_request', `Cannot listen on ${host}: no such address on this machine.`))
      else fail(error)
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      done((server.address() as AddressInfo).port)
    })
  })
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST
  const requireToken = options.requireToken ?? true
  if (!requireToken && !isLoopbackHost(host)) {
    throw new StudioError('forbidden', `--no-token is only allowed on a loopback address (127.0.0.1, ::1, localhost), not on ${host}: anyone on the network could use the engine.`)
  }
  const rendererRoot = resolve(options.rendererRoot)
  if (!existsSync(join(rendererRoot, 'index.html'))) {
    throw new StudioError('not_found', `The browser UI is not built: ${join(rendererRoot, 'index.html')} is missing. Run "npm run build" first.`)
  }
  const warnings: string[] = []
  if (!isLoopbackHost(host)) {
    warnings.push(`Listening on ${host}, which other machines can reach. Anyone with the token can run the engine and read files this user can read; prefer 127.0.0.1 and an SSH tunnel.`)
  }
  const token = requireToken ? (options.token ?? createToken()) : null

  const service = new StudioService({
    engine: options.engine,
    host: 'serve',
    version: options.version,
    features: options.features,
    workspaceDir: options.workspaceDir,
    maxUploadBytes: options.maxUploadBytes,
  })
  const bridge = createWsBridge(service)
  let port = options.port ?? DEFAULT_PORT

  /** http://HOST:PORT as the browser sees it. A wildcard bind has no single name: trust the Host header's. */
  const originOf = (request: IncomingMessage): string | null => {
    if (!isWildcardHost(host)) return `http://${hostForUrl(host)}:${port}`
    const header = request.headers.host ?? ''
    return /^[A-Za-z0-9.\-[\]:]+$/.test(header) && header.endsWith(`:${port}`) ? `http://${header}` : null
  }
  const headersFor = (request: IncomingMessage): Record<string, string> => {
    const origin = originOf(request)
    return securityHeaders(origin ? origin.replace(/^http:/, 'ws:') : '')
  }
  const authorised = (request: IncomingMessage, url: URL) => {
    if (token === null) return { ok: true, fromQuery: false }
    const given = tokenFromRequest(request, url, port)
    return { ok: given !== null && tokensEqual(given.token, token), fromQuery: given?.source === 'query' }
  }

  const handleRequest = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = headersFor(request)
    const url = new URL(request.url ?? '/', 'http://serve.invalid')
    // The token first: without it a client learns nothing, not even which methods or paths exist.
    const auth = authorised(request, url)
    if (!auth.ok) {
      reply(response, 401, 'Unauthorized: open the URL that "ligo serve" printed (it ends in ?token=...).', headers)
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(response, 405, 'Method not allowed: ligo serve answers GET and HEAD only.', { ...headers, Allow: 'GET, HEAD' })
      return
    }
    if (auth.fromQuery && token !== null) headers['Set-Cookie'] = tokenCookie(port, token)
    if (url.pathname === WS_PATH) {
      reply(response, 426, `${WS_PATH} is a WebSocket endpoint.`, { ...headers, Upgrade: 'websocket' })
      return
    }
    if (url.pathname.startsWith(EXPORT_DOWNLOAD_PATH)) {
      const zip = await exportDownload(service.workspace().exports, url.pathname.slice(EXPORT_DOWNLOAD_PATH.length))
      if (zip === null) reply(response, 404, `No such export download: ${url.pathname.slice(0, 200)}`, headers)
      else await sendFile(request, response, zip.path, { ...headers, 'Content-Disposition': `attachment; filename="${zip.name}"` })
      return
    }
    const file = await resolveStaticPath(rendererRoot, url.pathname)
    if (file === null) {
      reply(response, 404, `Not found: ${url.pathname.slice(0, 200)}`, headers)
      return
    }
    await sendFile(request, response, file, headers)
  }

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) reply(response, 500, `Internal error: ${error instanceof Error ? error.message : String(error)}`, headersFor(request))
      else response.destroy()
    })
  })

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://serve.invalid')
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found', `No WebSocket endpoint at ${url.pathname.slice(0, 200)}; use ${WS_PATH}.`)
    const origin = originOf(request)
    if (origin === null || request.headers.origin !== origin) {
      return refuseUpgrade(socket, 403, 'Forbidden', `Forbidden: the WebSocket must be opened by the page of ${origin ?? 'this server'} (Origin header ${JSON.stringify(request.headers.origin ?? null)}).`)
    }
    if (!authorised(request, url).ok) return refuseUpgrade(socket, 401, 'Unauthorized', 'Unauthorized: the WebSocket needs the token (cookie or ?token=).')
    bridge.accept(request, socket, head)
  })

  try {
    port = await listen(server, host, port)
  } catch (error) {
    service.dispose()
    await bridge.close()
    throw error
  }

  const origin = `http://${hostForUrl(host)}:${port}`
  const visibleOrigin = isWildcardHost(host) ? `http://${hostForUrl(hostname())}:${port}` : origin
  let closing: Promise<void> | null = null
  return {
    url: token === null ? `${visibleOrigin}/` : `${visibleOrigin}/?token=${token}`,
    origin,
    token,
    host,
    port,
    warnings,
    service,
    close() {
      closing ??= (async () => {
        await bridge.close()
        service.dispose()
        await new Promise<void>((done) => {
          server.close(() => done())
          server.closeAllConnections()
        })
        await options.engine.stop()
      })()
      return closing
    },
  }
}
