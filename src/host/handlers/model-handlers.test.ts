import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadSeedIndex } from '../../engine/seeds'
import { PRESETS } from '../../engine/models/presets'
import { parameterCount } from '../../engine/models/param-count'
import type { ImportOutcome, ModelDetail, ModelSummary } from '../../shared'
import { studioRejection as rejection } from '../../../test/helpers/studio-rejection'
import { safetensorsBytes } from '../../../test/fixtures/bad-checkpoints/builders'
import { studioHarness, type StudioHarness } from '../testing/studio-harness'

const REPO = resolve(import.meta.dirname, '../../..')
const SEEDS = join(REPO, 'resources/seeds')
const ROBERTA = join(REPO, 'test/reference/synthetic/roberta-mlm')

describe('model zoo handlers', () => {
  let h: StudioHarness
  let files: string
  beforeAll(() => {
    files = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-import-')))
    mkdirSync(join(files, 'roberta'))
    for (const name of ['config.json', 'model.safetensors']) copyFileSync(join(ROBERTA, name), join(files, 'roberta', name))
    writeFileSync(join(files, 'random.bin'), Buffer.from('this is not a checkpoint at all, just some text bytes'))
    writeFileSync(join(files, 'truncated.safetensors'), Buffer.from([1, 2, 3, 4, 5]))
    // A valid safetensors file whose names belong to no architecture.
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })
    writeFileSync(join(files, 'unknown.safetensors'), safetensorsBytes(header, new Uint8Array(8)))
  })
  afterAll(() => rmSync(files, { recursive: true, force: true }))
  beforeEach(() => {
    h = studioHarness({ seedsDir: SEEDS })
  })
  afterEach(() => h.close())

  it('lists every preset and every built-in seed with sizes, parameters, FLOPs and the memory estimate', async () => {
    const cards = await h.invoke<ModelSummary[]>('listModels')
    const presets = cards.filter((c) => c.source.kind === 'preset')
    expect(presets.map((c) => c.id)).toEqual(PRESETS.map((p) => `preset:${p.id}`))
    const base = cards.find((c) => c.id === 'preset:bert-base')!
    // BERT-Base: 12 layers, 768 hidden, 12 heads, FFN 3072; the parameter count of the preset table's comment.
    expect(base).toMatchObject({ family: 'bert', modality: 'text', sizes: { layers: 12, hidden: 768, heads: 12, ffn: 3072 }, parameters: 109_514_298, sizeBytes: null })
    expect(base.forwardFlopsUnit).toBe('token')
    // Forward FLOPs per token are at least 2 per parameter of the blocks (one multiply-add each).
    expect(base.forwardFlops).toBeGreaterThan(2 * 12 * (4 * 768 * 768 + 2 * 768 * 3072))
    expect(base.training.batchSize).toBe(16)
    expect(base.training.estimatedBytes).toBeGreaterThan(4 * 4 * base.parameters) // weights, grads, two AdamW moments
    expect(base.training.fits).toBe(base.training.estimatedBytes <= base.training.availableBytes!)
    const seeds = cards.filter((c) => c.source.kind === 'builtin')
    const index = loadSeedIndex(SEEDS)
    expect(seeds.map((c) => c.id).sort()).toEqual(index.seeds.map((s) => `seed:${s.name}`).sort())
    for (const seed of index.seeds) {
      const card = seeds.find((c) => c.id === `seed:${seed.name}`)!
      expect(card.parameters).toBe(seed.parameters)
      expect(card.sizeBytes).toBe(seed.bytes)
      expect(card.family).toBe(seed.family)
    }
    expect(cards.find((c) => c.id === 'seed:vit-mnist')?.forwardFlopsUnit).toBe('image')
  })

  it('filters by search, family, source and size, and sorts', async () => {
    const gpt = await h.invoke<ModelSummary[]>('listModels', { query: { families: ['gpt2'], sources: ['preset'], sort: 'parameters', order: 'desc' } })
    expect(gpt.length).toBeGreaterThan(1)
    expect(gpt.every((c) => c.family === 'gpt2' && c.source.kind === 'preset')).toBe(true)
    expect(gpt.map((c) => c.parameters)).toEqual([...gpt.map((c) => c.parameters)].sort((a, b) => b - a))
    const small = await h.invoke<ModelSummary[]>('listModels', { query: { maxParameters: 1_000_000 } })
    expect(small.length).toBeGreaterThan(0)
    expect(small.every((c) => c.parameters <= 1_000_000)).toBe(true)
    const search = await h.invoke<ModelSummary[]>('listModels', { query: { search: 'MOBY' } })
    expect(search.map((c) => c.id).sort()).toEqual(['seed:bert-moby', 'seed:gpt2-moby'])
  })

  it('opens a seed: config, the tensor table from the header, and a one-link lineage', async () => {
    const detail = await h.invoke<ModelDetail>('getModel', { id: 'seed:bert-moby' })
    expect(detail.config).toMatchObject({ family: 'bert', numLayers: 2, hiddenSize: 128 })
    expect(detail.weightsPath).toBe(join(SEEDS, 'bert-moby', 'model.safetensors'))
    const header = readFileSync(detail.weightsPath!)
    const names = Object.keys(JSON.parse(header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString())).filter((k) => k !== '__metadata__')
    expect(detail.tensors.map((t) => t.name).sort()).toEqual(names.sort())
    for (const t of detail.tensors) expect(t.bytes).toBe(t.shape.reduce((a, b) => a * b, 1) * 4)
    expect(detail.lineage).toEqual([{ modelId: 'seed:bert-moby', name: 'bert-moby', made: null }])
  })

  it('opens a preset without files and refuses an unknown id with not_found', async () => {
    const detail = await h.invoke<ModelDetail>('getModel', { id: 'preset:bert-mini' })
    expect(detail.tensors).toEqual([])
    expect(detail.summary.parameters).toBe(parameterCount(PRESETS.find((p) => p.id === 'bert-mini')!.config))
    const error = await rejection(h.invoke('getModel', { id: 'preset:nope' }))
    expect(error.code).toBe('not_found')
    expect(error.message).toMatch(/Unknown model preset "nope"/)
    expect((await rejection(h.invoke('getModel', { id: '../etc' }))).code).toBe('invalid_request')
  })

  it('imports by reference; bad files fail alone with the parser error naming the file; nothing bad is added', async () => {
    const paths = [join(files, 'roberta'), join(files, 'random.bin'), join(files, 'truncated.safetensors'), join(files, 'unknown.safetensors'), join(files, 'missing.bin')]
    const outcomes = await h.invoke<ImportOutcome[]>('importPaths', { paths })
    expect(outcomes.map((o) => [o.path, o.ok])).toEqual(paths.map((p, i) => [p, i === 0]))
    const [good, random, truncated, unknown, missing] = outcomes
    expect(good.ok && good.model).toMatchObject({ family: 'roberta', source: { kind: 'imported', path: join(files, 'roberta') } })
    const errorOf = (o: ImportOutcome) => (o.ok ? null : o.error)
    expect(errorOf(random)?.message).toContain('random.bin')
    expect(errorOf(truncated)).toMatchObject({ code: 'invalid_request' })
    expect(errorOf(truncated)?.message).toContain('truncated.safetensors')
    expect(errorOf(truncated)?.message).toContain('too short for a safetensors file')
    expect(errorOf(unknown)?.message).toContain('unknown.safetensors')
    expect(errorOf(missing)).toMatchObject({ code: 'not_found' })
    const library = JSON.parse(readFileSync(join(h.workspaceDir, 'library', 'index.json'), 'utf8')) as { models: Array<{ path: string; sizeBytes: number; fingerprint: string; origin: string }> }
    expect(library.models).toHaveLength(1)
    expect(library.models[0]).toMatchObject({ path: join(files, 'roberta'), origin: 'reference' })
    expect(library.models[0].fingerprint).toMatch(/^[0-9a-f]{64}$/)
    await h.waitForEvent((e) => e.type === 'library.changed')
    // listed, and opened from the zoo
    const cards = await h.invoke<ModelSummary[]>('listModels', { query: { sources: ['imported'] } })
    expect(cards.map((c) => c.id)).toEqual([good.ok ? good.model.id : ''])
    const again = await h.invoke<ImportOutcome[]>('importPaths', { paths: [join(files, 'roberta')] })
    expect(again[0]).toMatchObject({ ok: true, alreadyInLibrary: true })
  })

  it('removes an imported model from the library without deleting the file it references', async () => {
    const [outcome] = await h.invoke<ImportOutcome[]>('importPaths', { paths: [join(files, 'roberta')] })
    const id = outcome.ok ? outcome.model.id : ''
    expect(await h.invoke('removeModel', { id })).toEqual({ removed: true, deletedFiles: [] })
    expect(existsSync(join(files, 'roberta', 'model.safetensors'))).toBe(true)
    expect(await h.invoke('removeModel', { id })).toEqual({ removed: false, deletedFiles: [] })
    expect((await rejection(h.invoke('removeModel', { id: 'seed:bert-moby' }))).message).toMatch(/Only imported models/)
    expect((await rejection(h.invoke('getModel', { id }))).code).toBe('not_found')
  })

  it('keeps a moved import out of the list and says where it was when opened', async () => {
    const copy = join(files, 'moved')
    mkdirSync(copy)
    for (const name of ['config.json', 'model.safetensors']) copyFileSync(join(ROBERTA, name), join(copy, name))
    const [outcome] = await h.invoke<ImportOutcome[]>('importPaths', { paths: [copy] })
    rmSync(copy, { recursive: true })
    const id = outcome.ok ? outcome.model.id : ''
    expect((await h.invoke<ModelSummary[]>('listModels')).some((c) => c.id === id)).toBe(false)
    const error = await rejection(h.invoke('getModel', { id }))
    expect(error.message).toContain(`the file ${copy} is gone`)
  })

  it('moves an unreadable library index aside instead of failing or deleting it', async () => {
    h.close()
    h = studioHarness({ seedsDir: SEEDS })
    mkdirSync(join(h.workspaceDir, 'library'), { recursive: true })
    writeFileSync(join(h.workspaceDir, 'library', 'index.json'), '{ not json')
    const cards = await h.invoke<ModelSummary[]>('listModels', { query: { sources: ['imported'] } })
    expect(cards).toEqual([])
    const notice = await h.waitForEvent((e) => e.type === 'app.error')
    expect(notice && 'message' in notice && notice.message).toMatch(/could not be read .* moved to .*index\.json\.unreadable-/)
  })
})
