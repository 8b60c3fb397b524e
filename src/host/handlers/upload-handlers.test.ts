import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UPLOAD_CHUNK_BYTES, type ImportOutcome, type ModelSummary, type UploadStart } from '../../shared'
import { studioRejection as rejection } from '../../../test/helpers/studio-rejection'
import { studioHarness, type StudioHarness } from '../testing/studio-harness'

const WEIGHTS = readFileSync(resolve(import.meta.dirname, '../../../resources/seeds/bert-moby/model.safetensors'))

/** Sends `bytes` in chunks of `chunk` bytes; returns the finish outcome. */
async function upload(h: StudioHarness, name: string, bytes: Buffer, chunk = UPLOAD_CHUNK_BYTES): Promise<ImportOutcome> {
  const start = await h.invoke<UploadStart>('beginUpload', { name, sizeBytes: bytes.length })
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    await h.invoke('uploadChunk', { uploadId: start.uploadId, offset, dataBase64: bytes.subarray(offset, offset + chunk).toString('base64') })
  }
  return h.invoke<ImportOutcome>('finishUpload', { uploadId: start.uploadId })
}

describe('chunked uploads (ligo serve)', () => {
  let h: StudioHarness
  beforeEach(() => {
    h = studioHarness({ host: 'serve', maxUploadBytes: 8 * 1024 * 1024 })
  })
  afterEach(() => h.close())

  it('uploads a checkpoint in chunks into uploads/ and imports it as an upload', async () => {
    const outcome = await upload(h, 'bert.safetensors', WEIGHTS)
    expect(outcome).toMatchObject({ ok: true, path: 'bert.safetensors', model: { family: 'bert', source: { kind: 'uploaded', fileName: 'bert.safetensors' } } })
    const stored = join(h.workspaceDir, 'uploads', 'bert.safetensors')
    expect(readFileSync(stored).equals(WEIGHTS)).toBe(true)
    // the same name again never replaces the first file
    await upload(h, 'bert.safetensors', WEIGHTS)
    expect(readdirSync(join(h.workspaceDir, 'uploads')).sort()).toEqual(['bert-1.safetensors', 'bert.safetensors'])
    const cards = await h.invoke<ModelSummary[]>('listModels', { query: { sources: ['uploaded'] } })
    expect(cards).toHaveLength(2)
    // removing an uploaded model deletes its copy in the workspace
    const removed = await h.invoke<{ deletedFiles: string[] }>('removeModel', { id: outcome.ok ? outcome.model.id : '' })
    expect(removed.deletedFiles).toEqual([stored])
    expect(existsSync(stored)).toBe(false)
  })

  it('a bad file is refused with its parser error naming the file, and its copy is deleted', async () => {
    const truncated = WEIGHTS.subarray(0, 1000)
    const outcome = await upload(h, 'half.safetensors', truncated)
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && outcome.error.message).toContain('half.safetensors')
    expect(!outcome.ok && outcome.error.message).not.toContain(h.workspaceDir)
    expect(readdirSync(join(h.workspaceDir, 'uploads'))).toEqual([])
    const random = await upload(h, 'notes.txt', Buffer.from('hello, this is not a model'))
    expect(random.ok).toBe(false)
    expect(readdirSync(join(h.workspaceDir, 'uploads'))).toEqual([])
  })

  it('enforces the size limit, the order of chunks and the announced size; cancel deletes the partial file', async () => {
    const tooBig = await rejection(h.invoke('beginUpload', { name: 'big.bin', sizeBytes: 8 * 1024 * 1024 + 1 }))
    expect(tooBig.message).toMatch(/over this server's upload limit of 8388608 bytes \(ligo serve --max-upload\)/)
    expect((await rejection(h.invoke('beginUpload', { name: '../x.bin', sizeBytes: 10 }))).message).toMatch(/plain file name/)

    const start = await h.invoke<UploadStart>('beginUpload', { name: 'w.safetensors', sizeBytes: 10 })
    expect(start.chunkBytes).toBe(UPLOAD_CHUNK_BYTES)
    const data = (n: number) => Buffer.alloc(n, 1).toString('base64')
    expect((await rejection(h.invoke('uploadChunk', { uploadId: start.uploadId, offset: 4, dataBase64: data(4) }))).message).toMatch(/offset 4, expected 0/)
    await h.invoke('uploadChunk', { uploadId: start.uploadId, offset: 0, dataBase64: data(4) })
    expect((await rejection(h.invoke('finishUpload', { uploadId: start.uploadId }))).message).toMatch(/4 of 10 bytes received/)
    expect(readdirSync(join(h.workspaceDir, 'uploads'))).toHaveLength(1)
    expect(await h.invoke('cancelUpload', { uploadId: start.uploadId })).toEqual({ cancelled: true })
    expect(readdirSync(join(h.workspaceDir, 'uploads'))).toEqual([])
    expect(await h.invoke('cancelUpload', { uploadId: start.uploadId })).toEqual({ cancelled: false })

    const over = await h.invoke<UploadStart>('beginUpload', { name: 'w.safetensors', sizeBytes: 3 })
    expect((await rejection(h.invoke('uploadChunk', { uploadId: over.uploadId, offset: 0, dataBase64: data(4) }))).message).toMatch(/more bytes than the 3 announced/)
    expect(readdirSync(join(h.workspaceDir, 'uploads'))).toEqual([])
  })

  it('refuses uploads on the desktop, which imports by reference', async () => {
    h.close()
    h = studioHarness({ host: 'desktop' })
    expect((await rejection(h.invoke('beginUpload', { name: 'a.bin', sizeBytes: 3 }))).code).toBe('unsupported')
  })

  it('serve refuses importPaths outside the workspace (its page cannot pick server paths)', async () => {
    const [outcome] = await h.invoke<ImportOutcome[]>('importPaths', { paths: [resolve(import.meta.dirname, '../../../resources/seeds/bert-moby')] })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(!outcome.ok && outcome.error.message).toMatch(/outside the workspace .*upload the file instead/)
  })
})
