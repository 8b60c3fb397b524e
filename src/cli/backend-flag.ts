/**
 * The backend a command forces: --backend wins over the LIGO_BACKEND environment variable. A flag counts as
 * an explicit setting (backendSource 'setting'), the environment variable as 'environment'.
 */
import { resolveBackendChoice } from '../engine/backend/backend-choice'
import { BACKEND_PREFERENCE } from '../shared'
import { UsageError, type FlagSpec } from './args'
import type { EngineChoice } from './context'

export const BACKEND_FLAG: FlagSpec = {
  name: 'backend',
  type: 'choice',
  choices: BACKEND_PREFERENCE,
  valueName: 'name',
  help: `Force a TensorFlow.js backend (${BACKEND_PREFERENCE.join(', ')}) instead of the best available one; overrides LIGO_BACKEND`,
}

/** Throws UsageError (exit code 2) for a bad LIGO_BACKEND value, naming the variable and the allowed names. */
export function backendChoice(command: string, flag: string | undefined, env: Record<string, string | undefined>): EngineChoice {
  try {
    return resolveBackendChoice({ env, setting: flag ?? null })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command)
  }
}
