/**
 * Which backend the user forced, if any: from the backend setting or the LIGO_BACKEND environment variable.
 * Free of TensorFlow.js so hosts (Electron main, the CLI) can build EngineStartOptions without loading it.
 */
import { BACKEND_ENV_VAR, BACKEND_PREFERENCE, StudioError, type BackendName, type EngineStartOptions } from '../../shared'

/**
 * Reads one backend name: empty, undefined or "auto" means automatic (null).
 * Unknown names are refused with the allowed list, never ignored.
 */
export function parseBackendName(value: string | undefined | null, where: string = BACKEND_ENV_VAR): BackendName | null {
  const text = (value ?? '').trim()
  if (text === '' || text === 'auto') return null
  if ((BACKEND_PREFERENCE as readonly string[]).includes(text)) return text as BackendName
  throw new StudioError(
    'invalid_request',
    `Unknown backend ${JSON.stringify(text.slice(0, 40))} in ${where}. Expected one of: ${BACKEND_PREFERENCE.join(', ')} (or empty / "auto" to choose automatically).`,
  )
}

/**
 * The forced backend for EngineStartOptions. The setting wins over LIGO_BACKEND, as in the desktop app
 * (src/main/backend-choice.ts): an explicit choice made in the app beats the environment.
 * Unlike the app, which warns and ignores bad values, this throws: the CLI should stop on a typo.
 */
export function resolveBackendChoice(input: {
  env?: Record<string, string | undefined>
  setting?: string | null
}): Pick<EngineStartOptions, 'backend' | 'backendSource'> {
  const fromSetting = parseBackendName(input.setting, 'the backend setting')
  const fromEnv = parseBackendName(input.env?.[BACKEND_ENV_VAR], BACKEND_ENV_VAR)
  if (fromSetting) return { backend: fromSetting, backendSource: 'setting' }
  if (fromEnv) return { backend: fromEnv, backendSource: 'environment' }
  return { backend: null, backendSource: null }
}
