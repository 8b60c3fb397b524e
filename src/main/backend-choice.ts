/**
 * Which TF.js backend the engine is told to use. Explicit choices win over the environment:
 * the "backend" key of <userData>/settings.json (set by the user in the app) beats LIGO_BACKEND, which
 * beats automatic fallback (the same order as the CLI's resolveBackendChoice). The source is recorded so
 * the Hardware view can say why a backend was used. Unlike the CLI, a bad value does not stop the app:
 * it is ignored with a warning that names where it came from.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseBackendName } from '../engine/backend/backend-choice'
import { BACKEND_ENV_VAR, type EngineStartOptions } from '../shared/engine-protocol'
import type { BackendName } from '../shared/hardware'
import { isPlainObject } from '../shared/validate'

export const SETTINGS_FILE_NAME = 'settings.json'

export interface BackendChoice extends Pick<EngineStartOptions, 'backend' | 'backendSource'> {
  /** Values that were ignored, each naming the file or variable, the value and the allowed set. */
  warnings: string[]
}

/** parseBackendName, but a bad value becomes a warning and automatic choice. */
function parseOrWarn(value: string | undefined, where: string, warnings: string[]): BackendName | null {
  try {
    return parseBackendName(value, where)
  } catch (error) {
    warnings.push(`${(error as Error).message} Ignoring it.`)
    return null
  }
}

/** The raw "backend" setting (undefined when there is none); problems with the file become warnings. */
function readBackendSetting(settingsPath: string, readText: (path: string) => string, warnings: string[]): string | undefined {
  let text: string
  try {
    text = readText(settingsPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`Could not read ${settingsPath}: ${(error as Error).message}. Ignoring it.`)
    return undefined
  }
  let settings: unknown
  try {
    settings = JSON.parse(text)
  } catch (error) {
    warnings.push(`${settingsPath} is not valid JSON (${(error as Error).message}). Ignoring it.`)
    return undefined
  }
  if (!isPlainObject(settings)) {
    warnings.push(`${settingsPath} must hold a JSON object. Ignoring it.`)
    return undefined
  }
  const value = settings.backend
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') {
    warnings.push(`"backend" in ${settingsPath} must be a string, got ${JSON.stringify(value)?.slice(0, 40)}. Ignoring it.`)
    return undefined
  }
  return value
}

export function chooseBackend(
  userDataDir: string,
  env: Record<string, string | undefined>,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): BackendChoice {
  const warnings: string[] = []
  const settingsPath = join(userDataDir, SETTINGS_FILE_NAME)
  const fromSetting = parseOrWarn(readBackendSetting(settingsPath, readText, warnings), `"backend" of ${settingsPath}`, warnings)
  const fromEnv = parseOrWarn(env[BACKEND_ENV_VAR], BACKEND_ENV_VAR, warnings)
  if (fromSetting) {
    if (fromEnv && fromEnv !== fromSetting) {
      warnings.push(`${BACKEND_ENV_VAR}=${fromEnv} is overridden by the backend setting "${fromSetting}" in ${settingsPath}.`)
    }
    return { backend: fromSetting, backendSource: 'setting', warnings }
  }
  if (fromEnv) return { backend: fromEnv, backendSource: 'environment', warnings }
  return { backend: null, backendSource: null, warnings }
}
