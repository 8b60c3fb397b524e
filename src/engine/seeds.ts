/**
 * The built-in pretrained seeds (resources/seeds): find the folder wherever the app runs, read and check
 * index.json, and resolve a seed name to its checkpoint folder. TF-free, so main, the CLI and `ligo serve` can use it.
 *
 * Where the folder is looked for, in order:
 *  1. LIGO_SEEDS_DIR (a folder holding index.json), for tests and unusual installs;
 *  2. a packaged Electron app: <resourcesPath>/seeds, <resourcesPath>/resources/seeds and the asar-unpacked copy
 *     (the packager copies resources/seeds as an extra resource);
 *  3. resources/seeds in this file's folder or any folder above it (source tree: src/engine; bundle: out/main);
 *  4. resources/seeds under the working directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path'
import { SEED_INDEX_FILE, SEED_INDEX_VERSION, type SeedEntry, type SeedIndex, type SeedTask } from '../shared/seeds'

export { SEED_INDEX_FILE, SEED_INDEX_VERSION, type SeedEntry, type SeedIndex }

export class SeedRegistryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SeedRegistryError'
  }
}

export interface SeedLocationOptions {
  env?: Record<string, string | undefined>
  /** Electron's process.resourcesPath (absent in plain Node). */
  resourcesPath?: string
  /** Folders to search upwards from (default: this file's folder). */
  fromDirs?: string[]
  cwd?: string
}

const SEED_TASKS: readonly SeedTask[] = ['masked-lm', 'causal-lm', 'image-classification']

/** Every folder that may hold the seeds, most specific first (see the header). */
export function seedDirCandidates(options: SeedLocationOptions = {}): string[] {
  const env = options.env ?? process.env
  const resourcesPath = options.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath
  const candidates: string[] = []
  if (env.LIGO_SEEDS_DIR) candidates.push(resolve(env.LIGO_SEEDS_DIR))
  if (resourcesPath) candidates.push(join(resourcesPath, 'seeds'), join(resourcesPath, 'resources', 'seeds'), join(resourcesPath, 'app.asar.unpacked', 'resources', 'seeds'))
  for (const start of options.fromDirs ?? [dirname(__filename)]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      candidates.push(join(dir, 'resources', 'seeds'))
      if (dirname(dir) === dir) break
    }
  }
  candidates.push(join(options.cwd ?? process.cwd(), 'resources', 'seeds'))
  return [...new Set(candidates)]
}

/** The first candidate folder that holds index.json; LIGO_SEEDS_DIR, when set, must hold it. */
export function findSeedsDir(options: SeedLocationOptions = {}): string {
  const env = options.env ?? process.env
  if (env.LIGO_SEEDS_DIR) {
    const dir = resolve(env.LIGO_SEEDS_DIR)
    if (!existsSync(join(dir, SEED_INDEX_FILE))) throw new SeedRegistryError(`LIGO_SEEDS_DIR=${env.LIGO_SEEDS_DIR}: no ${SEED_INDEX_FILE} in ${dir}`)
    return dir
  }
  const candidates = seedDirCandidates(options)
  const found = candidates.find((dir) => existsSync(join(dir, SEED_INDEX_FILE)))
  if (!found) throw new SeedRegistryError(`The built-in seeds are missing: no resources/seeds/${SEED_INDEX_FILE} in ${candidates.join(', ')}`)
  return found
}

function fail(file: string, where: string, problem: string): never {
  throw new SeedRegistryError(`${file}: ${where} ${problem}`)
}

function checkEntry(file: string, raw: unknown, i: number): SeedEntry {
  const where = `seeds[${i}]`
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, where, 'is not an object')
  const e = raw as Record<string, unknown>
  for (const key of ['name', 'family', 'description', 'path', 'preset', 'data'] as const) {
    if (typeof e[key] !== 'string' || e[key] === '') fail(file, `${where}.${key}`, `must be a non-empty string, got ${JSON.stringify(e[key])}`)
  }
  const path = e.path as string
  // A seed folder sits inside the seeds folder: no absolute paths, no way out with "..".
  if (isAbsolute(path) || normalize(path).split(sep).includes('..')) fail(file, `${where}.path`, `must be a folder inside the seeds folder, got ${JSON.stringify(path)}`)
  if (!SEED_TASKS.includes(e.task as SeedTask)) fail(file, `${where}.task`, `must be one of ${SEED_TASKS.join(', ')}, got ${JSON.stringify(e.task)}`)
  if (e.format !== 'hf' && e.format !== 'timm') fail(file, `${where}.format`, `must be hf or timm, got ${JSON.stringify(e.format)}`)
  for (const key of ['parameters', 'bytes'] as const) {
    if (!Number.isInteger(e[key]) || (e[key] as number) <= 0) fail(file, `${where}.${key}`, `must be a positive integer, got ${JSON.stringify(e[key])}`)
  }
  if (typeof e.sizes !== 'object' || e.sizes === null || Object.values(e.sizes).some((v) => !Number.isInteger(v))) fail(file, `${where}.sizes`, 'must map names to integers')
  if (!Array.isArray(e.files) || e.files.some((f) => typeof f !== 'string')) fail(file, `${where}.files`, 'must be a list of file names')
  const training = e.training as Record<string, unknown> | undefined
  if (typeof training !== 'object' || training === null || typeof (training.validation as { loss?: unknown } | undefined)?.loss !== 'number') {
    fail(file, `${where}.training`, 'must hold steps and a validation loss')
  }
  return e as unknown as SeedEntry
}

/** Reads and checks index.json of a seeds folder: version, entry fields, unique names. */
export function loadSeedIndex(dir: string = findSeedsDir()): SeedIndex {
  const file = join(dir, SEED_INDEX_FILE)
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new SeedRegistryError(`${file}: cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const index = parsed as { version?: unknown; seeds?: unknown }
  if (index.version !== SEED_INDEX_VERSION) fail(file, 'version', `must be ${SEED_INDEX_VERSION}, got ${JSON.stringify(index.version)}`)
  if (!Array.isArray(index.seeds)) fail(file, 'seeds', 'must be a list')
  const seeds = index.seeds.map((raw, i) => checkEntry(file, raw, i))
  const names = seeds.map((s) => s.name)
  const duplicate = names.find((n, i) => names.indexOf(n) !== i)
  if (duplicate !== undefined) fail(file, 'seeds', `name "${duplicate}" appears twice`)
  return { version: SEED_INDEX_VERSION, seeds }
}

export interface ResolvedSeed {
  entry: SeedEntry
  /** Absolute path of the seed's checkpoint folder. */
  dir: string
}

/** A seed name -> its entry and folder; unknown names and missing folders are clear errors. */
export function resolveSeed(name: string, dir: string = findSeedsDir()): ResolvedSeed {
  const { seeds } = loadSeedIndex(dir)
  const entry = seeds.find((s) => s.name === name)
  if (!entry) throw new SeedRegistryError(`Unknown seed "${name}". Expected one of: ${seeds.map((s) => s.name).join(', ')}`)
  const seedDir = join(dir, entry.path)
  if (!existsSync(seedDir) || !statSync(seedDir).isDirectory()) throw new SeedRegistryError(`Seed "${name}": its folder ${seedDir} is missing (listed in ${join(dir, SEED_INDEX_FILE)})`)
  return { entry, dir: seedDir }
}

/** True when `name` is a seed of the registry (for commands that take a seed name, a preset or a path). */
export function isSeedName(name: string, dir?: string): boolean {
  try {
    return loadSeedIndex(dir ?? findSeedsDir()).seeds.some((s) => s.name === name)
  } catch {
    return false
  }
}
