/**
 * The engine methods `grow` and `compare` (engine/experiments): one growth written to disk, and a side-by-side
 * comparison of growth methods against training from scratch, with progress (ETA), metric and log events for the
 * host. Cancelling `compare` stops the running method at its next step with a checkpoint; the same call again
 * resumes the comparison.
 */
import { version as LIGO_VERSION } from '../../../package.json'
import {
  LR_SCHEDULES,
  StudioError,
  array,
  boolean,
  number,
  object,
  oneOf,
  optional,
  string,
  type CompareParams,
  type CompareResult,
  type EngineEvent,
  type GrowParams,
  type GrowResult,
  type HardwareRecord,
  type MethodSettingValue,
  type Validator,
  isPlainObject,
} from '../../shared'
import type { Tf } from '../backend'
import { ensureGradients } from '../backend/gradients'
import { runComparison } from '../experiments/compare'
import { growCheckpoint } from '../experiments/grow'

const count = (min: number) => optional(number({ min, max: 1e9, integer: true }))
const rate = optional(number({ min: 0, max: 10 }))

const scheduleValidator = optional(object({ learningRate: rate, warmupSteps: count(0), schedule: optional(oneOf(LR_SCHEDULES)) }))

/** A method's settings: names to numbers, strings or booleans (the engine checks them against the method's schema). */
const settingValues: Validator<Record<string, MethodSettingValue>> = (value, where) => {
  if (!isPlainObject(value) || Object.keys(value).length > 50) throw new StudioError('invalid_request', `Invalid request: ${where} must be an object of at most 50 settings`)
  for (const [key, v] of Object.entries(value)) {
    if (key.length > 60 || !['number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length > 200)) throw new StudioError('invalid_request', `Invalid request: ${where}.${key.slice(0, 60)} must be a number, a short string or a boolean`)
  }
  return { ...value } as Record<string, MethodSettingValue>
}
const perMethodSettings: Validator<Record<string, Record<string, MethodSettingValue>>> = (value, where) => {
  if (!isPlainObject(value) || Object.keys(value).length > 50) throw new StudioError('invalid_request', `Invalid request: ${where} must be an object of at most 50 methods`)
  return Object.fromEntries(Object.entries(value).map(([method, v]) => [method, settingValues(v, `${where}.${method.slice(0, 60)}`)]))
}

export const growParamsValidator = object({
  from: string({ minLength: 1 }),
  to: string({ minLength: 1 }),
  method: string({ minLength: 1 }),
  out: string({ minLength: 1 }),
  data: optional(string({ minLength: 1 })),
  seed: optional(number({ min: 0, max: 2 ** 32 - 1, integer: true })),
  batchSize: count(1),
  seqLen: count(3),
  settings: optional(settingValues),
  force: optional(boolean()),
}) as Validator<GrowParams>

export const compareParamsValidator = object({
  from: string({ minLength: 1 }),
  to: string({ minLength: 1 }),
  methods: array(string({ minLength: 1 }), { minLength: 1, maxLength: 20 }),
  data: string({ minLength: 1 }),
  budget: object({ kind: oneOf(['steps', 'flops', 'minutes'] as const), value: number({ min: 0, max: 1e30 }) }),
  out: string({ minLength: 1 }),
  seeds: optional(number({ min: 1, max: 100, integer: true })),
  seed: optional(number({ min: 0, max: 2 ** 32 - 1, integer: true })),
  batchSize: count(1),
  seqLen: count(3),
  scratch: scheduleValidator,
  grown: scheduleValidator,
  weightDecay: rate,
  clipNorm: optional(number({ min: 0, max: 1e6 })),
  evalEvery: count(0),
  evalBatches: count(1),
  checkpointEvery: count(0),
  settings: optional(perMethodSettings),
  splitSeed: optional(number({ min: 0, max: 2 ** 32 - 1, integer: true })),
  acceptSourceSplit: optional(boolean()),
  maxExamples: count(2),
  ladder: optional(array(number({ min: 0, max: 1 }), { minLength: 1, maxLength: 10 })),
  energy: optional(boolean()),
}) as Validator<CompareParams>

export interface GrowthTaskContext {
  taskId: string
  signal: AbortSignal
  emit(event: EngineEvent): void
}

const logger = (request: GrowthTaskContext) => (message: string) => request.emit({ type: 'task.log', taskId: request.taskId, level: 'info', message })

export async function growTask(_tf: Tf, params: GrowParams, request: GrowthTaskContext): Promise<GrowResult> {
  await ensureGradients()
  const { taskId, emit } = request
  const t0 = performance.now()
  return growCheckpoint(params, {
    signal: request.signal,
    onLog: logger(request),
    onOperatorStep: (step, steps) => {
      const elapsed = (performance.now() - t0) / 1000
      emit({ type: 'task.progress', taskId, done: step, total: steps, unit: 'steps', elapsedSeconds: elapsed, etaSeconds: (elapsed / step) * (steps - step), message: `operator step ${step}/${steps}` })
    },
  })
}

export async function compareTask(tf: Tf, hardware: HardwareRecord, params: CompareParams, request: GrowthTaskContext): Promise<CompareResult> {
  await ensureGradients()
  const { taskId, emit } = request
  const t0 = performance.now()
  const result = await runComparison(params, {
    backend: tf.getBackend(),
    hardware,
    versions: { ligo: LIGO_VERSION, tfjs: tf.version_core, node: process.versions.node },
    signal: request.signal,
    onLog: logger(request),
    onProgress: (p) =>
      emit({
        type: 'task.progress',
        taskId,
        done: p.step,
        total: p.steps,
        unit: 'steps',
        elapsedSeconds: (performance.now() - t0) / 1000,
        etaSeconds: p.overallEtaSeconds,
        message: `run ${p.run}/${p.runs} ${p.method} seed ${p.seed} ${p.phase === 'operator' ? 'operator ' : ''}step ${p.step}/${p.steps}`,
      }),
    // Metric values are numbers only: the method is its index in params.methods (scratch runs first but keeps its index).
    onMetrics: (method, seed, r) => {
      const values: Record<string, number> = { methodIndex: params.methods.indexOf(method), seed, step: r.step, flops: r.flops, wallSeconds: r.wallSeconds, trainLoss: r.trainLoss, lr: r.lr }
      if (r.eval) values.evalLoss = r.eval.loss
      emit({ type: 'task.metric', taskId, values })
    },
  })
  if (request.signal.aborted) throw new StudioError('cancelled', 'Comparison cancelled')
  return result
}
