/**
 * The "New training run" form as data: its values, each field's problem by the shared limits (shared/train.ts
 * TRAIN_SETTING_LIMITS, the table the engine's and the Studio API's validators use), and the startTrain params it
 * sends. Text models take a sequence length; image models read their image size from the model's config.
 */
import { TRAIN_DEFAULTS, trainFieldProblem, type LrSchedule, type TrainFieldProblem } from '../../../../shared/train'
import type { StartTrainParams } from '../../../../shared/runs'

export type Modality = 'text' | 'image'

export interface TrainFormValues {
  model: string
  data: string
  /** Numbers as the inputs give them: '' (or null) when empty. */
  steps: number | string | null
  batchSize: number | string | null
  seqLen: number | string | null
  learningRate: number | string | null
  schedule: LrSchedule
  seed: number | string | null
  evalEvery: number | string | null
}

export const NUMERIC_FIELDS = ['steps', 'batchSize', 'seqLen', 'learningRate', 'seed', 'evalEvery'] as const
export type TrainFormField = 'model' | 'data' | (typeof NUMERIC_FIELDS)[number]
export type TrainFormProblems = Partial<Record<TrainFormField, TrainFieldProblem>>

/** A short first run: enough steps for a few evaluations, small enough to finish in minutes on a laptop. */
export const DEFAULT_TRAIN_STEPS = 200

export function defaultTrainForm(model = '', data = ''): TrainFormValues {
  return { model, data, steps: DEFAULT_TRAIN_STEPS, batchSize: TRAIN_DEFAULTS.batchSize, seqLen: TRAIN_DEFAULTS.seqLen, learningRate: TRAIN_DEFAULTS.learningRate, schedule: TRAIN_DEFAULTS.schedule, seed: TRAIN_DEFAULTS.seed, evalEvery: TRAIN_DEFAULTS.evalEvery }
}

/** The form's values of a run's start params ("duplicate with changes", a zoo card's Train). */
export function trainFormOf(params: StartTrainParams): TrainFormValues {
  const s = params.settings ?? {}
  const d = defaultTrainForm(params.model, params.data)
  return { ...d, steps: params.steps, batchSize: s.batchSize ?? d.batchSize, seqLen: s.seqLen ?? d.seqLen, learningRate: s.learningRate ?? d.learningRate, schedule: s.schedule ?? d.schedule, seed: s.seed ?? d.seed, evalEvery: s.evalEvery ?? d.evalEvery }
}

const numberOf = (value: number | string | null): number | null => (value === null || (typeof value === 'string' && value.trim() === '') ? null : Number(value))

/** Each field's problem; an empty object when the form can be sent. Image models have no sequence length. */
export function trainFormProblems(values: TrainFormValues, modality: Modality): TrainFormProblems {
  const problems: TrainFormProblems = {}
  if (values.model.trim() === '') problems.model = { kind: 'required' }
  if (values.data.trim() === '') problems.data = { kind: 'required' }
  for (const field of NUMERIC_FIELDS) {
    if (field === 'seqLen' && modality === 'image') continue
    const problem = trainFieldProblem(field, numberOf(values[field]), field === 'steps')
    if (problem) problems[field] = problem
  }
  return problems
}

/** The startTrain params of a valid form (empty optional fields take the engine's defaults). */
export function trainFormParams(values: TrainFormValues, modality: Modality): StartTrainParams {
  const settings: NonNullable<StartTrainParams['settings']> = { schedule: values.schedule }
  const set = (field: 'batchSize' | 'seqLen' | 'learningRate' | 'seed' | 'evalEvery') => {
    const value = numberOf(values[field])
    if (value !== null) settings[field] = value
  }
  set('batchSize')
  set('learningRate')
  set('seed')
  set('evalEvery')
  if (modality === 'text') set('seqLen')
  return { model: values.model, data: values.data.trim(), steps: numberOf(values.steps) ?? DEFAULT_TRAIN_STEPS, settings }
}
