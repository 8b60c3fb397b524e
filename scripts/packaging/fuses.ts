/**
 * Electron fuses, flipped in the packaged binary by electron-builder's afterPack hook (before signing, so the
 * signature covers them). Fuses are switches compiled into the Electron binary that no flag or environment
 * variable can turn back on (scripts/packaging/README.md). The app needs none
 * of what they switch off: the engine runs in a utilityProcess, not `ELECTRON_RUN_AS_NODE`, and the renderer
 * comes from app://, not file://.
 */
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses'
import type { AfterPackContext } from 'electron-builder'

/** Exactly the fuses this app sets; every other fuse keeps Electron's default. */
export const APP_FUSES: Readonly<Partial<Record<FuseV1Options, boolean>>> = Object.freeze({
  // `ELECTRON_RUN_AS_NODE=1 "LiGO Studio"` would turn the signed app into a general-purpose Node.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS could preload arbitrary code (--require) into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk would open a debugger port on the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar must match the hash electron-builder embeds (macOS Info.plist, Windows resource); Linux ignores it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // ...and the app may only come from app.asar, so a loose resources/app folder cannot replace it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // file:// pages get no extra powers; the renderer is served from app:// (src/main/app-protocol.ts).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
})

/** The @electron/fuses configuration for one platform. */
export function fuseConfig(platform: string): FuseV1Config {
  return {
    version: FuseVersion.V1,
    // Flipping fuses breaks the ad-hoc signature of an unsigned arm64 macOS binary: re-sign it ad hoc.
    resetAdHocDarwinSignature: platform === 'darwin',
    ...APP_FUSES,
  }
}

/**
 * electron-builder's afterPack hook. The packager knows where its platform keeps the Electron binary
 * (<appOutDir>/<name>, <name>.exe, or the framework inside <name>.app), so it does the writing.
 */
export async function flipAppFuses(context: AfterPackContext): Promise<void> {
  const flipped = await context.packager.addElectronFuses(context, fuseConfig(context.electronPlatformName))
  if (flipped < 1) throw new Error(`No Electron fuse wire found under ${context.appOutDir}: the fuses were not applied`)
}
