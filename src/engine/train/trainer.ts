/**
 * The training loop. Sees the model only through the family registry (init, forward, loss, noDecay); data through
 * TrainingData; writes through an optional RunFolder.
 *
 * One step: batch -> tensors -> loss and gradients (tf.variableGrads) -> clip by global norm -> AdamW, all in one
 * tf.tidy. Scalars (loss, gradient norm) stay on the device and are read back only at the logging cadence: reading
 * stalls the pipeline (style.md "Sync points"). A run is a pure function of its seed: initial weights from
 * family.init(config, seed), data order and MLM masks from (seed, epoch, example), dropout from hash32(seed, step);
 * so a run resumed from a checkpoint produces the same losses as one that never stopped.
 * Cancellation (AbortSignal) is honoured at step boundaries: the loop logs the step, writes a checkpoint and returns.
 */
import * as tf from '@tensorflow/tfjs-core'
import { hash32 } from '../data'
import type { ModelConfig } from '../models/config'
import type { AttentionImplChoice } from '../models/layers/attention'
import type { ParamMap } from '../models/layers/params'
import { getFamily, type ModelFamily } from '../models/registry'
import type { ModelInputs } from '../models/types'
import { trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import type { EvalMetrics, LrSchedule, MetricRecord } from '../../shared/train'
import type { MetricEnergy } from '../../shared/energy'
import { AdamW } from './adamw'
import { imageBatchTensors, textBatchTensors, type StepTensors } from './batch-tensors'
import { writeCheckpointFiles, type LoadedCheckpoint, type RunCounters, type TrainerState } from './checkpoint'
import { clipByGlobalNorm } from './clip'
import type { RunFolder } from './run-folder'
import { checkSchedule, learningRateAt } from './schedule'
import type { TrainingData } from './training-data'

export interface TrainerOptions {
  config: ModelConfig
  data: TrainingData
  /** Total optimizer steps (a resumed run continues up to this). */
  steps: number
  learningRate: number
  warmupSteps: number
  schedule: LrSchedule
  weightDecay: number
  /** Global-norm clipping threshold; 0 = off. */
  clipNorm: number
  seed: number
  /** Evaluate every N steps and at the end; 0 = only at the end. */
  evalEvery: number
  evalBatches: number
  logEvery: number
  /** Checkpoint every N steps and at the end/on cancel (only with a runFolder); 0 = only at the end/on cancel. */
  checkpointEvery: number
  keepCheckpoints: number
  /** Starting weights (caller keeps ownership); default family.init(config, seed). */
  initialParams?: ParamMap
  /** Continue from this checkpoint (weights, optimizer, counters, data position). */
  resumeFrom?: LoadedCheckpoint
  runFolder?: RunFolder<object>
  signal?: AbortSignal
  attention?: AttentionImplChoice
  onMetrics?(record: MetricRecord): void
  onProgress?(progress: { step: number; steps: number; elapsedSeconds: number; etaSeconds: number | null }): void
  onCheckpoint?(info: { step: number; path: string }): void
  /**
   * Energy metering (engine/metrics/energy/run-energy.ts): called at each metrics line, after the read-back (so the
   * step's device work is done), returning the line's energy fields: the run's joules and the window since the last line.
   */
  energy?: { window(step: number): Promise<MetricEnergy> }
}

export interface TrainOutcome {
  step: number
  cancelled: boolean
  checkpoint: string | null
  last: MetricRecord | null
  counters: RunCounters
  /** This session only (a resumed run counts from its resume). */
  session: { steps: number; wallSeconds: number; examples: number; tokens: number }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

function checkOptions(o: TrainerOptions): void {
  const int = (name: string, value: number, min: number) => {
    if (!(Number.isInteger(value) && value >= min)) throw new Error(`Training option ${name} must be an integer >= ${min}, got ${value}`)
  }
  int('steps', o.steps, 1)
  int('evalEvery', o.evalEvery, 0)
  int('evalBatches', o.evalBatches, 1)
  int('logEvery', o.logEvery, 1)
  int('checkpointEvery', o.checkpointEvery, 0)
  int('keepCheckpoints', o.keepCheckpoints, 1)
  checkSchedule({ peak: o.learningRate, warmupSteps: o.warmupSteps, totalSteps: o.steps, kind: o.schedule })
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

export async function train(options: TrainerOptions): Promise<TrainOutcome> {
  checkOptions(options)
  const { config, data, steps, seed } = options
  const family = getFamily(config.family)
  family.validate(config)
  const objective = family.objective
  const stepFlops = trainingStepFlops(flopsShapeOf(config, { seqLen: data.kind === 'text' ? (data.description.seqLen ?? undefined) : undefined }), data.batchSize)
  const schedule = { peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: steps, kind: options.schedule }

  // Parameters as variables named by canonical name (prefix keeps names unique across runs in one process).
  const prefix = `train${hash32(Date.now(), seed, Math.floor(performance.now() * 1000)).toString(16)}`
  const variables: Record<string, tf.Variable> = {}
  const resume = options.resumeFrom
  {
    const initial = resume ? null : (options.initialParams ?? family.init(config, seed))
    const names = resume ? Object.keys(resume.weights) : Object.keys(initial!)
    for (const name of names) {
      variables[name] = tf.tidy(() =>
        tf.variable(resume ? tf.tensor(resume.weights[name].data, resume.weights[name].shape, 'float32') : initial![name], true, `${prefix}/${name}`),
      )
    }
    if (initial && !options.initialParams) tf.dispose(Object.values(initial))
  }
  const optimizer = new AdamW(variables, { weightDecay: options.weightDecay, noDecay: family.noDecay })
  const varNames = new Map(Object.entries(variables).map(([name, v]) => [v.name, name]))

  let step = 0
  let counters: RunCounters = { examples: 0, tokens: 0, flops: 0, wallSeconds: 0, cpuSeconds: 0 }
  if (resume) {
    optimizer.loadState(resume.optimizer)
    step = resume.state.step
    counters = { ...resume.state.counters }
    data.train.restore(resume.state.iterator)
  }
  const startStep = step
  const sessionWall0 = performance.now()
  const sessionCpu0 = cpuSeconds()
  const base = { ...counters }
  const sync = () => {
    counters.wallSeconds = base.wallSeconds + (performance.now() - sessionWall0) / 1000
    counters.cpuSeconds = base.cpuSeconds + (cpuSeconds() - sessionCpu0)
  }

  // Device-side scalars, replaced each step (a fixed number of live tensors: no growth across steps).
  let lossSum: tf.Scalar = tf.scalar(0)
  let lastLoss: tf.Scalar | null = null
  let lastNorm: tf.Scalar | null = null
  let lossCount = 0
  let lastLr = 0
  let last: MetricRecord | null = null
  let checkpoint: string | null = null
  let checkpointStep = resume ? startStep : -1

  const paramsView = (): ParamMap => variables

  const logLine = async (evalMetrics: EvalMetrics | undefined) => {
    // The one read-back per logging interval.
    const [lossNow, sumNow, normNow] = await Promise.all([lastLoss!.data(), lossSum.data(), lastNorm!.data()])
    sync()
    const energy = options.energy ? await options.energy.window(step) : undefined
    const record: MetricRecord = {
      step,
      examples: counters.examples,
      ...(data.kind === 'text' ? { tokens: counters.tokens } : {}),
      flops: counters.flops,
      wallSeconds: counters.wallSeconds,
      cpuSeconds: counters.cpuSeconds,
      trainLoss: lossNow[0],
      trainLossMean: sumNow[0] / Math.max(1, lossCount),
      gradNorm: normNow[0],
      lr: lastLr,
      ...(evalMetrics ? { eval: evalMetrics } : {}),
      ...(energy ? { energy } : {}),
    }
    lossSum.dispose()
    lossSum = tf.scalar(0)
    lossCount = 0
    options.runFolder?.appendMetrics(record)
    options.onMetrics?.(record)
    last = record
  }

  const saveCheckpoint = async () => {
    if (!options.runFolder) return
    sync()
    const state: TrainerState = {
      format: 'ligo-trainer-state',
      version: 1,
      step,
      counters: { ...counters },
      iterator: data.train.state,
      rng: { seed, dropoutSeed: 'hash32(seed, step)' },
      optimizer: { step: optimizer.step, beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon, weightDecay: optimizer.weightDecay },
    }
    const optimizerState = optimizer.exportState()
    checkpoint = await options.runFolder.writeCheckpoint(step, options.keepCheckpoints, (dir) =>
      writeCheckpointFiles(dir, { params: variables, config, optimizer: optimizerState, state }),
    )
    checkpointStep = step
    options.onCheckpoint?.({ step, path: checkpoint })
  }

  const tensorsOf = (batch: Parameters<typeof textBatchTensors>[0] | Parameters<typeof imageBatchTensors>[0]): StepTensors =>
    data.kind === 'text' ? textBatchTensors(batch as Parameters<typeof textBatchTensors>[0], objective) : imageBatchTensors(batch as Parameters<typeof imageBatchTensors>[0], config.family)

  let cancelled = false
  try {
    while (step < steps) {
      if (options.signal?.aborted) {
        cancelled = true
        break
      }
      const batch = data.train.next()
      lastLr = learningRateAt(step, schedule)
      const dropoutSeed = hash32(seed, step)
      const result = tf.tidy(() => {
        const t = tensorsOf(batch)
        const forwardOptions = { training: true, dropoutSeed, attention: options.attention, ...t.forward }
        const lossOf = () => family.loss(family.forward(paramsView(), config, t.inputs as ModelInputs, forwardOptions), t.targets)
        const { value, grads } = tf.variableGrads(lossOf, Object.values(variables))
        const byName: Record<string, tf.Tensor> = {}
        for (const [varName, g] of Object.entries(grads)) byName[varNames.get(varName)!] = g
        const { grads: clipped, norm } = clipByGlobalNorm(byName, options.clipNorm)
        optimizer.apply(clipped, lastLr)
        return { loss: value, norm, sum: tf.add(lossSum, value) as tf.Scalar }
      })
      tf.dispose([lossSum, lastLoss, lastNorm].filter((t): t is tf.Scalar => t !== null))
      lossSum = result.sum
      lastLoss = result.loss
      lastNorm = result.norm
      lossCount += 1
      step += 1
      counters.examples += data.batchSize
      counters.tokens += data.tokensPerBatch
      counters.flops += stepFlops

      const evalDue = step === steps || (options.evalEvery > 0 && step % options.evalEvery === 0)
      const checkpointDue = step === steps || (options.checkpointEvery > 0 && step % options.checkpointEvery === 0)
      if (evalDue || checkpointDue || step % options.logEvery === 0) {
        await logLine(evalDue ? await evaluate(family, config, data, options, paramsView()) : undefined)
      }
      // Progress every step (no read-back involved); the host's event batcher coalesces them.
      const elapsed = (performance.now() - sessionWall0) / 1000
      options.onProgress?.({ step, steps, elapsedSeconds: elapsed, etaSeconds: ((elapsed / (step - startStep)) * (steps - step)) })
      if (checkpointDue) await saveCheckpoint()
      // Lets cancel messages and the event batcher run between steps.
      await yieldToEventLoop()
    }
    if (cancelled && step > checkpointStep) {
      if (last === null || (last as MetricRecord).step !== step) {
        if (lastLoss) await logLine(undefined)
      }
      await saveCheckpoint()
    }
  } finally {
    options.runFolder?.closeMetrics()
    tf.dispose([lossSum, lastLoss, lastNorm].filter((t): t is tf.Scalar => t !== null))
    optimizer.dispose()
    tf.dispose(Object.values(variables))
  }
  sync()
  const wall = (performance.now() - sessionWall0) / 1000
  return {
    step,
    cancelled,
    checkpoint,
    last,
    counters,
    session: { steps: step - startStep, wallSeconds: wall, examples: counters.examples - base.examples, tokens: counters.tokens - base.tokens },
  }
}

/**
 * Loss on up to evalBatches validation batches (dropout off), weighted by the positions/images each counts;
 * perplexity = exp(loss) for text, accuracy for images. One read-back at the end.
 */
export async function evaluate(family: ModelFamily, config: ModelConfig, data: TrainingData, options: Pick<TrainerOptions, 'evalBatches' | 'attention'>, params: ParamMap): Promise<EvalMetrics> {
  const iterator = data.validation()
  const batches = Math.min(options.evalBatches, iterator.batchesPerEpoch)
  let weightedLoss: tf.Scalar = tf.scalar(0)
  let correct: tf.Scalar = tf.scalar(0)
  let counted = 0
  let examples = 0
  for (let i = 0; i < batches; i++) {
    const batch = iterator.next()
    const next = tf.tidy(() => {
      const t = data.kind === 'text' ? textBatchTensors(batch as Parameters<typeof textBatchTensors>[0], family.objective) : imageBatchTensors(batch as Parameters<typeof imageBatchTensors>[0], 'eval')
      // DeiT evaluates its averaged heads (inference mode), so deitHeads is not passed here.
      const logits = family.forward(params, config, t.inputs as ModelInputs, { training: false, attention: options.attention, outputPositions: t.forward.outputPositions })
      const loss = tf.add(weightedLoss, tf.mul(family.loss(logits, t.targets), t.lossCount)) as tf.Scalar
      const hits = data.kind === 'image' ? tf.add(correct, tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.cast(t.targets.labels, 'int32')), 'float32'))) : tf.clone(correct)
      return { loss, hits: hits as tf.Scalar, count: t.lossCount }
    })
    weightedLoss.dispose()
    correct.dispose()
    weightedLoss = next.loss
    correct = next.hits
    counted += next.count
    examples += 'pixels' in batch ? batch.shape[0] : batch.shape[0]
    await yieldToEventLoop()
  }
  const [lossTotal, hitTotal] = await Promise.all([weightedLoss.data(), correct.data()])
  weightedLoss.dispose()
  correct.dispose()
  const loss = lossTotal[0] / Math.max(1, counted)
  return data.kind === 'text' ? { loss, perplexity: Math.exp(loss), examples } : { loss, accuracy: hitTotal[0] / Math.max(1, examples), examples }
}
