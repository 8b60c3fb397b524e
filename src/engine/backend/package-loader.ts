/**
 * How the engine loads TensorFlow.js backend packages: a guarded require, injectable so tests can simulate
 * a missing package, one that throws on load, and so on. Optional packages (tfjs-node, tfjs-node-gpu) are
 * loaded by name at run time, so bundlers leave them alone and a missing one is a reason, not a crash.
 */
import { createRequire } from 'node:module'

export interface PackageLoader {
  /** Like require(): returns the module or throws (code MODULE_NOT_FOUND when it is not installed). */
  load(specifier: string): unknown
  /** Like require.resolve(): an absolute file path, or throws. */
  resolve(specifier: string): string
}

export function createPackageLoader(): PackageLoader {
  // __filename exists in every place the engine runs: the CommonJS bundle (out/main/engine.js), tsx and vitest.
  const requireFromHere = createRequire(__filename)
  return { load: (specifier) => requireFromHere(specifier), resolve: (specifier) => requireFromHere.resolve(specifier) }
}

export type LoadResult<T> = { ok: true; module: T } | { ok: false; reason: string; missing: boolean }

/**
 * Loads a package and turns failure into a sentence. `missingNote` explains what a missing package means,
 * e.g. "optional dependency; its install downloads libtensorflow, which needs network access".
 */
export function loadPackage<T>(loader: PackageLoader, packageName: string, missingNote: string): LoadResult<T> {
  try {
    return { ok: true, module: loader.load(packageName) as T }
  } catch (error) {
    if (isNotFound(error, packageName)) {
      return { ok: false, missing: true, reason: `${packageName} is not installed (${missingNote})` }
    }
    return { ok: false, missing: false, reason: `${packageName} failed to load: ${firstLine(error)}` }
  }
}

export function isInstalled(loader: PackageLoader, packageName: string): boolean {
  try {
    loader.resolve(`${packageName}/package.json`)
    return true
  } catch {
    return false
  }
}

export function packageVersion(loader: PackageLoader, packageName: string): string | null {
  try {
    const manifest = loader.load(`${packageName}/package.json`) as { version?: unknown }
    return typeof manifest.version === 'string' ? manifest.version : null
  } catch {
    return null
  }
}

/** Only "the package itself is missing" counts as not installed; a missing dependency inside it is a load failure. */
function isNotFound(error: unknown, packageName: string): boolean {
  const e = error as { code?: unknown; message?: unknown }
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.startsWith(`Cannot find module '${packageName}'`)
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.trim().split('\n')[0] || 'unknown error'
}
