/**
 * Chunked uploads of `ligo serve` (shared/upload.ts): a browser cannot hand over a path, so a dropped file is
 * sent in ordered chunks into <workspace>/uploads/.partial-<id>, renamed to its own name when complete (never
 * over an existing file), then imported like a desktop drop. A bad file is deleted again and its parser error
 * returned; cancelling deletes the partial file. The size limit is `ligo serve --max-upload` (default 4 GB).
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { StudioError, UPLOAD_CHUNK_BYTES, type ImportOutcome } from '../../shared'
import type { Handlers, StudioContext } from '../studio-context'
import { importFailure, importOutcome } from './model-handlers'

type UploadMethods = 'beginUpload' | 'uploadChunk' | 'finishUpload' | 'cancelUpload'

/** Uploads open at once (each holds a file handle). */
export const MAX_OPEN_UPLOADS = 8

interface OpenUpload {
  id: string
  name: string
  sizeBytes: number
  received: number
  partialPath: string
  handle: FileHandle
  /** Chunks are written one at a time, in order. */
  busy: boolean
}

function bareName(name: string): string {
  if (/[/\\]/.test(name) || name === '.' || name === '..' || name.startsWith('.')) {
    throw new StudioError('invalid_request', `Invalid request: beginUpload params.name must be a plain file name, got "${name.slice(0, 80)}"`)
  }
  return name
}

/** uploads/<name>, or <stem>-1<ext>, <stem>-2<ext>... when taken: an upload never replaces a file. */
function freePath(folder: string, name: string): string {
  const ext = extname(name)
  const stem = name.slice(0, name.length - ext.length)
  let candidate = join(folder, name)
  for (let n = 1; existsSync(candidate); n++) candidate = join(folder, `${stem}-${n}${ext}`)
  return candidate
}

export interface UploadHandlers extends Handlers<UploadMethods> {
  /** Closes and deletes every unfinished upload (shutdown). */
  dispose(): Promise<void>
}

export function createUploadHandlers(context: StudioContext, maxBytes: number): UploadHandlers {
  const uploads = new Map<string, OpenUpload>()

  const take = (uploadId: string): OpenUpload => {
    const upload = uploads.get(uploadId)
    if (!upload) throw new StudioError('not_found', `No upload "${uploadId}" in progress (finished, cancelled or never started)`)
    return upload
  }

  const discard = async (upload: OpenUpload) => {
    uploads.delete(upload.id)
    await upload.handle.close().catch(() => {})
    await rm(upload.partialPath, { force: true })
  }

  return {
    beginUpload: async ({ name, sizeBytes }) => {
      if (context.host !== 'serve') throw new StudioError('unsupported', 'Uploads are for the browser; the desktop app imports files where they are (importPaths)')
      const fileName = bareName(name)
      if (sizeBytes > maxBytes) {
        throw new StudioError('invalid_request', `${fileName} is ${sizeBytes} bytes, over this server's upload limit of ${maxBytes} bytes (ligo serve --max-upload)`)
      }
      if (uploads.size >= MAX_OPEN_UPLOADS) throw new StudioError('invalid_request', `${MAX_OPEN_UPLOADS} uploads are already in progress; finish or cancel one first`)
      const id = randomBytes(12).toString('base64url')
      const partialPath = join(context.workspace().uploads, `.partial-${id}`)
      const handle = await open(partialPath, 'wx')
      uploads.set(id, { id, name: fileName, sizeBytes, received: 0, partialPath, handle, busy: false })
      return { uploadId: id, chunkBytes: UPLOAD_CHUNK_BYTES, maxBytes }
    },
    uploadChunk: async ({ uploadId, offset, dataBase64 }) => {
      const upload = take(uploadId)
      if (upload.busy) throw new StudioError('invalid_request', `Upload ${uploadId}: send the next chunk after the previous one is answered`)
      if (offset !== upload.received) throw new StudioError('invalid_request', `Upload ${uploadId}: chunk at offset ${offset}, expected ${upload.received}`)
      const data = Buffer.from(dataBase64, 'base64')
      if (data.length === 0) throw new StudioError('invalid_request', `Upload ${uploadId}: empty chunk`)
      if (upload.received + data.length > upload.sizeBytes) {
        await discard(upload)
        throw new StudioError('invalid_request', `Upload ${uploadId} (${upload.name}): more bytes than the ${upload.sizeBytes} announced; the upload was cancelled`)
      }
      upload.busy = true
      try {
        await upload.handle.write(data, 0, data.length, offset)
        upload.received += data.length
      } finally {
        upload.busy = false
      }
      return { uploadId, receivedBytes: upload.received, sizeBytes: upload.sizeBytes }
    },
    finishUpload: async ({ uploadId }): Promise<ImportOutcome> => {
      const upload = take(uploadId)
      if (upload.received !== upload.sizeBytes) {
        throw new StudioError('invalid_request', `Upload ${uploadId} (${upload.name}): ${upload.received} of ${upload.sizeBytes} bytes received; send the rest first`)
      }
      uploads.delete(uploadId)
      await upload.handle.sync()
      await upload.handle.close()
      const path = freePath(context.workspace().uploads, upload.name)
      await rename(upload.partialPath, path)
      try {
        const outcome = importOutcome(context, upload.name, await context.library().importPath(path, 'upload', upload.name))
        context.emit({ type: 'library.changed', reason: 'imported' })
        return outcome
      } catch (error) {
        await rm(path, { force: true }) // nothing is added: the uploaded copy of a bad file goes again
        const failure = importFailure(upload.name, error)
        if (!failure.ok) failure.error.message = failure.error.message.split(path).join(upload.name)
        return failure
      }
    },
    cancelUpload: async ({ uploadId }) => {
      const upload = uploads.get(uploadId)
      if (!upload) return { cancelled: false }
      await discard(upload)
      return { cancelled: true }
    },
    async dispose() {
      await Promise.all([...uploads.values()].map(discard))
    },
  }
}
