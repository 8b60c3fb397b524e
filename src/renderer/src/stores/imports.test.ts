// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import type { ImportFilesOptions } from '../composables/client'
import { fakeClientPerTest, flushTasks } from '../testing/fake-client-per-test'
import { sampleImport } from '../testing/models'
import { useAnnouncerStore } from './announcer'
import { useImportsStore } from './imports'

const client = fakeClientPerTest('browser')
beforeEach(() => {
  window.location.hash = ''
})

describe('useImportsStore', () => {
  it('shows upload progress per file, then each outcome; one bad file does not stop the other', async () => {
    const imports = useImportsStore()
    const files = [new File([new Uint8Array(10)], 'good.bin'), new File([new Uint8Array(4)], 'bad.bin')]
    const running = imports.importFiles(files)
    const [passed, options] = client().calls.importFiles[0].args as [File[], ImportFilesOptions]
    expect(passed).toEqual(files)
    expect(imports.items.map((i) => i.status)).toEqual(['uploading', 'waiting'])
    options.onProgress!({ index: 0, name: 'good.bin', sentBytes: 5, totalBytes: 10 })
    expect(imports.items[0]).toMatchObject({ status: 'uploading', sentBytes: 5, totalBytes: 10 })
    options.onProgress!({ index: 1, name: 'bad.bin', sentBytes: 4, totalBytes: 4 })
    expect(imports.items.map((i) => i.status)).toEqual(['importing', 'importing'])
    client().calls.importFiles[0].resolve([
      { ok: true, path: 'good.bin', model: sampleImport(), alreadyInLibrary: false },
      { ok: false, path: 'bad.bin', error: { code: 'invalid_checkpoint', message: 'bad.bin: not a safetensors file (header length 0)' } },
    ])
    await flushTasks()
    client().calls.listModels.forEach((call) => call.resolve([]))
    await running
    expect(imports.items.map((i) => i.status)).toEqual(['done', 'failed'])
    expect(imports.items[1].error).toBe('bad.bin: not a safetensors file (header length 0)')
    expect(useAnnouncerStore().message).toBe('1 of 2 imported.')
    // Exactly one success: its card opens.
    expect(window.location.hash).toBe('#/zoo?model=lib%3Avit-dummy')
  })

  it('cancels through the abort signal', async () => {
    const imports = useImportsStore()
    const running = imports.importFiles([new File(['x'], 'a.bin')])
    const [, options] = client().calls.importFiles[0].args as [File[], ImportFilesOptions]
    expect(imports.busy).toBe(true)
    imports.cancel()
    expect(options.signal!.aborted).toBe(true)
    client().calls.importFiles[0].resolve([{ ok: false, path: 'a.bin', error: { code: 'cancelled', message: 'The upload of a.bin was cancelled' } }])
    await running
    expect(imports.busy).toBe(false)
    expect(imports.items[0].status).toBe('failed')
    expect(window.location.hash).toBe('')
  })
})
