/**
 * StudioClient over the `ligo serve` WebSocket (browser mode). Frames are WsClientFrame / WsServerFrame:
 * numbered requests answered by responses with the same id, and pushed `events` batches.
 *
 * Requests made while the socket is connecting wait and are sent once it opens. When the socket closes,
 * requests already sent are rejected with code 'disconnected' (a new socket cannot answer them) and the
 * client reconnects with exponential backoff, reporting each step through onConnectionChange.
 */
import type { DroppedItemReport } from '../../../../shared/dropped'
import type { StudioEvent } from '../../../../shared/events'
import {
  STUDIO_METHODS,
  validateStudioParams,
  type StudioMethod,
  type StudioParams,
  type StudioResult,
  type WsClientFrame,
  type WsServerFrame,
} from '../../../../shared/studio-api'
import {
  StudioClientError,
  clientMethods,
  errorCodeOf,
  errorMessageOf,
  type ClientCalls,
  type ConnectionState,
  type InspectOptions,
  type StudioClient,
} from './studio-client'
import { folderInBrowserError, readUploadHead } from './upload-head'
import { uploadFiles } from './upload-files'

/** The part of the DOM WebSocket this client uses; tests pass a fake. */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export interface WebSocketClientOptions {
  url: string
  createSocket?: (url: string) => WebSocketLike
  /** Reconnect delays: initialMs, doubled per failed attempt, capped at maxMs. */
  backoff?: { initialMs: number; maxMs: number }
}

const OPEN = 1
const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 10_000 }

interface PendingRequest {
  frame: WsClientFrame
  sent: boolean
  resolve: (result: unknown) => void
  reject: (error: Error) => void
}

/** Returns the frame when it has the shape of a WsServerFrame, otherwise null. */
export function parseServerFrame(data: unknown): WsServerFrame | null {
  if (typeof data !== 'string') return null
  let frame: unknown
  try {
    frame = JSON.parse(data)
  } catch {
    return null
  }
  if (typeof frame !== 'object' || frame === null) return null
  const f = frame as Record<string, unknown>
  if (f.kind === 'events') return Array.isArray(f.events) ? (f as WsServerFrame) : null
  if (f.kind !== 'response' || typeof f.id !== 'number' || typeof f.ok !== 'boolean') return null
  if (f.ok) return f as WsServerFrame
  const error = f.error as Record<string, unknown> | undefined
  return error && typeof error.code === 'string' && typeof error.message === 'string' ? (f as WsServerFrame) : null
}

export function reconnectDelayMs(attempt: number, backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1))
}

export function createWebSocketClient(options: WebSocketClientOptions): StudioClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike)
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const pending = new Map<number, PendingRequest>()
  const eventListeners = new Set<(events: StudioEvent[]) => void>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  let state: ConnectionState = { status: 'connecting', attempt: 0, retryInMs: null, detail: null }
  let socket: WebSocketLike | null = null
  let nextId = 1
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let disposed = false

  function setState(next: ConnectionState): void {
    state = next
    for (const listener of connectionListeners) listener(state)
  }

  function flush(): void {
    if (!socket || socket.readyState !== OPEN) return
    for (const request of pending.values()) {
      if (request.sent) continue
      socket.send(JSON.stringify(request.frame))
      request.sent = true
    }
  }

  function handleFrame(frame: WsServerFrame): void {
    if (frame.kind === 'events') {
      for (const listener of eventListeners) listener(frame.events)
      return
    }
    const request = pending.get(frame.id)
    if (!request) return // answer to a request that was already given up (closed socket)
    pending.delete(frame.id)
    if (frame.ok) request.resolve(frame.result)
    else request.reject(new StudioClientError(frame.error.code, frame.error.message))
  }

  function connect(): void {
    retryTimer = null
    const ws = createSocket(options.url)
    socket = ws
    ws.onopen = () => {
      if (socket !== ws) return
      setState({ status: 'connected', attempt: 0, retryInMs: null, detail: null })
      flush()
    }
    ws.onmessage = (event) => {
      if (socket !== ws) return
      const frame = parseServerFrame(event.data)
      if (frame) handleFrame(frame)
      else console.warn('ligo serve sent a frame that is not a WsServerFrame; ignored:', String(event.data).slice(0, 200))
    }
    ws.onerror = () => {} // always followed by close, which carries the details
    ws.onclose = (event) => {
      if (socket !== ws) return
      socket = null
      const detail = event.reason || `connection closed (code ${event.code})`
      for (const [id, request] of pending) {
        if (!request.sent) continue
        pending.delete(id)
        request.reject(
          new StudioClientError('disconnected', `The connection to ligo serve closed before it answered ${request.frame.method}: ${detail}.`),
        )
      }
      if (disposed) return
      const attempt = state.attempt + 1
      const retryInMs = reconnectDelayMs(attempt, backoff)
      setState({ status: 'disconnected', attempt, retryInMs, detail })
      retryTimer = setTimeout(() => {
        setState({ ...state, status: 'connecting', retryInMs: null })
        connect()
      }, retryInMs)
    }
  }

  function request<M extends StudioMethod>(method: M, params: StudioParams<M>): Promise<StudioResult<M>> {
    if (disposed) return Promise.reject(new StudioClientError('disconnected', `The client is closed; ${method} was not sent.`))
    try {
      validateStudioParams(method, params)
    } catch (error) {
      return Promise.reject(new StudioClientError(errorCodeOf(error) ?? 'invalid_request', errorMessageOf(error)))
    }
    return new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { frame: { kind: 'request', id, method, params }, sent: false, resolve: resolve as (r: unknown) => void, reject })
      flush()
    })
  }

  async function inspectDroppedFile(file: File, inspectOptions?: InspectOptions): Promise<DroppedItemReport> {
    if (inspectOptions?.isDirectory) throw folderInBrowserError(file.name)
    return request('inspectUpload', await readUploadHead(file))
  }

  connect()

  const calls = Object.fromEntries(
    clientMethods(STUDIO_METHODS).map((method) => [method, (params?: unknown) => request(method, (params ?? {}) as StudioParams<typeof method>)]),
  ) as unknown as ClientCalls

  return {
    ...calls,
    mode: 'browser',
    cancelTask: (taskId) => request('cancelTask', { taskId }),
    inspectDroppedFile,
    importFiles: (files, importOptions) => uploadFiles(request, files, importOptions),
    onEvents(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    getConnectionState: () => state,
    onConnectionChange(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    dispose() {
      disposed = true
      if (retryTimer) clearTimeout(retryTimer)
      const ws = socket
      socket = null
      ws?.close(1000, 'page closed')
      for (const request of pending.values()) request.reject(new StudioClientError('disconnected', 'The client was closed.'))
      pending.clear()
    },
  }
}
