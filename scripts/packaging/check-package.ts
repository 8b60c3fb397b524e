/**
 * Checks an unpacked build (`npm run dist:dir`, or the folder an installer was made from) against what the app
 * needs at run time, since nothing in CI can start the packaged app:
 *   - app.asar holds the built app (out/main, out/preload, out/renderer, package.json) and every production
 *     dependency, and no sources, source maps or development tools;
 *   - every native binary (.node) is unpacked next to the archive (a .node cannot load from inside it);
 *   - the seeds are in <resources>/seeds with every folder their index.json lists, README.md next to them;
 *   - the Electron binary's fuses are the ones scripts/packaging/fuses.ts sets.
 *
 *   npx tsx scripts/packaging/check-package.ts [dist folder]     (default: dist)
 *
 * The asar reader is deliberately small (the format is a JSON header in a Chromium pickle: a 4-byte size, then
 * the header pickle's size, then that pickle: its payload size, the string's length and the JSON); the test
 * checks it against archives written by @electron/asar.
 */
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { existsSync, openSync, readFileSync, readSync, readdirSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { LINUX_EXECUTABLE_NAME } from '../../src/main/app-identity'
import { APP_FUSES } from './fuses'

interface AsarEntry {
  files?: Record<string, AsarEntry>
  size?: number
  offset?: string
  unpacked?: boolean
  link?: string
}

export interface AsarFile {
  path: string
  unpacked: boolean
}

/** An asar archive, read once: its file list and packed files. */
export class AsarArchive {
  private readonly root: AsarEntry
  private readonly dataOffset: number

  constructor(readonly path: string) {
    const fd = openSync(path, 'r')
    try {
      const sizes = Buffer.alloc(16)
      if (readSync(fd, sizes, 0, 16, 0) < 16) throw new Error(`${path}: too short to be an asar archive`)
      const headerPickleSize = sizes.readUInt32LE(4)
      const jsonLength = sizes.readUInt32LE(12)
      if (sizes.readUInt32LE(0) !== 4 || jsonLength > headerPickleSize) throw new Error(`${path}: not an asar archive (bad header sizes)`)
      const json = Buffer.alloc(jsonLength)
      readSync(fd, json, 0, jsonLength, 16)
      this.root = JSON.parse(json.toString('utf8')) as AsarEntry
      this.dataOffset = 8 + headerPickleSize
    } finally {
      closeSync(fd)
    }
  }

  /** Every file (not folder or link), as "out/main/index.js", with whether it is stored unpacked. */
  list(): AsarFile[] {
    const files: AsarFile[] = []
    const walk = (entry: AsarEntry, prefix: string) => {
      for (const [name, child] of Object.entries(entry.files ?? {})) {
        const path = prefix ? `${prefix}/${name}` : name
        if (child.files) walk(child, path)
        else if (!child.link) files.push({ path, unpacked: Boolean(child.unpacked) })
      }
    }
    walk(this.root, '')
    return files
  }

  /** One packed file's bytes. */
  read(file: string): Buffer {
    let entry: AsarEntry | undefined = this.root
    for (const part of file.split('/')) entry = entry?.files?.[part]
    if (!entry || entry.files || entry.unpacked || entry.offset === undefined || entry.size === undefined) throw new Error(`${this.path}: no packed file ${file}`)
    const bytes = Buffer.alloc(entry.size)
    const fd = openSync(this.path, 'r')
    try {
      readSync(fd, bytes, 0, entry.size, this.dataOffset + Number(entry.offset))
    } finally {
      closeSync(fd)
    }
    return bytes
  }
}

/**
 * Dependencies that Node could not resolve inside the archive: for every packaged package, each of its
 * `dependencies` must be found in its own node_modules or one above it, as require() looks.
 */
export function unresolvedDependencies(archive: AsarArchive, files: readonly AsarFile[]): string[] {
  const paths = new Set(files.map((f) => f.path))
  const manifests = files.map((f) => f.path).filter((path) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(path))
  const problems: string[] = []
  for (const manifest of manifests) {
    const dir = manifest.slice(0, -'/package.json'.length)
    let dependencies: Record<string, string> = {}
    try {
      dependencies = (JSON.parse(archive.read(manifest).toString('utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}
    } catch {
      continue // a package.json that is unpacked or not JSON (test fixtures inside packages) is not a manifest we load
    }
    for (const dependency of Object.keys(dependencies)) {
      let found = false
      for (let base = dir; !found; ) {
        found = paths.has(`${base}/node_modules/${dependency}/package.json`)
        const up = base.lastIndexOf('/node_modules/')
        if (up < 0) break
        base = base.slice(0, up)
      }
      found ||= paths.has(`node_modules/${dependency}/package.json`)
      if (!found) problems.push(`${dir} needs ${dependency}, which is not in app.asar`)
    }
  }
  return problems
}

const REQUIRED_APP_FILES = ['package.json', 'out/main/index.js', 'out/main/engine.js', 'out/preload/index.js', 'out/renderer/index.html']

/** Problems with the resources folder of a packaged app (empty when it is complete). */
export function checkResources(resourcesDir: string, pkg: { main?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): string[] {
  const problems: string[] = []
  const archive = join(resourcesDir, 'app.asar')
  if (!existsSync(archive)) return [`${archive} is missing`]
  const asar = new AsarArchive(archive)
  const files = asar.list()
  const paths = new Set(files.map((f) => f.path))
  for (const required of REQUIRED_APP_FILES) if (!paths.has(required)) problems.push(`app.asar has no ${required}`)
  if (paths.has('package.json')) {
    const packed = JSON.parse(asar.read('package.json').toString('utf8')) as { main?: string }
    if (packed.main?.replace(/^\.\//, '') !== 'out/main/index.js') problems.push(`app.asar's package.json has main ${JSON.stringify(packed.main)}, expected ./out/main/index.js`)
  }
  for (const file of files) {
    if (file.path.endsWith('.node') && !file.unpacked) problems.push(`${file.path} is inside app.asar: a native module cannot load from there (asarUnpack)`)
    if (file.unpacked && !existsSync(join(resourcesDir, 'app.asar.unpacked', file.path))) problems.push(`${file.path} is marked unpacked but app.asar.unpacked has no such file`)
    if (/^(src|test|bench)\//.test(file.path) || (file.path.startsWith('out/') && file.path.endsWith('.map'))) problems.push(`app.asar ships ${file.path} (sources and source maps stay out)`)
  }
  const packages = new Set(files.filter((f) => f.path.startsWith('node_modules/')).map((f) => f.path.split('/').slice(1, f.path.split('/')[1].startsWith('@') ? 3 : 2).join('/')))
  for (const name of Object.keys(pkg.dependencies ?? {})) if (!packages.has(name)) problems.push(`production dependency ${name} is not in app.asar`)
  // type packages may come in as dependencies of production packages; tools never should
  for (const name of Object.keys(pkg.devDependencies ?? {})) if (packages.has(name) && !name.startsWith('@types/')) problems.push(`development dependency ${name} is in app.asar`)
  problems.push(...unresolvedDependencies(asar, files))

  if (!existsSync(join(resourcesDir, 'README.md'))) problems.push(`${join(resourcesDir, 'README.md')} is missing (Help > README opens it)`)
  const seeds = join(resourcesDir, 'seeds')
  const index = join(seeds, 'index.json')
  if (!existsSync(index)) problems.push(`${index} is missing (extraResources)`)
  else {
    const listed = (JSON.parse(readFileSync(index, 'utf8')) as { seeds?: Array<{ name?: string; path?: string }> }).seeds ?? []
    for (const seed of listed) {
      const folder = join(seeds, seed.path ?? seed.name ?? '')
      if (!existsSync(folder) || readdirSync(folder).length === 0) problems.push(`seed ${seed.name} is listed in index.json but ${folder} is missing or empty`)
    }
  }
  return problems
}

/** Problems with the binary's fuse wire: every fuse of APP_FUSES must have its value. */
export async function checkFuses(binary: string): Promise<string[]> {
  const wire = await getCurrentFuseWire(binary)
  return Object.entries(APP_FUSES).flatMap(([fuse, wanted]) => {
    const state = wire[Number(fuse) as FuseV1Options]
    const expected = wanted ? FuseState.ENABLE : FuseState.DISABLE
    return state === expected ? [] : [`fuse ${FuseV1Options[Number(fuse)]} is ${FuseState[state as FuseState] ?? state}, expected ${FuseState[expected]}`]
  })
}

/** The unpacked apps electron-builder leaves in a dist folder: [resources folder, Electron binary]. */
export function findUnpackedApps(dist: string, productName: string, linuxExecutable: string): Array<{ resources: string; binary: string }> {
  const found: Array<{ resources: string; binary: string }> = []
  for (const name of existsSync(dist) ? readdirSync(dist) : []) {
    const dir = join(dist, name)
    if (name.endsWith('-unpacked')) {
      const exe = [join(dir, linuxExecutable), join(dir, `${productName}.exe`)].find((path) => existsSync(path))
      if (exe) found.push({ resources: join(dir, 'resources'), binary: exe })
    } else if (name.startsWith('mac') && existsSync(join(dir, `${productName}.app`))) {
      found.push({ resources: join(dir, `${productName}.app`, 'Contents', 'Resources'), binary: join(dir, `${productName}.app`) })
    }
  }
  return found
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const dist = process.argv[2] ?? join(root, 'dist')
  const apps = findUnpackedApps(dist, pkg.productName, LINUX_EXECUTABLE_NAME)
  if (apps.length === 0) {
    console.error(`No unpacked app in ${dist}: run npm run dist:dir first`)
    process.exit(1)
  }
  let failed = false
  for (const app of apps) {
    const problems = [...checkResources(app.resources, pkg), ...(await checkFuses(app.binary))]
    console.log(problems.length === 0 ? `ok ${app.resources}` : `FAILED ${app.resources}\n  ${problems.join('\n  ')}`)
    failed ||= problems.length > 0
  }
  process.exit(failed ? 1 : 0)
}

if (process.argv[1] && /check-package\.ts$/.test(process.argv[1])) void main()
