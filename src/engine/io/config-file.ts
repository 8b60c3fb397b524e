/**
 * A model config read from a JSON file, whichever of the three kinds it is (issue 11):
 *   - the engine's own config (models/config.ts fields; for a growth target, missing fields are the source's),
 *   - a HuggingFace or timm config.json (config-from-hf.ts),
 *   - a growth recipe saved by the designer (shared/growth-design/recipe.ts): its target.
 * What `ligo grow --to`, `ligo compare --to` and `ligo train --model` accept besides a preset or a checkpoint.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { StudioError } from '../../shared/errors'
import { applySizes, isRecipeJson, validateRecipe, type DesignConfig } from '../../shared/growth-design'
import { isPlainObject } from '../../shared/validate'
import { validateConfig, type ModelConfig } from '../models/config'
import { getPreset, PRESET_IDS } from '../models/presets'
import { configFromHfJson, isHfConfigJson } from './config-from-hf'
import type { JsonObject } from './hf-config'

export type ConfigFileKind = 'engine' | 'hf' | 'recipe'

export interface ConfigFromFile {
  config: ModelConfig
  kind: ConfigFileKind
  /** Defaults the file did not state (HF configs), for the user to check. */
  assumptions: readonly string[]
}

const fail = (message: string): never => {
  throw new StudioError('invalid_request', message)
}

/** True for a path the caller should read as a config file rather than a checkpoint. */
export const isJsonPath = (path: string): boolean => /\.json$/i.test(path)

/**
 * Read `path` (named `flag` in errors: the parameter in backticks, e.g. "`to`", which the CLI shows as its flag).
 * `source` is the model being grown: an engine config may leave out what growth keeps (vocabulary, positions,
 * image), and a recipe's sizes apply to it.
 */
export function readConfigFile(path: string, flag: string, source?: ModelConfig): ConfigFromFile {
  const where = `${flag} ${basename(path)}`
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    return fail(`${where}: not valid JSON (${(error as Error).message})`)
  }
  return configFromJson(json, where, source)
}

/** The same for JSON already parsed (a file the designer's user picked in a browser); `where` names it in errors. */
export function configFromJson(json: unknown, where: string, source?: ModelConfig): ConfigFromFile {
  if (!isPlainObject(json)) return fail(`${where}: expected a JSON object`)
  if (isRecipeJson(json)) {
    const recipe = validateRecipe(json, where)
    const target = recipe.to
    if ('preset' in target) {
      if (!PRESET_IDS.includes(target.preset)) fail(`${where}: unknown preset "${target.preset}" in the recipe's target`)
      return { config: getPreset(target.preset).config, kind: 'recipe', assumptions: [] }
    }
    if (!source) return fail(`${where}: a growth recipe gives sizes relative to its source model; use it as the target (\`to\`) of a growth or a comparison`)
    return { config: wrap(where, () => validateConfig(applySizes(source as unknown as DesignConfig, target.sizes))), kind: 'recipe', assumptions: [] }
  }
  if (isHfConfigJson(json as JsonObject)) {
    const built = configFromHfJson(json as JsonObject, where, source)
    return { config: built.config, kind: 'hf', assumptions: built.assumptions }
  }
  // The engine's own config: a family and sizes; for a target, the source's values fill the rest.
  const merged = source && (json.family === undefined || json.family === source.family) ? { ...source, ...json } : json
  return { config: wrap(where, () => validateConfig(merged)), kind: 'engine', assumptions: [] }
}

function wrap(where: string, build: () => ModelConfig): ModelConfig {
  try {
    return build()
  } catch (error) {
    return fail(`${where}: ${(error as Error).message}`)
  }
}
