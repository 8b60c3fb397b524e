/**
 * The one interface the renderer uses to reach the app. Two implementations, chosen once in main.ts:
 * over the Electron preload bridge (desktop) and over the `ligo serve` WebSocket (browser).
 * Stores call it; components never do. It is framework-free so tests can drive it without Vue.
 */
import type { DroppedItemReport } from '../../../../shared/dropped'
import type { StudioEvent } from '../../../../shared/events'
import type { ImportOutcome } from '../../../../shared/models'
import type { StudioCalls, StudioMethod, Unsubscribe } from '../../../../shared/studio-api'

export type HostMode = 'desktop' | 'browser'

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected'

export interface ConnectionState {
  status: ConnectionStatus
  /** Reconnect attempts since the last successful connection (0 while connected). */
  attempt: number
  /** When disconnected: milliseconds until the next attempt. */
  retryInMs: number | null
  /** Why the last connection ended, in words, when known. */
  detail: string | null
}

export interface InspectOptions {
  /** The drop said this item is a folder (DataTransferItem.webkitGetAsEntry().isDirectory). */
  isDirectory?: boolean
}

/** Methods the clients keep to themselves: importFiles and inspectDroppedFile use them with the right transport. */
export const TRANSPORT_METHODS = ['cancelTask', 'inspectPath', 'inspectUpload', 'importPaths', 'beginUpload', 'uploadChunk', 'finishUpload', 'cancelUpload'] as const
export type TransportMethod = (typeof TRANSPORT_METHODS)[number]
/** Every other Studio method, one function each taking its params object (see src/shared/studio-api.ts). */
export type ClientCalls = Omit<StudioCalls, TransportMethod>
export type ClientMethod = Exclude<StudioMethod, TransportMethod>

export interface ImportProgress {
  /** Index of the file in the list given to importFiles. */
  index: number
  name: string
  sentBytes: number
  totalBytes: number
}

export interface ImportFilesOptions {
  /** Browser uploads: after each chunk. */
  onProgress?(progress: ImportProgress): void
  /** Aborting stops the upload in progress (its partial file is deleted) and skips the files after it. */
  signal?: AbortSignal
}

export interface StudioClient extends ClientCalls {
  readonly mode: HostMode
  cancelTask(taskId: string): Promise<{ cancelled: boolean }>
  /** Sniff a dropped or picked file (desktop: by its path, browser: by its first bytes). */
  inspectDroppedFile(file: File, options?: InspectOptions): Promise<DroppedItemReport>
  /**
   * Import dropped or picked files into the zoo, one outcome per file in order; one bad file does not stop the
   * others. Desktop: by reference (folders too). Browser: each file is uploaded in chunks, then imported.
   */
  importFiles(files: File[], options?: ImportFilesOptions): Promise<ImportOutcome[]>
  onEvents(listener: (events: StudioEvent[]) => void): Unsubscribe
  getConnectionState(): ConnectionState
  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe
  /** Stop listening and reconnecting (page teardown, tests). */
  dispose(): void
}

/**
 * A failed client call. `code` is one of the shared ERROR_CODES from the host, or a client-side one:
 * 'disconnected' (the connection closed before the answer came) or 'protocol' (a malformed frame).
 */
export class StudioClientError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'StudioClientError'
    this.code = code
  }
}

/** The error code of anything a client call rejected with, or null when it carries none. */
export function errorCodeOf(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { code: string }).code
  }
  return null
}

export function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export const CONNECTED: ConnectionState = Object.freeze({ status: 'connected', attempt: 0, retryInMs: null, detail: null })

/** The Studio methods a client exposes directly (everything but the transport ones). */
export function clientMethods(all: readonly StudioMethod[]): ClientMethod[] {
  return all.filter((m): m is ClientMethod => !(TRANSPORT_METHODS as readonly string[]).includes(m))
}
