/**
 * Chunked upload (`ligo serve`: the browser cannot hand over a path): begin, chunks in order as base64 inside
 * WebSocket frames, finish (which imports the file into the library) or cancel. Files land in the workspace's
 * uploads/ folder under a temporary name and are renamed only when complete.
 */

/** Raw bytes per chunk: base64 (4/3) plus the frame's JSON stays under the WebSocket frame limit (1 MiB). */
export const UPLOAD_CHUNK_BYTES = 512 * 1024
/** `ligo serve --max-upload` default: 4 GB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

export interface UploadStart {
  uploadId: string
  chunkBytes: number
  maxBytes: number
}

export interface UploadProgress {
  uploadId: string
  receivedBytes: number
  sizeBytes: number
}
