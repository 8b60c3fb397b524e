/**
 * The WebSocket half of `ligo serve`: WsClientFrame requests go to StudioService.invoke (the same validation as
 * desktop IPC) and come back as WsServerFrame responses; event batches are pushed to every socket.
 * The HTTP server authorises the upgrade (token and Origin) before handing the socket over.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { isPlainObject, serializeError, type StudioEvent, type WsServerFrame } from '../../shared'

/** Largest frame a client may send: requests are small; SNIFF_HEAD_BYTES of base64 is ~5.5 KB. */
export const MAX_FRAME_BYTES = 1024 * 1024
/** A client that lets this much pile up unread is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024
/** WebSocket close code 1003: "unsupported data" (RFC 6455 §7.4.1). */
export const CLOSE_UNSUPPORTED_DATA = 1003

export interface StudioEndpoint {
  invoke(method: string, params: unknown): Promise<unknown>
  onEvents(listener: (events: StudioEvent[]) => void): () => void
}

export interface WsBridge {
  /** Completes an HTTP upgrade that the caller has already authorised. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void
  readonly clientCount: number
  /** Closes every socket (1001 "going away") and stops listening for events. */
  close(): Promise<void>
}

type ParsedFrame = { ok: true; id: number; method: string; params: unknown } | { ok: false; id: number | null; message: string }

/** Reads a client frame; says which request id to answer when the frame is wrong but has an id. */
export function parseClientFrame(text: string): ParsedFrame {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, id: null, message: 'Frame is not valid JSON' }
  }
  if (!isPlainObject(value)) return { ok: false, id: null, message: 'Frame must be a JSON object' }
  const { id, kind, method, params } = value
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { ok: false, id: null, message: 'Frame has no valid "id" (a non-negative integer)' }
  }
  const extra = Object.keys(value).filter((k) => !['id', 'kind', 'method', 'params'].includes(k))
  if (kind !== 'request') return { ok: false, id, message: `Invalid request: frame.kind must be "request", got ${JSON.stringify(kind)?.slice(0, 40)}` }
  if (typeof method !== 'string') return { ok: false, id, message: 'Invalid request: frame.method must be a string' }
  if (extra.length > 0) return { ok: false, id, message: `Invalid request: frame has unknown field "${extra[0].slice(0, 40)}" (expected id, kind, method, params)` }
  return { ok: true, id, method, params }
}

function send(socket: WebSocket, frame: WsServerFrame): void {
  if (socket.readyState !== socket.OPEN) return
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.terminate()
    return
  }
  socket.send(JSON.stringify(frame))
}

export function createWsBridge(service: StudioEndpoint): WsBridge {
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })

  /** Uploads each socket began and has not finished: a client that goes away leaves no partial file behind. */
  const uploadsOf = new WeakMap<WebSocket, Set<string>>()
  const trackUploads = (socket: WebSocket, method: string, params: unknown, result: unknown) => {
    const open = uploadsOf.get(socket) ?? new Set<string>()
    uploadsOf.set(socket, open)
    if (method === 'beginUpload' && isPlainObject(result) && typeof result.uploadId === 'string') open.add(result.uploadId)
    if ((method === 'finishUpload' || method === 'cancelUpload') && isPlainObject(params) && typeof params.uploadId === 'string') open.delete(params.uploadId)
  }
  const cancelUploads = (socket: WebSocket) => {
    for (const uploadId of uploadsOf.get(socket) ?? []) void service.invoke('cancelUpload', { uploadId }).catch(() => {})
    uploadsOf.delete(socket)
  }

  const handleMessage = (socket: WebSocket, data: RawData, isBinary: boolean) => {
    if (isBinary) {
      socket.close(CLOSE_UNSUPPORTED_DATA, 'Binary frames are not supported; send JSON text')
      return
    }
    const frame = parseClientFrame(data.toString())
    if (!frame.ok) {
      if (frame.id === null) socket.close(CLOSE_UNSUPPORTED_DATA, frame.message)
      else send(socket, { kind: 'response', id: frame.id, ok: false, error: { code: 'invalid_request', message: frame.message } })
      return
    }
    service.invoke(frame.method, frame.params).then(
      (result) => {
        trackUploads(socket, frame.method, frame.params, result)
        // The socket closed while the upload began: nobody can finish it.
        if (socket.readyState !== socket.OPEN) cancelUploads(socket)
        send(socket, { kind: 'response', id: frame.id, ok: true, result })
      },
      (error: unknown) => send(socket, { kind: 'response', id: frame.id, ok: false, error: serializeError(error) }),
    )
  }

  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => handleMessage(socket, data, isBinary))
    socket.on('close', () => cancelUploads(socket))
    // Errors (a frame over maxPayload, a broken connection) close the socket; without a listener they would throw.
    socket.on('error', () => socket.terminate())
  })

  const stopEvents = service.onEvents((events) => {
    for (const socket of server.clients) send(socket, { kind: 'events', events })
  })

  return {
    accept(request, socket, head) {
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request))
    },
    get clientCount() {
      return server.clients.size
    },
    async close() {
      stopEvents()
      const sockets = [...server.clients]
      for (const socket of sockets) socket.close(1001, 'ligo serve is shutting down')
      // Give clients a moment to answer the close handshake, then cut what is left.
      await new Promise((done) => setTimeout(done, sockets.length > 0 ? 200 : 0))
      for (const socket of server.clients) socket.terminate()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
