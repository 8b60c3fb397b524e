/**
 * The seed registry on hand-made folders: where the seeds folder is found (env override, packaged app, upwards
 * from the code, working directory), index.json checks with messages naming the field, and name -> folder.
 * The shipped seeds themselves are checked in test/seeds/builtin-seeds.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findSeedsDir, isSeedName, loadSeedIndex, resolveSeed, seedDirCandidates, SeedRegistryError, type SeedEntry } from './seeds'

const root = mkdtempSync(join(tmpdir(), 'ligo-seeds-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function entry(overrides: Partial<SeedEntry> = {}): SeedEntry {
  return {
    name: 'tiny-bert',
    family: 'bert',
    task: 'masked-lm',
    description: 'a test seed',
    path: 'tiny-bert',
    format: 'hf',
    preset: 'bert-seed',
    data: 'moby-dick',
    sizes: { numLayers: 2, hiddenSize: 128 },
    parameters: 1000,
    bytes: 4000,
    files: ['config.json'],
    training: { steps: 1, examples: 16, flops: 1, trainLoss: 8, validation: { loss: 7.5, perplexity: 1808, examples: 16 }, wallSeconds: 1, date: '2026-01-01T00:00:00Z' },
    ...overrides,
  }
}

/** A seeds folder at `dir` with the given index contents and one folder per entry path. */
function seedsFolder(dir: string, index: unknown): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.json'), typeof index === 'string' ? index : JSON.stringify(index))
  const seeds = (index as { seeds?: Array<{ path?: string }> }).seeds
  if (Array.isArray(seeds)) for (const s of seeds) if (typeof s.path === 'string' && !s.path.includes('..')) mkdirSync(join(dir, s.path), { recursive: true })
  return dir
}

describe('finding the seeds folder', () => {
  const app = join(root, 'app')
  const seeds = seedsFolder(join(app, 'resources', 'seeds'), { version: 1, seeds: [entry()] })

  it('searches upwards from the code: source tree (src/engine) and bundle (out/main)', () => {
    for (const from of [join(app, 'src', 'engine'), join(app, 'out', 'main')]) {
      expect(findSeedsDir({ env: {}, fromDirs: [from], cwd: root })).toBe(seeds)
    }
  })

  it('prefers a packaged app\'s resources folder, and LIGO_SEEDS_DIR over everything', () => {
    const packaged = seedsFolder(join(root, 'Packaged', 'resources', 'seeds'), { version: 1, seeds: [] })
    expect(findSeedsDir({ env: {}, resourcesPath: join(root, 'Packaged', 'resources'), fromDirs: [join(app, 'src', 'engine')] })).toBe(packaged)
    expect(findSeedsDir({ env: { LIGO_SEEDS_DIR: seeds }, resourcesPath: join(root, 'Packaged', 'resources') })).toBe(seeds)
    expect(seedDirCandidates({ env: {}, resourcesPath: '/opt/LiGO/resources', fromDirs: ['/x/y'], cwd: '/w' })).toEqual([
      '/opt/LiGO/resources/seeds', '/opt/LiGO/resources/resources/seeds', '/opt/LiGO/resources/app.asar.unpacked/resources/seeds',
      '/x/y/resources/seeds', '/x/resources/seeds', '/resources/seeds', '/w/resources/seeds',
    ])
  })

  it('falls back to the working directory and names every place it looked when nothing is found', () => {
    expect(findSeedsDir({ env: {}, fromDirs: [join(root, 'elsewhere')], cwd: app })).toBe(seeds)
    expect(() => findSeedsDir({ env: {}, fromDirs: [join(root, 'nowhere')], cwd: join(root, 'nowhere') })).toThrow(/The built-in seeds are missing: no resources\/seeds\/index.json in .*nowhere\/resources\/seeds/)
    expect(() => findSeedsDir({ env: { LIGO_SEEDS_DIR: join(root, 'nope') } })).toThrow(`LIGO_SEEDS_DIR=${join(root, 'nope')}: no index.json in`)
  })
})

describe('index.json', () => {
  it('loads a valid index and resolves names to folders', () => {
    const dir = seedsFolder(join(root, 'ok'), { version: 1, seeds: [entry(), entry({ name: 'tiny-vit', family: 'vit', task: 'image-classification', path: 'vit/v1', format: 'timm' })] })
    expect(loadSeedIndex(dir).seeds.map((s) => s.name)).toEqual(['tiny-bert', 'tiny-vit'])
    expect(resolveSeed('tiny-vit', dir)).toMatchObject({ dir: join(dir, 'vit', 'v1'), entry: { family: 'vit', format: 'timm' } })
    expect(isSeedName('tiny-bert', dir)).toBe(true)
    expect(isSeedName('bert-mini', dir)).toBe(false)
    expect(() => resolveSeed('tiny-gpt', dir)).toThrow('Unknown seed "tiny-gpt". Expected one of: tiny-bert, tiny-vit')
  })

  it('reports a missing seed folder', () => {
    const dir = seedsFolder(join(root, 'missing'), { version: 1, seeds: [] })
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ version: 1, seeds: [entry({ path: 'gone' })] }))
    expect(() => resolveSeed('tiny-bert', dir)).toThrow(`Seed "tiny-bert": its folder ${join(dir, 'gone')} is missing`)
  })

  const bad: Array<[string, unknown, string]> = [
    ['not JSON', '{"version": 1,', 'cannot be read as JSON'],
    ['wrong version', { version: 2, seeds: [] }, 'version must be 1, got 2'],
    ['seeds not a list', { version: 1, seeds: {} }, 'seeds must be a list'],
    ['empty name', { version: 1, seeds: [entry({ name: '' })] }, 'seeds[0].name must be a non-empty string, got ""'],
    ['path leaving the folder', { version: 1, seeds: [entry({ path: '../../etc' })] }, 'seeds[0].path must be a folder inside the seeds folder, got "../../etc"'],
    ['absolute path', { version: 1, seeds: [entry({ path: '/etc' })] }, 'seeds[0].path must be a folder inside the seeds folder'],
    ['unknown task', { version: 1, seeds: [entry({ task: 'translation' as SeedEntry['task'] })] }, 'seeds[0].task must be one of masked-lm, causal-lm, image-classification, got "translation"'],
    ['unknown format', { version: 1, seeds: [entry({ format: 'onnx' as SeedEntry['format'] })] }, 'seeds[0].format must be hf or timm, got "onnx"'],
    ['bad parameter count', { version: 1, seeds: [entry({ parameters: 1.5 })] }, 'seeds[0].parameters must be a positive integer, got 1.5'],
    ['non-integer size', { version: 1, seeds: [entry({ sizes: { hiddenSize: 12.5 } })] }, 'seeds[0].sizes must map names to integers'],
    ['no validation loss', { version: 1, seeds: [entry({ training: {} as SeedEntry['training'] })] }, 'seeds[0].training must hold steps and a validation loss'],
    ['duplicate names', { version: 1, seeds: [entry(), entry({ path: 'other' })] }, 'seeds name "tiny-bert" appears twice'],
  ]
  it.each(bad)('refuses %s, naming the file and field', (label, index, message) => {
    const dir = seedsFolder(join(root, 'bad', label.replace(/\W+/g, '-')), index)
    let error: unknown
    try {
      loadSeedIndex(dir)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SeedRegistryError)
    expect((error as Error).message).toContain(`${join(dir, 'index.json')}: ${message}`)
  })
})
