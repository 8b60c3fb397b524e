/**
 * Params validators of every Studio method (src/shared/studio-api.ts). The renderer's clients run them before
 * sending and the host runs them again before handling, so a payload that fails here never reaches the engine.
 */
import { StudioError } from './errors'
import { EXPORT_DTYPES, EXPORT_FORMATS } from './export'
import { MODEL_ID_PATTERN, MODEL_SOURCE_KINDS } from './models'
import { RUN_ID_PATTERN } from './runs'
import { BACKEND_SETTINGS, LANGUAGES, THEMES } from './settings'
import { TRAIN_SETTING_LIMITS, trainSettingsValidator } from './train'
import { UPLOAD_CHUNK_BYTES, UPLOAD_ID_PATTERN } from './upload'
import { designGrowthParamsValidator, growthOperatorParamsValidator, runTargetValidator } from './growth-design'
import type { StudioMethod, StudioParams } from './studio-api'
import { array, boolean, describeValidator, isPlainObject, nullable, number, object, oneOf, optional, string, type Validator } from './validate'

/** Task ids are chosen by the caller so it can cancel before the first response arrives. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
/** Bytes of a file's start that are enough to sniff its kind (safetensors needs its 8-byte length + some JSON). */
export const SNIFF_HEAD_BYTES = 4096

const taskId = string({ pattern: TASK_ID_PATTERN })
const modelId = string({ minLength: 3, maxLength: 160, pattern: MODEL_ID_PATTERN })
const runId = string({ pattern: RUN_ID_PATTERN })
const path = string({ minLength: 1, maxLength: 4096 })
const name = optional(string({ minLength: 1, maxLength: 120 }))
const noParams = object({}) as Validator<Record<string, never>>
/** A preset id, a built-in corpus id, a method name. */
const identifier = string({ minLength: 1, maxLength: 160 })
/** A growth method's name (engine/growth/methods): checked here too, so no other string rides to the engine in it. */
const methodName = string({ minLength: 1, maxLength: 40, pattern: /^[a-z0-9-]+$/ })
const base64 = (maxBytes: number) => string({ maxLength: Math.ceil(maxBytes / 3) * 4, pattern: /^[A-Za-z0-9+/]*={0,2}$/ })

const modelQuery = object({
  search: optional(string({ maxLength: 200 })),
  families: optional(array(identifier, { maxLength: 20 })),
  sources: optional(array(oneOf(MODEL_SOURCE_KINDS), { maxLength: MODEL_SOURCE_KINDS.length })),
  minParameters: optional(number({ min: 0 })),
  maxParameters: optional(number({ min: 0 })),
  sort: optional(oneOf(['name', 'parameters', 'date'] as const)),
  order: optional(oneOf(['asc', 'desc'] as const)),
})

const exportRequest = {
  model: modelId,
  format: oneOf(EXPORT_FORMATS),
  dtype: optional(oneOf(EXPORT_DTYPES)),
  destination: optional(path),
  name: optional(string({ minLength: 1, maxLength: 120, pattern: /^[A-Za-z0-9][A-Za-z0-9._ -]*$/ })),
}

/** The settings a Studio training run may set (shared/runs.ts TrainSettings); limits from the shared table. */
const trainSettings = optional(
  trainSettingsValidator(['batchSize', 'seqLen', 'learningRate', 'warmupSteps', 'schedule', 'weightDecay', 'clipNorm', 'seed', 'evalEvery', 'evalBatches', 'checkpointEvery', 'logEvery', 'maxExamples']),
)

/** Forward inputs are checked against the model's config by the engine; here only their outer shape. */
const forwardInput: Validator<Record<string, unknown>> = (value, where) => {
  if (!isPlainObject(value)) throw new StudioError('invalid_request', `Invalid request: ${where} must be an object`)
  return value
}

const energyPatch = optional(
  object({
    gridRegion: optional(nullable(string({ minLength: 1, maxLength: 16 }))),
    pue: optional(nullable(number({ min: 1, max: 3 }))),
    gridIntensity: optional(nullable(number({ min: 0, max: 2000 }))),
  }),
)

const validators: { [M in StudioMethod]: Validator<StudioParams<M>> } = {
  getAppInfo: noParams,
  getHardware: noParams,
  inspectPath: object({ path }),
  inspectUpload: object({
    name: string({ minLength: 1, maxLength: 255 }),
    sizeBytes: number({ min: 0, integer: true }),
    headBase64: base64(SNIFF_HEAD_BYTES),
  }),
  benchmarkMatmul: object({
    taskId,
    sizes: optional(array(number({ min: 16, max: 4096, integer: true }), { minLength: 1, maxLength: 8 })),
  }) as Validator<StudioParams<'benchmarkMatmul'>>,
  cancelTask: object({ taskId }),

  listModels: object({ query: optional(modelQuery) }) as Validator<StudioParams<'listModels'>>,
  getModel: object({ id: modelId }),
  importPaths: object({ paths: array(path, { minLength: 1, maxLength: 100 }) }),
  beginUpload: object({ name: string({ minLength: 1, maxLength: 255 }), sizeBytes: number({ min: 1, integer: true }) }),
  uploadChunk: object({
    uploadId: string({ pattern: UPLOAD_ID_PATTERN }),
    offset: number({ min: 0, integer: true }),
    dataBase64: base64(UPLOAD_CHUNK_BYTES),
  }),
  finishUpload: object({ uploadId: string({ pattern: UPLOAD_ID_PATTERN }) }),
  cancelUpload: object({ uploadId: string({ pattern: UPLOAD_ID_PATTERN }) }),
  removeModel: object({ id: modelId }),
  revealModel: object({ id: modelId }),

  planExport: object(exportRequest) as Validator<StudioParams<'planExport'>>,
  exportModel: object({ ...exportRequest, taskId, overwrite: optional(boolean()) }) as Validator<StudioParams<'exportModel'>>,
  pickFolder: object({ purpose: oneOf(['export', 'workspace'] as const) }),

  listGrowthMethods: noParams,
  designGrowth: designGrowthParamsValidator,
  growthOperator: growthOperatorParamsValidator,
  startTrain: object({ model: modelId, data: identifierOrPath(), steps: number(TRAIN_SETTING_LIMITS.steps), name, settings: trainSettings }) as Validator<
    StudioParams<'startTrain'>
  >,
  startGrow: runStart({ from: modelId, to: runTargetValidator, method: methodName, name }) as Validator<StudioParams<'startGrow'>>,
  startCompare: runStart({ from: modelId, to: runTargetValidator, methods: array(methodName, { minLength: 1, maxLength: 40 }), data: identifierOrPath(), name }) as Validator<
    StudioParams<'startCompare'>
  >,
  forward: object({ taskId, model: modelId, input: forwardInput }) as Validator<StudioParams<'forward'>>,

  listDatasets: noParams,
  listRuns: noParams,
  getRun: object({ runId }),
  readRunMetrics: object({ runId, fromOffset: number({ min: 0, integer: true }), series: optional(string({ minLength: 1, maxLength: 200, pattern: /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/ })) }),
  cancelRun: object({ runId }),
  resumeRun: object({ runId, steps: optional(number(TRAIN_SETTING_LIMITS.steps)) }),
  deleteRun: object({ runId }),

  getSettings: noParams,
  updateSettings: object({
    patch: object({
      backend: optional(oneOf(BACKEND_SETTINGS)),
      energy: energyPatch,
      workspace: optional(nullable(path)),
      language: optional(oneOf(LANGUAGES)),
      theme: optional(oneOf(THEMES)),
    }),
  }) as Validator<StudioParams<'updateSettings'>>,
}

/**
 * The Studio fields of a growth or comparison start (model ids, name); the engine's fields are kept as given and
 * checked by the engine's own validator (engine/tasks/growth-tasks.ts) in the host before the run is queued.
 */
function runStart(shape: Record<string, Validator<unknown>>): Validator<Record<string, unknown>> {
  return describeValidator<Validator<Record<string, unknown>>>((value, where) => {
    if (!isPlainObject(value)) throw new StudioError('invalid_request', `Invalid request: ${where} must be an object`)
    for (const key of ['out', 'force']) {
      if (key in value) throw new StudioError('invalid_request', `Invalid request: ${where} has field "${key}": the host chooses the run folder`)
    }
    const out: Record<string, unknown> = { ...value }
    for (const [key, check] of Object.entries(shape)) {
      const checked = check(value[key], `${where}.${key}`)
      if (checked === undefined) delete out[key]
      else out[key] = checked
    }
    return out
  }, { kind: 'object', shape })
}

/** A built-in corpus id or a path (the host checks paths before use). */
function identifierOrPath(): Validator<string> {
  return string({ minLength: 1, maxLength: 4096 })
}

export const STUDIO_METHODS = Object.keys(validators) as StudioMethod[]

/** The params validator of a method (tests generate requests from it: validatorSpec in ./validate.ts). */
export function studioParamsValidator(method: StudioMethod): Validator<unknown> {
  return validators[method] as Validator<unknown>
}

export function isStudioMethod(name: unknown): name is StudioMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(validators, name)
}

/** Validate a request: the method must exist and its params must match exactly. */
export function validateStudioParams<M extends StudioMethod>(method: M, params: unknown): StudioParams<M>
export function validateStudioParams(method: unknown, params: unknown): unknown
export function validateStudioParams(method: unknown, params: unknown): unknown {
  if (!isStudioMethod(method)) {
    throw new StudioError('unknown_method', `Unknown method ${JSON.stringify(method)?.slice(0, 60)}. Expected one of: ${STUDIO_METHODS.join(', ')}`)
  }
  return validators[method](params === undefined ? {} : params, `${method} params`)
}
