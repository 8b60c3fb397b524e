/**
 * Where the CLI finds the built renderer. Bundled, this code runs from out/main/cli.js (or a chunk under
 * out/main/chunks) and the renderer is out/renderer; from source (src/cli, under tsx or tests) it is
 * <repo>/out/renderer. The source folder src/renderer is never served: its index.html is not built.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

/** This file's folder. __filename, not __dirname: tsx sets __dirname wrongly when ESM code imports CommonJS. */
const hereDir = (): string => dirname(__filename)

export function defaultRendererRoot(baseDir: string = hereDir()): string {
  if (basename(baseDir) === 'cli' && basename(dirname(baseDir)) === 'src') return resolve(baseDir, '..', '..', 'out', 'renderer')
  const candidates = [resolve(baseDir, '..', 'renderer'), resolve(baseDir, '..', '..', 'renderer')]
  // Not found: the first candidate, so the "not built" error names where it should be.
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]
}
