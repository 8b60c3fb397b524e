// @vitest-environment node
import { FuseState, FuseV1Options, flipFuses, getCurrentFuseWire } from '@electron/fuses'
import type { AfterPackContext } from 'electron-builder'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { APP_FUSES, flipAppFuses, fuseConfig } from '../../scripts/packaging/fuses'

/** The fuse sentinel of @electron/fuses: the wire (version byte, length byte, one '0'/'1' per fuse) follows it. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// Electron 45's shipped defaults, in FuseV1Options order: RunAsNode, EnableCookieEncryption,
// EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments, EnableEmbeddedAsarIntegrityValidation,
// OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges, WasmTrapHandlers
const ELECTRON_DEFAULT_WIRE = '101100011'

let dir: string
let binary: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ligo-fuses-'))
  binary = join(dir, 'ligo-studio')
  // a stand-in Electron binary: bytes around a real fuse wire
  writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF not really electron '), Buffer.from(SENTINEL), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]), Buffer.from(ELECTRON_DEFAULT_WIRE), Buffer.from(' rest')]))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** What electron-builder hands the afterPack hook; its packager writes to the binary it knows. */
function packContext(platform: string): AfterPackContext {
  return {
    appOutDir: dir,
    electronPlatformName: platform,
    packager: { addElectronFuses: (_context: unknown, fuses: Parameters<typeof flipFuses>[1]) => flipFuses(binary, fuses) },
  } as unknown as AfterPackContext
}

const wire = async () => {
  const current = await getCurrentFuseWire(binary)
  return Object.fromEntries(Object.values(FuseV1Options).filter((v) => typeof v === 'number').map((fuse) => [FuseV1Options[fuse as number], current[fuse as FuseV1Options]]))
}

describe('the afterPack fuses hook', () => {
  it('flips exactly the hardening fuses and leaves every other fuse at its default', async () => {
    const before = await wire()
    await flipAppFuses(packContext('linux'))
    const after = await wire()
    expect(after).toEqual({
      ...before,
      RunAsNode: FuseState.DISABLE,
      EnableNodeOptionsEnvironmentVariable: FuseState.DISABLE,
      EnableNodeCliInspectArguments: FuseState.DISABLE,
      EnableEmbeddedAsarIntegrityValidation: FuseState.ENABLE,
      OnlyLoadAppFromAsar: FuseState.ENABLE,
      GrantFileProtocolExtraPrivileges: FuseState.DISABLE,
    })
    // the untouched ones really are the defaults (the fake binary is not all zeros or all ones)
    expect([after.EnableCookieEncryption, after.LoadBrowserProcessSpecificV8Snapshot, after.WasmTrapHandlers]).toEqual([FuseState.DISABLE, FuseState.DISABLE, FuseState.ENABLE])
  })

  it('lists the six fuses of the Electron checklist, nothing more', () => {
    expect(Object.keys(APP_FUSES).map((key) => FuseV1Options[Number(key)]).sort()).toEqual(
      ['EnableEmbeddedAsarIntegrityValidation', 'EnableNodeCliInspectArguments', 'EnableNodeOptionsEnvironmentVariable', 'GrantFileProtocolExtraPrivileges', 'OnlyLoadAppFromAsar', 'RunAsNode'],
    )
    expect(Object.isFrozen(APP_FUSES)).toBe(true)
  })

  it('re-signs ad hoc only on macOS', () => {
    expect(fuseConfig('darwin').resetAdHocDarwinSignature).toBe(true)
    expect(fuseConfig('linux').resetAdHocDarwinSignature).toBe(false)
    expect(fuseConfig('win32').resetAdHocDarwinSignature).toBe(false)
  })

  it('fails the build when the packager found no fuse wire', async () => {
    const context = { ...packContext('linux'), packager: { addElectronFuses: async () => 0 } } as unknown as AfterPackContext
    await expect(flipAppFuses(context)).rejects.toThrow(`No Electron fuse wire found under ${dir}`)
  })
})
