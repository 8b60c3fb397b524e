// @vitest-environment node
/**
 * The packaged-app checker (scripts/packaging/check-package.ts) against archives written by @electron/asar, the
 * writer electron-builder itself uses: an independent implementation of the format the checker reads.
 */
import { createPackageWithOptions, extractFile, getRawHeader, listPackage } from '@electron/asar'
import { flipFuses } from '@electron/fuses'
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AsarArchive, checkFuses, checkResources, findUnpackedApps } from '../../scripts/packaging/check-package'
import { fuseConfig } from '../../scripts/packaging/fuses'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ligo-check-package-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const PKG = { main: './out/main/index.js', dependencies: { vue: '3', '@scope/lib': '1' }, devDependencies: { vitest: '4', '@types/node': '20' } }

interface HeaderEntry {
  files?: Record<string, HeaderEntry>
  size?: number
  offset?: string
}

/**
 * createPackageWithOptions resolves when it has *called* end() on its output stream, not when the stream has
 * flushed (@electron/asar 3.4, lib/disk.js), so a read right after it can see the packed files' bytes still
 * missing. Wait until the archive is as long as its own header says: 8 bytes + the header pickle + the packed files.
 */
async function pack(app: string, archive: string, unpack: string): Promise<void> {
  await createPackageWithOptions(app, archive, { unpack })
  const { header, headerSize } = getRawHeader(archive) as { header: HeaderEntry; headerSize: number }
  let end = 0
  const walk = (entry: HeaderEntry) => {
    for (const child of Object.values(entry.files ?? {})) {
      if (child.files) walk(child)
      else if (child.offset !== undefined && child.size !== undefined) end = Math.max(end, Number(child.offset) + child.size)
    }
  }
  walk(header)
  const expected = 8 + headerSize + end
  for (const started = Date.now(); statSync(archive).size < expected; ) {
    if (Date.now() - started > 10_000) throw new Error(`${archive} stayed at ${statSync(archive).size} of ${expected} bytes`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

/** An app folder like the one electron-builder packs; `change` edits it first. */
async function packagedApp(change: (files: Record<string, string>) => void = () => {}): Promise<string> {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'ligo-studio', main: PKG.main }),
    'out/main/index.js': 'main',
    'out/main/engine.js': 'engine',
    'out/preload/index.js': 'preload',
    'out/renderer/index.html': '<!doctype html>',
    'native/build/Release/ligo_kernels.node': 'ELF',
    'node_modules/vue/package.json': JSON.stringify({ name: 'vue', dependencies: { '@vue/shared': '3' } }),
    'node_modules/vue/node_modules/@vue/shared/package.json': JSON.stringify({ name: '@vue/shared' }),
    'node_modules/@scope/lib/package.json': JSON.stringify({ name: '@scope/lib', dependencies: { vue: '3' } }),
    'node_modules/@types/node/package.json': JSON.stringify({ name: '@types/node' }),
  }
  change(files)
  const app = join(dir, 'app')
  write(app, files)
  const resources = join(dir, 'resources')
  mkdirSync(resources)
  await pack(app, join(resources, 'app.asar'), '*.node')
  write(join(resources, 'seeds'), { 'index.json': JSON.stringify({ version: 1, seeds: [{ name: 'bert-moby', path: 'bert-moby' }] }), 'bert-moby/config.json': '{}' })
  writeFileSync(join(resources, 'README.md'), '# LiGO Studio')
  return resources
}

describe('AsarArchive', () => {
  it('lists and reads what @electron/asar wrote', async () => {
    const resources = await packagedApp()
    const archive = join(resources, 'app.asar')
    const mine = new AsarArchive(archive)
    const theirs = listPackage(archive, { isPack: false }).map((p) => p.replace(/^[\\/]/, '').replace(/\\/g, '/'))
    const files = mine.list()
    expect(files.map((f) => f.path).sort()).toEqual(theirs.filter((p) => files.some((f) => f.path === p) || !theirs.some((q) => q.startsWith(`${p}/`))).sort())
    expect(files.find((f) => f.path.endsWith('.node'))).toEqual({ path: 'native/build/Release/ligo_kernels.node', unpacked: true })
    for (const path of ['package.json', 'out/renderer/index.html', 'node_modules/vue/package.json']) expect(mine.read(path)).toEqual(extractFile(archive, path))
    expect(() => mine.read('native/build/Release/ligo_kernels.node')).toThrow('no packed file')
  })

  it('refuses a file that is not an archive', () => {
    writeFileSync(join(dir, 'app.asar'), 'PK\u0003\u0004 a zip, not an asar archive')
    expect(() => new AsarArchive(join(dir, 'app.asar'))).toThrow('not an asar archive')
  })
})

describe('checkResources', () => {
  it('passes a complete app (a type package that came in with a production dependency is fine)', async () => {
    expect(checkResources(await packagedApp(), PKG)).toEqual([])
  })

  it('names every problem: missing app files, a .node inside the archive, sources, tools, unresolvable dependencies, seeds', async () => {
    const resources = await packagedApp((files) => {
      delete files['out/main/engine.js']
      files['src/main/index.ts'] = 'source'
      files['out/main/index.js.map'] = '{}'
      files['node_modules/vitest/package.json'] = JSON.stringify({ name: 'vitest' })
      files['node_modules/vue/package.json'] = JSON.stringify({ name: 'vue', dependencies: { '@vue/shared': '3', seedrandom: '3' } })
      delete files['node_modules/@scope/lib/package.json']
      files['node_modules/@scope/other/package.json'] = JSON.stringify({ name: '@scope/other' })
    })
    // a second native binary that electron-builder was not told to unpack
    const app = join(dir, 'app')
    write(app, { 'node_modules/vue/prebuilt.node': 'ELF' })
    rmSync(join(resources, 'app.asar'))
    await pack(app, join(resources, 'app.asar'), 'ligo_kernels.node')
    rmSync(join(resources, 'seeds', 'bert-moby'), { recursive: true })
    rmSync(join(resources, 'README.md'))
    expect(checkResources(resources, PKG)).toEqual([
      'app.asar has no out/main/engine.js',
      'node_modules/vue/prebuilt.node is inside app.asar: a native module cannot load from there (asarUnpack)',
      'app.asar ships out/main/index.js.map (sources and source maps stay out)',
      'app.asar ships src/main/index.ts (sources and source maps stay out)',
      'production dependency @scope/lib is not in app.asar',
      'development dependency vitest is in app.asar',
      'node_modules/vue needs seedrandom, which is not in app.asar',
      `${join(resources, 'README.md')} is missing (Help > README opens it)`,
      `seed bert-moby is listed in index.json but ${join(resources, 'seeds', 'bert-moby')} is missing or empty`,
    ])
  })

  it('says when the unpacked copy of a native module is missing', async () => {
    const resources = await packagedApp()
    rmSync(join(resources, 'app.asar.unpacked'), { recursive: true })
    expect(checkResources(resources, PKG)).toEqual(['native/build/Release/ligo_kernels.node is marked unpacked but app.asar.unpacked has no such file'])
  })
})

describe('checkFuses and findUnpackedApps', () => {
  it('finds the unpacked Linux app and checks its fuses before and after the hook flipped them', async () => {
    const unpacked = join(dir, 'dist', 'linux-unpacked')
    mkdirSync(join(unpacked, 'resources'), { recursive: true })
    const binary = join(unpacked, 'ligo-studio')
    writeFileSync(binary, Buffer.concat([Buffer.from('ELF '), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 9]), Buffer.from('101100011')]))
    expect(findUnpackedApps(join(dir, 'dist'), 'LiGO Studio', 'ligo-studio')).toEqual([{ resources: join(unpacked, 'resources'), binary }])
    expect(await checkFuses(binary)).toEqual([
      'fuse RunAsNode is ENABLE, expected DISABLE',
      'fuse EnableNodeOptionsEnvironmentVariable is ENABLE, expected DISABLE',
      'fuse EnableNodeCliInspectArguments is ENABLE, expected DISABLE',
      'fuse EnableEmbeddedAsarIntegrityValidation is DISABLE, expected ENABLE',
      'fuse OnlyLoadAppFromAsar is DISABLE, expected ENABLE',
      'fuse GrantFileProtocolExtraPrivileges is ENABLE, expected DISABLE',
    ])
    await flipFuses(binary, fuseConfig('linux'))
    expect(await checkFuses(binary)).toEqual([])
    cpSync(unpacked, join(dir, 'dist', 'win-unpacked'), { recursive: true })
    expect(findUnpackedApps(join(dir, 'dist'), 'LiGO Studio', 'ligo-studio')).toHaveLength(2)
  })
})
