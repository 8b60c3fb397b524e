/**
 * The engine method `train`: a training run in the engine process (train/run-training.ts), with progress and
 * metric events for the host. Cancelling the request stops the loop at the next step boundary; the loop writes a
 * checkpoint first, so the host can print how to resume.
 */
import { version as LIGO_VERSION } from '../../../package.json'
import {
  StudioError,
  boolean,
  object,
  optional,
  string,
  trainSettingValidators,
  type EngineEvent,
  type HardwareRecord,
  type TrainParams,
  type TrainResult,
  type Validator,
} from '../../shared'
import type { Tf } from '../backend'
import { ensureGradients } from '../backend/gradients'
import { runTraining } from '../train/run-training'

/** Model, data and folder here; every setting's limits come from the shared table (shared/train.ts). */
export const trainParamsValidator: Validator<TrainParams> = object({
  model: optional(string({ minLength: 1 })),
  data: optional(string({ minLength: 1 })),
  runDir: string({ minLength: 1 }),
  resume: optional(boolean()),
  ...trainSettingValidators,
}) as Validator<TrainParams>

export interface TrainTaskContext {
  taskId: string
  signal: AbortSignal
  emit(event: EngineEvent): void
}

export async function trainTask(tf: Tf, hardware: HardwareRecord, params: TrainParams, request: TrainTaskContext): Promise<TrainResult> {
  const { taskId, emit } = request
  await ensureGradients()
  const log = (message: string) => emit({ type: 'task.log', taskId, level: 'info', message })
  const result = await runTraining({
    ...params,
    backend: tf.getBackend(),
    hardware,
    versions: { ligo: LIGO_VERSION, tfjs: tf.version_core, node: process.versions.node },
    signal: request.signal,
    onLog: log,
    onProgress: (p) =>
      emit({ type: 'task.progress', taskId, done: p.step, total: p.steps, unit: 'steps', elapsedSeconds: p.elapsedSeconds, etaSeconds: p.etaSeconds, message: `step ${p.step}/${p.steps}` }),
    onMetrics: (r) => {
      const values: Record<string, number> = { step: r.step, examples: r.examples, flops: r.flops, wallSeconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, trainLoss: r.trainLoss, trainLossMean: r.trainLossMean, gradNorm: r.gradNorm, lr: r.lr }
      if (r.tokens !== undefined) values.tokens = r.tokens
      if (r.eval) {
        values.evalLoss = r.eval.loss
        if (r.eval.perplexity !== undefined) values.evalPerplexity = r.eval.perplexity
        if (r.eval.accuracy !== undefined) values.evalAccuracy = r.eval.accuracy
      }
      emit({ type: 'task.metric', taskId, values })
    },
    onCheckpoint: (c) => log(`checkpoint at step ${c.step}: ${c.path}`),
  })
  if (result.step < result.steps && request.signal.aborted) {
    throw new StudioError('cancelled', `Training stopped at step ${result.step} of ${result.steps}; checkpoint ${result.checkpoint ?? '(none)'}`)
  }
  return result
}
