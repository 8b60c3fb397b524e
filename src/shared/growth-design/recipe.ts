/**
 * A designed growth saved as a small JSON recipe, and the equivalent `ligo grow` / `ligo compare` command lines,
 * so a design made in the app can move to the CLI or a cluster. `ligo grow --to recipe.json` reads the target
 * from the recipe (engine/io/config-file.ts), so a custom size needs no separate config file.
 */
import { methodSettingFlag, type Budget, type GrowParams } from '../growth'
import { array, number, object, oneOf, optional, string, type Validator } from '../validate'
import { methodSettingsValidator, targetSizesValidator } from './contract'
import type { TargetSizes } from './sizes'

export const RECIPE_FORMAT = 'ligo-growth-recipe'
export const RECIPE_VERSION = 1
/** Comparisons repeat every method with this many seeds unless told otherwise (issue 11: "seed count, default 3"). */
export const DEFAULT_COMPARE_SEEDS = 3

export interface GrowthRecipe {
  format: typeof RECIPE_FORMAT
  version: typeof RECIPE_VERSION
  /** The small model: a checkpoint path, a built-in seed name or a preset id. */
  from: string
  /** The large model: a preset id, or the source with these sizes. */
  to: { preset: string } | { sizes: TargetSizes }
  /** A growth method of the engine's registry. */
  method: string
  /** The growth phase, as `ligo grow` takes it (engine method `grow`). */
  grow: Pick<GrowParams, 'settings' | 'data' | 'batchSize' | 'seqLen' | 'seed'>
  /** A comparison against scratch and baselines (`ligo compare`), when designed. */
  compare?: { methods: string[]; budget: Budget; seeds: number }
}

const name = string({ minLength: 1, maxLength: 4096 })
const methodName = string({ minLength: 1, maxLength: 64, pattern: /^[a-z0-9-]+$/ })

const target: Validator<GrowthRecipe['to']> = (value, where) => {
  const v = value as Record<string, unknown> | null
  return v !== null && typeof v === 'object' && 'preset' in v ? object({ preset: name })(value, where) : object({ sizes: targetSizesValidator })(value, where)
}

const validateRecipeFields = object({
  format: oneOf([RECIPE_FORMAT]),
  version: (v, where) => number({ min: RECIPE_VERSION, max: RECIPE_VERSION, integer: true })(v, where) as typeof RECIPE_VERSION,
  from: name,
  to: target,
  method: methodName,
  grow: object({
    settings: optional(methodSettingsValidator),
    data: optional(name),
    batchSize: optional(number({ min: 1, max: 65536, integer: true })),
    seqLen: optional(number({ min: 3, max: 65536, integer: true })),
    seed: optional(number({ min: 0, max: 4294967295, integer: true })),
  }),
  compare: optional(
    object({
      methods: array(methodName, { minLength: 1, maxLength: 32 }),
      budget: object({ kind: oneOf(['steps', 'flops', 'minutes'] as const), value: number({ min: 0, max: 1e30 }) }),
      seeds: number({ min: 1, max: 100, integer: true }),
    }),
  ),
})

/** Check a recipe read from a file; throws StudioError('invalid_request') naming the field and the problem. */
export function validateRecipe(value: unknown, where = 'recipe'): GrowthRecipe {
  return validateRecipeFields(value, where) as GrowthRecipe
}

/** Parse the text of a recipe file, with the file name in the error. */
export function parseRecipe(text: string, fileName: string): GrowthRecipe {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new SyntaxError(`${fileName}: not valid JSON (${(error as Error).message})`)
  }
  return validateRecipe(raw, fileName)
}

/** True when a parsed JSON object claims to be a recipe (the CLI's --to tells recipes from configs by this). */
export const isRecipeJson = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as { format?: unknown }).format === RECIPE_FORMAT

/** POSIX shell quoting, only where needed, so the line stays readable. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

const budgetFlag = (budget: Budget): string => (budget.kind === 'steps' ? `${budget.value}steps` : budget.kind === 'flops' ? `${budget.value.toExponential()}flops` : `${budget.value}min`)

export interface RecipeCommands {
  grow: string
  /** Null when the recipe has no comparison. */
  compare: string | null
}

/**
 * The command lines that do what the recipe says. `recipeFile` is where the recipe is saved: a custom-size target
 * is passed as `--to <recipeFile>`; a preset target as its id.
 */
export function recipeCommands(recipe: GrowthRecipe, options: { recipeFile: string; growOut: string; compareOut: string }): RecipeCommands {
  const to = 'preset' in recipe.to ? recipe.to.preset : options.recipeFile
  const g = recipe.grow
  const flag = (name: string, value: string | number | undefined): string[] => (value === undefined ? [] : [`--${name}`, shellQuote(String(value))])
  // The method's settings as its flags; a switch is written only when on.
  const settingFlags = Object.entries(g.settings ?? {}).flatMap(([name, value]) =>
    typeof value === 'boolean' ? (value ? [`--${methodSettingFlag(recipe.method, name)}`] : []) : flag(methodSettingFlag(recipe.method, name), value),
  )
  const common = [...flag('data', g.data), ...flag('batch', g.batchSize), ...flag('seq', g.seqLen)]
  const grow = ['ligo grow', ...flag('from', recipe.from), ...flag('to', to), ...flag('method', recipe.method), ...settingFlags, ...common, ...flag('seed', g.seed), ...flag('out', options.growOut)].join(' ')
  const c = recipe.compare
  const compare = c
    ? [
        'ligo compare', ...flag('from', recipe.from), ...flag('to', to), ...flag('methods', c.methods.join(',')), ...flag('budget', budgetFlag(c.budget)), ...flag('seeds', c.seeds),
        ...(c.methods.includes(recipe.method) ? settingFlags : []), ...common, ...flag('seed', g.seed), ...flag('out', options.compareOut),
      ].join(' ')
    : null
  return { grow, compare }
}
