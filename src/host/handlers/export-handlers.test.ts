import { readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openZip } from '../../engine/io/formats/zip'
import { importCheckpoint } from '../../engine/io/import-checkpoint'
import type { ExportOutcome, ExportPlan } from '../../shared'
import { studioRejection as rejection } from '../../../test/helpers/studio-rejection'
import { studioHarness, type StudioHarness } from '../testing/studio-harness'

const SEEDS = resolve(import.meta.dirname, '../../../resources/seeds')

describe('planExport / exportModel', () => {
  let h: StudioHarness
  beforeEach(() => {
    h = studioHarness({ seedsDir: SEEDS })
  })
  afterEach(() => h.close())

  it('writes exactly the files the plan lists, with their sizes, and the export loads back to the same weights', async () => {
    const request = { model: 'seed:bert-moby', format: 'hf', dtype: 'f32', name: 'bert-export' }
    const plan = await h.invoke<ExportPlan>('planExport', request)
    const destination = join(h.workspaceDir, 'exports', 'bert-export')
    expect(plan.destination).toBe(destination)
    expect(plan.files.every((f) => !f.exists)).toBe(true)
    expect(plan.recipe.accelerate).toMatch(/^accelerate launch run_mlm_no_trainer\.py/)
    expect(plan.recipe.torchrun).toMatch(/^torchrun/)
    expect(readdirSync(join(h.workspaceDir, 'exports'))).toEqual([]) // the plan writes nothing
    const done = await h.invoke<ExportOutcome>('exportModel', { ...request, taskId: 'export-1' })
    expect(done.files).toEqual(plan.files.map(({ path, bytes }) => ({ path, bytes })))
    expect(readdirSync(destination).sort()).toEqual(plan.files.map((f) => f.path.slice(destination.length + 1)).sort())
    for (const file of plan.files) expect(statSync(file.path).size).toBe(file.bytes)
    expect(done.downloadUrl).toBeNull()
    const [source, exported] = [await importCheckpoint(join(SEEDS, 'bert-moby')), await importCheckpoint(destination)]
    expect(Object.keys(exported.params).sort()).toEqual(Object.keys(source.params).sort())
    for (const [name, p] of Object.entries(source.params)) expect(exported.params[name].data).toEqual(p.data)
    await h.waitForEvent((e) => e.type === 'task.progress' && e.taskId === 'export-1' && e.done === 1)

    // a second export to the same folder needs overwrite; the plan says which files would be replaced
    expect((await h.invoke<ExportPlan>('planExport', request)).files.every((f) => f.exists)).toBe(true)
    expect((await rejection(h.invoke('exportModel', { ...request, taskId: 'export-2' }))).message).toMatch(/not empty|force|overwrite/i)
    await h.invoke('exportModel', { ...request, taskId: 'export-3', overwrite: true })
  }, 120_000) // three exports and two imports of a seed: a hang detector for a loaded machine, not a speed check

  it('behind ligo serve, also zips the export beside its folder and answers the download path', async () => {
    const serve = studioHarness({ seedsDir: SEEDS, host: 'serve' })
    try {
      const done = await serve.invoke<ExportOutcome>('exportModel', { model: 'seed:gpt2-moby', format: 'hf', name: 'gpt2 export', taskId: 'zip-1' })
      expect(done.downloadUrl).toBe('/api/download/gpt2%20export.zip')
      const zip = await openZip(join(serve.workspaceDir, 'exports', 'gpt2 export.zip'))
      expect([...zip.entries.keys()].sort()).toEqual(done.files.map((f) => basename(f.path)).sort())
      for (const file of done.files) expect(zip.entries.get(basename(file.path))?.uncompressedSize).toBe(file.bytes)
    } finally {
      serve.close()
    }
  })

  it('writes only into the workspace or a folder chosen in the dialog; presets have no weights', async () => {
    const outside = join(tmpdir(), 'ligo-not-granted', 'export')
    expect((await rejection(h.invoke('planExport', { model: 'seed:bert-moby', format: 'hf', destination: outside }))).code).toBe('forbidden')
    expect((await rejection(h.invoke('planExport', { model: 'preset:bert-mini', format: 'hf' }))).message).toMatch(/no weights/)
    expect((await rejection(h.invoke('exportModel', { model: 'seed:bert-moby', format: 'onnx', taskId: 'x' }))).code).toBe('invalid_request')
  })
})
