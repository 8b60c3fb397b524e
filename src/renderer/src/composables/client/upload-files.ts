/**
 * Browser imports (`ligo serve`): each file goes up in ordered chunks (beginUpload, uploadChunk..., finishUpload),
 * then the host imports it. One outcome per file, in order; a failure (a bad checkpoint, a lost connection, an
 * abort) is that file's outcome, and an abort also skips the files after it. Framework-free for tests.
 */
import type { ImportOutcome } from '../../../../shared/models'
import type { StudioMethod, StudioParams, StudioResult } from '../../../../shared/studio-api'
import { errorCodeOf, errorMessageOf, type ImportFilesOptions } from './studio-client'
import { bytesToBase64, folderInBrowserError } from './upload-head'

export type Request = <M extends StudioMethod>(method: M, params: StudioParams<M>) => Promise<StudioResult<M>>

function failure(name: string, code: string, message: string): ImportOutcome {
  return { ok: false, path: name, error: { code, message } }
}

async function readChunk(file: File, start: number, end: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer())
  } catch {
    // Chromium hands folders over as Files whose reads fail.
    throw folderInBrowserError(file.name)
  }
}

async function uploadOne(request: Request, file: File, index: number, options: ImportFilesOptions): Promise<ImportOutcome> {
  if (file.size === 0) return failure(file.name, 'invalid_request', `${file.name} is empty (0 bytes), not a checkpoint`)
  const { uploadId, chunkBytes } = await request('beginUpload', { name: file.name, sizeBytes: file.size })
  try {
    for (let offset = 0; offset < file.size; offset += chunkBytes) {
      if (options.signal?.aborted) throw Object.assign(new Error(`The upload of ${file.name} was cancelled`), { code: 'cancelled' })
      const bytes = await readChunk(file, offset, Math.min(file.size, offset + chunkBytes))
      const progress = await request('uploadChunk', { uploadId, offset, dataBase64: bytesToBase64(bytes) })
      options.onProgress?.({ index, name: file.name, sentBytes: progress.receivedBytes, totalBytes: file.size })
    }
    return await request('finishUpload', { uploadId })
  } catch (error) {
    await request('cancelUpload', { uploadId }).catch(() => undefined)
    throw error
  }
}

export async function uploadFiles(request: Request, files: readonly File[], options: ImportFilesOptions = {}): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = []
  for (const [index, file] of files.entries()) {
    if (options.signal?.aborted) {
      outcomes.push(failure(file.name, 'cancelled', `Not imported: the import was cancelled before ${file.name}`))
      continue
    }
    try {
      outcomes.push(await uploadOne(request, file, index, options))
    } catch (error) {
      outcomes.push(failure(file.name, errorCodeOf(error) ?? 'engine_error', errorMessageOf(error)))
    }
  }
  return outcomes
}
