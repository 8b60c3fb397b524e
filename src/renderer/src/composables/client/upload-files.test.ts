// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { ImportOutcome } from '../../../../shared/models'
import { fromBase64 } from '../../testing/base64'
import { StudioClientError } from './studio-client'
import { uploadFiles, type Request } from './upload-files'

/** Plays the host: stores chunks per upload, checks their order, answers finishUpload with an outcome. */
function fakeHost(options: { chunkBytes: number; bad?: string[] }) {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = []
  const received = new Map<string, number[]>()
  let next = 0
  const request = (async (method: string, params: Record<string, unknown>) => {
    calls.push({ method, params })
    switch (method) {
      case 'beginUpload': {
        const uploadId = `upload-${++next}`
        received.set(uploadId, [])
        return { uploadId, chunkBytes: options.chunkBytes, maxBytes: 1000 }
      }
      case 'uploadChunk': {
        const bytes = received.get(params.uploadId as string)!
        if (params.offset !== bytes.length) throw new StudioClientError('invalid_request', 'out of order')
        bytes.push(...fromBase64(params.dataBase64 as string))
        return { uploadId: params.uploadId, receivedBytes: bytes.length, sizeBytes: 0 }
      }
      case 'finishUpload': {
        const name = calls.find((c) => c.method === 'beginUpload' && `upload-${calls.filter((d) => d.method === 'beginUpload').indexOf(c) + 1}` === params.uploadId)!.params.name as string
        if (options.bad?.includes(name)) return { ok: false, path: name, error: { code: 'invalid_request', message: `${name}: not a checkpoint` } }
        return { ok: true, path: name, model: { id: `lib:${name}` }, alreadyInLibrary: false }
      }
      case 'cancelUpload':
        return { cancelled: true }
    }
    throw new Error(`unexpected ${method}`)
  }) as unknown as Request
  return { request, calls, received }
}

describe('uploadFiles', () => {
  it('sends each file in ordered chunks with progress; one bad file fails alone', async () => {
    const host = fakeHost({ chunkBytes: 4, bad: ['b.bin'] })
    const a = new File([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])], 'a.safetensors')
    const b = new File([new Uint8Array([9, 9])], 'b.bin')
    const progress: number[] = []
    const outcomes = await uploadFiles(host.request, [a, new File([], 'empty.bin'), b], { onProgress: (p) => progress.push(p.sentBytes) })
    expect(outcomes.map((o: ImportOutcome) => [o.path, o.ok])).toEqual([
      ['a.safetensors', true],
      ['empty.bin', false],
      ['b.bin', false],
    ])
    expect(outcomes[1].ok === false && outcomes[1].error.message).toMatch(/empty \(0 bytes\)/)
    expect(host.received.get('upload-1')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(host.calls.filter((c) => c.method === 'uploadChunk' && c.params.uploadId === 'upload-1').map((c) => c.params.offset)).toEqual([0, 4, 8])
    expect(progress).toEqual([4, 8, 10, 2])
  })

  it('an abort cancels the upload in progress on the host and skips the files after it', async () => {
    const host = fakeHost({ chunkBytes: 2 })
    const controller = new AbortController()
    const big = new File([new Uint8Array(10)], 'big.bin')
    const outcomes = await uploadFiles(host.request, [big, new File([new Uint8Array(3)], 'next.bin')], {
      signal: controller.signal,
      onProgress: (p) => p.sentBytes >= 4 && controller.abort(),
    })
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['cancelled', 'cancelled'])
    expect(host.calls.map((c) => c.method)).toEqual(['beginUpload', 'uploadChunk', 'uploadChunk', 'cancelUpload'])
  })
})
