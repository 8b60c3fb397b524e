/**
 * Requests generated from the Studio API's validators (src/shared/studio-validators.ts, specs in
 * src/shared/validate.ts): a valid params object per method, and every string field in it, so a test can put a
 * hostile value into each one. A new method or field is covered as soon as its validator exists; a field whose
 * validator is written by hand (no spec) needs a sample in OPAQUE_SAMPLES, or sampleParams fails naming it.
 */
import { STUDIO_METHODS, validatorSpec, type StudioMethod, type Validator } from '../../src/shared'
import { studioParamsValidator } from '../../src/shared/studio-validators'

export type FieldPath = ReadonlyArray<string | number>

/** Values of fields whose validators have no spec (hand-written), by "method.field.path". */
const OPAQUE_SAMPLES: Record<string, unknown> = {
  'designGrowth.to': { preset: 'bert-small' },
  'growthOperator.to': { preset: 'bert-small' },
  'forward.input': { input_ids: [[1, 2, 3]] },
}

/**
 * Fields a method passes on to the engine's own validator beyond its Studio shape (runStart in
 * studio-validators.ts keeps them as given): without them the request would be refused for another reason.
 */
const ENGINE_FIELDS: Partial<Record<StudioMethod, Record<string, unknown>>> = {
  startCompare: { budget: { kind: 'steps', value: 10 }, seeds: 1 },
}

/** Hand-written validators that hold strings: each names where, so those strings are attacked too. */
export const OPAQUE_STRING_FIELDS: Record<string, ReadonlyArray<{ field: FieldPath; wrap: (value: string) => unknown }>> = {
  designGrowth: [{ field: ['to'], wrap: (configPath) => ({ configPath }) }],
  growthOperator: [{ field: ['to'], wrap: (configPath) => ({ configPath }) }],
  // a run's target: a preset, zoo id or config file as a string, or the designer's sizes (runTargetValidator)
  startGrow: [{ field: ['to'], wrap: (to) => to }],
  startCompare: [{ field: ['to'], wrap: (to) => to }],
}

/** Meaningful values by field name first (a run of a real preset with real methods), then anything the pattern takes. */
const NAMED: Record<string, readonly unknown[]> = {
  model: ['preset:bert-mini'],
  from: ['preset:bert-mini'],
  to: ['bert-mini-grown'],
  method: ['stackbert'],
  methods: [['scratch', 'stackbert']],
  data: ['moby-dick'],
  format: ['hf'],
  purpose: ['export'],
  kind: ['initial', 'steps'],
}
const GENERIC_STRINGS = ['preset:bert-mini', 'cmp-abcd', 'scratch-seed0', 'task-1', 'abcdefgh12', 'bert-mini', 'x']

function accepts(validator: Validator<unknown>, value: unknown): boolean {
  try {
    validator(value, 'sample')
    return true
  } catch {
    return false
  }
}

/** A valid value for `validator` (required fields only); `where` is "method.path" for messages and OPAQUE_SAMPLES. */
export function sampleValue(validator: Validator<unknown>, where: string, name: string | null): unknown {
  const spec = validatorSpec(validator)
  const named = name === null ? [] : (NAMED[name] ?? [])
  for (const candidate of named) if (accepts(validator, candidate)) return candidate
  if (!spec) {
    if (where in OPAQUE_SAMPLES) return OPAQUE_SAMPLES[where]
    throw new Error(`${where}: its validator is written by hand; add a sample to OPAQUE_SAMPLES in test/helpers/studio-contract.ts`)
  }
  switch (spec.kind) {
    case 'string': {
      const found = GENERIC_STRINGS.find((s) => accepts(validator, s))
      if (found === undefined) throw new Error(`${where}: no sample string matches ${spec.pattern}; add one to GENERIC_STRINGS`)
      return found
    }
    case 'number':
      return Math.max(spec.min, Math.min(spec.max, 1))
    case 'boolean':
      return false
    case 'oneOf':
      return spec.choices[0]
    case 'array':
      return Array.from({ length: Math.max(1, spec.minLength) }, (_, i) => sampleValue(spec.item, `${where}[${i}]`, name))
    case 'optional':
      return undefined
    case 'nullable':
      return sampleValue(spec.inner, where, name)
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, field] of Object.entries(spec.shape)) {
        const value = sampleValue(field, `${where}.${key}`, key)
        if (value !== undefined) out[key] = value
      }
      return out
    }
  }
}

/** A valid params object of a method. */
export function sampleParams(method: StudioMethod): Record<string, unknown> {
  return { ...(sampleValue(studioParamsValidator(method), method, null) as Record<string, unknown>), ...ENGINE_FIELDS[method] }
}

/** Every string-valued field of a method's params, optional ones and array items included (paths into the params). */
export function stringFields(method: StudioMethod): FieldPath[] {
  const found: FieldPath[] = []
  const walk = (validator: Validator<unknown>, path: FieldPath) => {
    const spec = validatorSpec(validator)
    if (!spec) return // hand-written: OPAQUE_STRING_FIELDS
    if (spec.kind === 'string') found.push(path)
    else if (spec.kind === 'optional' || spec.kind === 'nullable') walk(spec.inner, path)
    else if (spec.kind === 'array') walk(spec.item, [...path, 0])
    else if (spec.kind === 'object') for (const [key, field] of Object.entries(spec.shape)) walk(field, [...path, key])
  }
  walk(studioParamsValidator(method), [])
  return found
}

/**
 * `params` with `value` at `path`; missing objects on the way are created with their required fields (an optional
 * object such as a query), missing arrays with one sample item.
 */
export function withField(method: StudioMethod, params: Record<string, unknown>, path: FieldPath, value: unknown): Record<string, unknown> {
  const copy = structuredClone(params)
  let node: Record<string | number, unknown> = copy
  let validator: Validator<unknown> = studioParamsValidator(method)
  path.forEach((key, i) => {
    validator = childValidator(validator, key)
    if (i === path.length - 1) {
      node[key] = value
      return
    }
    if (node[key] === undefined) node[key] = sampleValue(required(validator), `${method}.${path.slice(0, i + 1).join('.')}`, String(key))
    node = node[key] as Record<string | number, unknown>
  })
  return copy
}

/** The validator inside optional(...) / nullable(...). */
function required(validator: Validator<unknown>): Validator<unknown> {
  const spec = validatorSpec(validator)
  return spec?.kind === 'optional' || spec?.kind === 'nullable' ? required(spec.inner) : validator
}

function childValidator(validator: Validator<unknown>, key: string | number): Validator<unknown> {
  const spec = validatorSpec(required(validator))
  if (spec?.kind === 'object' && typeof key === 'string') return spec.shape[key]
  if (spec?.kind === 'array' && typeof key === 'number') return spec.item
  throw new Error(`no field ${String(key)} in the validator's spec`)
}

export { STUDIO_METHODS }
