// @vitest-environment node
/**
 * The installer configuration (electron-builder.config.ts) checked against what the app expects at run time:
 * the targets of the issue, the native addons outside the archive, the seeds where src/engine/seeds.ts looks,
 * the file associations, the icons at the sizes their names claim, and the fuses hook.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FileAssociation, TargetConfiguration } from 'electron-builder'
import { describe, expect, it } from 'vitest'
import config, { PACKAGED_LAYOUT } from '../../electron-builder.config'
import { flipAppFuses } from '../../scripts/packaging/fuses'
import { seedDirCandidates } from '../../src/engine/seeds'
import { APP_ID, LINUX_EXECUTABLE_NAME } from '../../src/main/app-identity'

const ROOT = resolve(__dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts: Record<string, string> }

const targetNames = (targets: unknown) => (targets as Array<string | TargetConfiguration>).map((t) => (typeof t === 'string' ? t : t.target))

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const bytes = readFileSync(path)
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
}

describe('electron-builder.config.ts', () => {
  it('builds AppImage + deb, NSIS, dmg + zip', () => {
    expect(targetNames(config.linux?.target)).toEqual(['AppImage', 'deb'])
    expect(targetNames(config.win?.target)).toEqual(['nsis'])
    // macOS keeps the zip: auto-update needs it next to the dmg
    expect(targetNames(config.mac?.target)).toEqual(['dmg', 'zip'])
  })

  it('takes product name and version from package.json and has an app id', () => {
    expect(pkg.productName).toBe('LiGO Studio')
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(config).not.toHaveProperty('productName')
    expect(config).not.toHaveProperty('extraMetadata')
    expect(config.appId).toMatch(/^[a-z][a-z0-9]*(\.[A-Za-z][A-Za-z0-9-]*)+$/)
  })

  it('gives the OS the identity the running app uses (Windows AppUserModelID, Linux .desktop name)', () => {
    expect(config.appId).toBe(APP_ID)
    expect(config.linux?.executableName).toBe(LINUX_EXECUTABLE_NAME)
    // Electron reads desktopName to find the launcher entry that shows the progress bar on Linux
    expect(pkg.desktopName).toBe(`${LINUX_EXECUTABLE_NAME}.desktop`)
  })

  it('packs the built app and the native kernels addon, and keeps every native binary outside the asar archive', () => {
    expect(config.asar).toBe(true)
    expect(config.files).toEqual(expect.arrayContaining(['out/**/*', 'package.json', PACKAGED_LAYOUT.nativeAddon, PACKAGED_LAYOUT.nativeStatus]))
    // the addon path is the one the engine loads (src/engine/backend/native-kernels.ts: native/build/Release)
    expect(PACKAGED_LAYOUT.nativeAddon).toBe('native/build/Release/ligo_kernels.node')
    expect(config.asarUnpack).toEqual([
      'native/build/**/*.node',
      'node_modules/@tensorflow/tfjs-node/**/*',
      'node_modules/@tensorflow/tfjs-node-gpu/**/*',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    ])
    // the optional TF.js native backends are exactly the optional dependencies
    expect(Object.keys(pkg.optionalDependencies as object).map((name) => `node_modules/${name}/**/*`)).toEqual((config.asarUnpack as string[]).slice(1, 3))
    // and the wasm binaries the pattern unpacks exist
    const wasmDist = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')
    expect(readdirSync(wasmDist).filter((name) => name.endsWith('.wasm')).length).toBeGreaterThan(0)
  })

  it('rebuilds native dependencies for Electron and flips the fuses after packing', () => {
    expect(config.npmRebuild).toBe(true)
    expect(config.buildDependenciesFromSource).toBe(false)
    expect(config.afterPack).toBe(flipAppFuses)
  })

  it('ships the seeds as extra resources where the engine looks for them', () => {
    expect(config.extraResources).toEqual([{ from: 'resources/seeds', to: 'seeds' }, { from: 'README.md', to: 'README.md' }])
    expect(existsSync(join(ROOT, PACKAGED_LAYOUT.seeds.from, 'index.json'))).toBe(true)
    expect(seedDirCandidates({ env: {}, resourcesPath: '/opt/LiGO Studio/resources', fromDirs: [] })[0]).toBe(join('/opt/LiGO Studio/resources', PACKAGED_LAYOUT.seeds.to))
    // not in the archive as well
    expect(config.files).not.toEqual(expect.arrayContaining([expect.stringMatching(/^resources/)]))
  })

  it('associates .safetensors files and offers folders through Open With on every platform', () => {
    const associations = config.fileAssociations as FileAssociation[]
    expect(associations).toHaveLength(1)
    expect(associations[0]).toMatchObject({ ext: 'safetensors', mimeType: 'application/x-safetensors', role: 'Viewer', rank: 'Alternate' })
    expect(config.linux?.mimeTypes).toEqual(['inode/directory'])
    expect(config.mac?.extendInfo).toEqual({
      CFBundleDocumentTypes: [{ CFBundleTypeName: 'Folder', CFBundleTypeRole: 'Viewer', LSHandlerRank: 'Alternate', LSItemContentTypes: ['public.folder'] }],
    })
    const nsh = readFileSync(join(ROOT, config.nsis!.include!), 'utf8')
    const key = 'Software\\Classes\\Directory\\shell\\LiGOStudio'
    expect(nsh).toContain(`WriteRegStr SHCTX "${key}\\command" "" '"$appExe" "%1"'`)
    // the uninstaller removes the same key
    expect(nsh).toMatch(new RegExp(`!macro customUnInstall\\s+DeleteRegKey SHCTX "${key.replace(/\\/g, '\\\\')}"`))
  })

  it('has an icon for every platform, each PNG as large as its name says', () => {
    const pngDir = join(ROOT, config.linux!.icon!)
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(join(pngDir, `${size}x${size}.png`))).toEqual([size, size])
    // electron-builder turns a PNG of at least 512 px into the macOS .icns
    expect(pngSize(join(ROOT, config.mac!.icon!))[0]).toBeGreaterThanOrEqual(512)
    const ico = readFileSync(join(ROOT, config.win!.icon as string))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]) // ICONDIR: reserved 0, type 1 (icon)
    const entries = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i] || 256) // width 0 means 256
    expect(entries).toEqual(expect.arrayContaining([16, 32, 48, 256]))
  })

  it('has npm run dist and dist:dir with this configuration, each checking what it built', () => {
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder --config electron-builder.config.ts && tsx scripts/packaging/check-package.ts')
    expect(pkg.scripts['dist:dir']).toBe('electron-vite build && electron-builder --dir --config electron-builder.config.ts && tsx scripts/packaging/check-package.ts')
  })
})
