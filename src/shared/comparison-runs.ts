/**
 * Comparisons as runs of the Studio API (issue 12, the runs view): list them with state and progress, read one's
 * detail and its sub-runs' metrics logs from an offset (a reopened window catches up), start one (queued: the
 * engine runs one at a time), cancel, resume from the last checkpoint, delete. Implemented by
 * src/host/comparison-runs.ts; one folder per comparison (engine/experiments/README.md, "Experiment folder").
 * A separate file so the generic runs API (listRuns, getRun, ...) can absorb it without touching studio-api.ts's
 * other methods.
 */
import type { CompareParams, ComparisonReport } from './growth'
import type { MetricRecord } from './train'
import { StudioError } from './errors'
import { array, boolean, isPlainObject, number, object, oneOf, optional, string, type Validator } from './validate'

export type ComparisonState = 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | 'cancelled'

export interface ComparisonListItem {
  id: string
  kind: 'compare'
  /** "resources/seeds/bert-moby → bert-mini: scratch, ligo". */
  name: string
  state: ComparisonState
  /** Progress over every method and seed: steps logged of the steps the budget allows. */
  done: number
  total: number
  unit: string
  etaSeconds: number | null
  createdAt: string
  error: string | null
}

export interface ComparisonSubRunInitial {
  loss: number
  flops: number
  wallSeconds: number
  joules: number | null
}

export interface ComparisonSubRun {
  /** "ligo-seed0": the run folder's name. */
  key: string
  method: string
  seed: number
  /** 'stopped': started, not finished, and the comparison is not running now. */
  status: 'pending' | 'running' | 'stopped' | 'done' | 'skipped'
  initial: ComparisonSubRunInitial | null
  createdAt: string | null
}

/** Fact keys the renderer translates (runs.facts.<key>); values are data (paths, numbers, names). */
export type ComparisonFactKey = 'from' | 'to' | 'methods' | 'data' | 'budget' | 'seeds' | 'batch' | 'evalEvery' | 'backend' | 'cpu' | 'energy' | 'grid' | 'folder'

export interface ComparisonDetail {
  item: ComparisonListItem
  /** The large model's family (the paper pair of the headline). */
  family: string | null
  facts: Array<[ComparisonFactKey, string]>
  /** What the comparison was started with ("duplicate with changes"). */
  params: ComparisonStartParams
  subRuns: ComparisonSubRun[]
  /** The small model's validation loss per seed. */
  sourceLoss: Record<string, number>
  report: ComparisonReport | null
}

export interface ComparisonMetricsChunk {
  records: MetricRecord[]
  /** Byte offset to pass back: only what was written since is read. */
  nextOffset: number
  /** The log was cut back (a resume restarts from the last checkpoint): these records replace what was read. */
  reset: boolean
}

/** Everything of CompareParams but the folder, which the host chooses. */
export type ComparisonStartParams = Omit<CompareParams, 'out'>

export interface ComparisonMethods {
  listComparisons: { params: Record<string, never>; result: ComparisonListItem[] }
  getComparison: { params: { id: string }; result: ComparisonDetail }
  readComparisonMetrics: { params: { id: string; subRun: string; offset: number }; result: ComparisonMetricsChunk }
  startComparison: { params: { params: ComparisonStartParams }; result: { id: string } }
  cancelComparison: { params: { id: string }; result: { state: ComparisonState } }
  resumeComparison: { params: { id: string }; result: { state: ComparisonState } }
  deleteComparison: { params: { id: string }; result: { deleted: boolean } }
}

export const COMPARISON_ID_PATTERN = /^cmp-[a-z0-9-]{4,40}$/
export const SUB_RUN_PATTERN = /^[a-z0-9-]{1,40}-seed\d{1,6}$/
/** Events of a comparison carry this task id, so the runs view can follow it. */
export const comparisonTaskId = (id: string): string => id

const id = string({ pattern: COMPARISON_ID_PATTERN })
const shortText = string({ minLength: 1, maxLength: 4096 })
const count = (max: number) => optional(number({ min: 1, max, integer: true }))

type MethodSettings = Record<string, Record<string, number | string | boolean>> | undefined

/** Per-method settings ({ ligo: { operatorSteps: 25 } }): names and ranges are checked by the engine's schemas. */
const settings: Validator<MethodSettings> = (value, where) => {
  if (value === undefined) return undefined
  const methods = object({})(isPlainObject(value) ? {} : value, where) && (value as Record<string, unknown>)
  const name = string({ pattern: /^[a-z0-9-]{1,40}$/ })
  return Object.fromEntries(
    Object.entries(methods).map(([method, values]) => {
      name(method, `${where} method name`)
      if (!isPlainObject(values)) object({})(values, `${where}.${method}`)
      for (const [key, v] of Object.entries(values as Record<string, unknown>)) {
        if (!['number', 'string', 'boolean'].includes(typeof v)) throw new StudioError('invalid_request', `Invalid request: ${where}.${method}.${key} must be a number, text or true/false`)
      }
      return [method, values as Record<string, number | string | boolean>]
    }),
  )
}

/** The validators of the comparison methods (studio-validators.ts adds them to the Studio API's table). */
export function comparisonValidators(): { [M in keyof ComparisonMethods]: Validator<ComparisonMethods[M]['params']> } {
  const startParams = object({
    from: shortText,
    to: shortText,
    methods: array(string({ pattern: /^[a-z0-9-]{1,40}$/ }), { minLength: 1, maxLength: 16 }),
    data: shortText,
    budget: object({ kind: oneOf(['steps', 'flops', 'minutes'] as const), value: number({ min: 0 }) }),
    seeds: count(100),
    seed: optional(number({ min: 0, integer: true })),
    batchSize: count(4096),
    seqLen: count(65536),
    evalEvery: optional(number({ min: 0, integer: true })),
    evalBatches: count(1000),
    checkpointEvery: count(1_000_000),
    settings,
    maxExamples: count(100_000_000),
    acceptSourceSplit: optional(boolean()),
  }) as Validator<ComparisonStartParams>
  return {
    listComparisons: object({}) as Validator<Record<string, never>>,
    getComparison: object({ id }),
    readComparisonMetrics: object({ id, subRun: string({ pattern: SUB_RUN_PATTERN }), offset: number({ min: 0, integer: true }) }),
    startComparison: object({ params: startParams }),
    cancelComparison: object({ id }),
    resumeComparison: object({ id }),
    deleteComparison: object({ id }),
  }
}

/** Method names, in the contract's order. */
export const COMPARISON_METHODS: ReadonlyArray<keyof ComparisonMethods> = ['listComparisons', 'getComparison', 'readComparisonMetrics', 'startComparison', 'cancelComparison', 'resumeComparison', 'deleteComparison']
