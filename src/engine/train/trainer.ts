/**
 * The training loop. Sees the model only through the family registry (init, forward, loss, noDecay); data through
 * TrainingData; writes through an optional RunFolder.
 *
 * One step: batch -> tensors -> loss and gradients -> clip by global norm -> AdamW (update-step.ts), all in one
 * tf.tidy. Scalars (loss, gradient norm) stay on the device and are read back only at the logging cadence: reading
 * stalls the pipeline (style.md "Sync points"). A run is a pure function of its seed: initial weights from
 * family.init(config, seed), data order and MLM masks from (seed, epoch, example), dropout from hash32(seed, step);
 * so a run resumed from a checkpoint produces the same losses as one that never stopped.
 * Cancellation (AbortSignal) is honoured at step boundaries: the loop logs the step, writes a checkpoint and returns.
 *
 * Hooks for the growth comparisons (engine/experiments/method-trainer.ts; plain `ligo train` uses none of them):
 *   - lossAt: a step's loss other than the family's alone (KI's distillation from a teacher, docs/growth/baselines.md §6.6);
 *   - stageAt: which parameters train at a step (MSLT, §6.2): one AdamW per stage over the trained subset, so frozen
 *     weights get neither updates nor weight decay; a checkpoint holds the active stage's moments (zeros elsewhere);
 *   - stepFlops and startCounters: a per-step cost other than the plain step's and the work done before the first
 *     step (the growth phase), so a FLOPs or time budget covers all the work a method does (§3.3);
 *   - growthMasksAt: the growth masks of a step, passed to every forward of that step, evaluations included (MSG,
 *     docs/growth/msg.md: the new parts of a grown model enter through masks ramping 0 -> 1);
 *   - steps null + wallLimitSeconds: a wall-clock budget; the schedule's length is calibrated from the first
 *     CALIBRATION_STEPS steps' speed, then fixed (onHorizon stores it); excludeEvalTime keeps evaluations out of wall time.
 */
import * as tf from '@tensorflow/tfjs-core'
import { hash32 } from '../data'
import type { ModelConfig } from '../models/config'
import type { AttentionImplChoice } from '../models/layers/attention'
import type { ParamMap } from '../models/layers/params'
import { getFamily, type ModelFamily } from '../models/registry'
import type { GrowthMasks } from '../models/growth-masks'
import type { ForwardOptions, ModelInputs } from '../models/types'
import { trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import type { EvalMetrics, LrSchedule, MetricRecord } from '../../shared/train'
import type { MetricEnergy } from '../../shared/energy'
import { AdamW, type AdamWState } from './adamw'
import { batchTensors, type StepTensors } from './batch-tensors'
import { writeCheckpointFiles, type LoadedCheckpoint, type RunCounters, type TrainerState } from './checkpoint'
import type { RunFolder } from './run-folder'
import { checkSchedule, learningRateAt } from './schedule'
import type { TrainingData } from './training-data'
import { updateStep } from './update-step'

/** Steps timed before a wall-clock budget fixes the schedule's length. */
export const CALIBRATION_STEPS = 3

/** The parameters one stage trains (MSLT); a stage change replaces the optimizer. */
export interface StageSpec {
  name: string
  /** Parameter names trained in this stage. */
  trainable: readonly string[]
}

/**
 * A step's own loss (KI). Runs inside the step's tf.tidy, before the gradient tape (work that needs no gradient, e.g.
 * a frozen teacher's forward), and returns the loss the tape differentiates from the trained model's logits and the
 * family's loss on them.
 */
export type StepLoss = (t: StepTensors) => (logits: tf.Tensor, familyLoss: tf.Scalar) => tf.Scalar

export interface TrainerOptions {
  config: ModelConfig
  data: TrainingData
  /**
   * Total optimizer steps = the LR schedule's length (a resumed run continues up to this); null = calibrate it
   * from wallLimitSeconds after CALIBRATION_STEPS steps.
   */
  steps: number | null
  /** Stop once this many wall seconds (startCounters' included) are spent. */
  wallLimitSeconds?: number
  /** Called once when a wall-clock budget fixes the schedule's length. */
  onHorizon?(steps: number): Promise<void> | void
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
  /** Fresh start: work done before the first step (a growth phase); default zeros. */
  startCounters?: RunCounters
  /** FLOPs charged for update `step` of a `steps`-long schedule; default trainingStepFlops of config and batch. */
  stepFlops?(step: number, steps: number): number
  /** Parameters trained at update `step`; default every parameter, one optimizer for the whole run. */
  stageAt?(step: number, steps: number): StageSpec
  /** The loss of update `step`; null or absent = the family's loss. */
  lossAt?(step: number, steps: number): StepLoss | null
  /** The growth masks of update `step` (evaluations after it use the next step's); null or absent = none. */
  growthMasksAt?(step: number, steps: number): GrowthMasks | null
  /**
   * Train these variables instead of the model's own parameters: the model's parameters are computed from them in
   * every step, inside the gradient tape (LiGO's operator phase: its coefficients, materialised into the large
   * model; docs/growth/ligo.md "Training"). Not owned by the trainer (not disposed), no weight-decay exemptions,
   * no checkpoints, no evaluation.
   */
  reparameterized?: { variables: Readonly<Record<string, tf.Variable>>; materialize(): ParamMap }
  /** Leave evaluation time out of wallSeconds (comparisons: every method evaluates alike; it is not training work). */
  excludeEvalTime?: boolean
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
  /** The schedule's length (a calibrated wall-clock budget's; Number.MAX_SAFE_INTEGER if stopped before calibration). */
  steps: number
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
  if (o.steps !== null) int('steps', o.steps, 1)
  else if (o.wallLimitSeconds === undefined) throw new Error('Training option steps may be null only with wallLimitSeconds')
  int('evalEvery', o.evalEvery, 0)
  int('evalBatches', o.evalBatches, 1)
  int('logEvery', o.logEvery, 1)
  int('checkpointEvery', o.checkpointEvery, 0)
  int('keepCheckpoints', o.keepCheckpoints, 1)
  checkSchedule({ peak: o.learningRate, warmupSteps: o.warmupSteps, totalSteps: o.steps ?? 1, kind: o.schedule })
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

export async function train(options: TrainerOptions): Promise<TrainOutcome> {
  checkOptions(options)
  const { config, data, seed } = options
  const family = getFamily(config.family)
  family.validate(config)
  const objective = family.objective
  const plainStepFlops = options.stepFlops
    ? 0
    : trainingStepFlops(flopsShapeOf(config, { seqLen: data.kind === 'text' ? (data.description.seqLen ?? undefined) : undefined }), data.batchSize)
  const stepFlopsAt = options.stepFlops ?? (() => plainStepFlops)
  let horizon = options.steps
  const horizonFor = () => horizon ?? Number.MAX_SAFE_INTEGER

  // Parameters as variables named by canonical name (prefix keeps names unique across runs in one process).
  const prefix = `train${hash32(Date.now(), seed, Math.floor(performance.now() * 1000)).toString(16)}`
  const variables: Record<string, tf.Variable> = {}
  const resume = options.resumeFrom
  const reparameterized = options.reparameterized
  if (reparameterized && (resume || options.runFolder || options.stageAt)) throw new Error('Training option reparameterized cannot resume, checkpoint or stage')
  if (reparameterized) Object.assign(variables, reparameterized.variables)
  else {
    const initial = resume ? null : (options.initialParams ?? family.init(config, seed))
    const names = resume ? Object.keys(resume.weights) : Object.keys(initial!)
    for (const name of names) {
      variables[name] = tf.tidy(() =>
        tf.variable(resume ? tf.tensor(resume.weights[name].data, resume.weights[name].shape, 'float32') : initial![name], true, `${prefix}/${name}`),
      )
    }
    if (initial && !options.initialParams) tf.dispose(Object.values(initial))
  }
  const parameterOf = new Map(Object.entries(variables).map(([name, v]) => [v.name, name]))

  let step = 0
  let counters: RunCounters = { ...(options.startCounters ?? { examples: 0, tokens: 0, flops: 0, wallSeconds: 0, cpuSeconds: 0 }) }
  if (resume) {
    step = resume.state.step
    counters = { ...resume.state.counters }
    data.train.restore(resume.state.iterator)
  }
  const startStep = step
  const sessionWall0 = performance.now()
  const sessionCpu0 = cpuSeconds()
  const base = { ...counters }
  let evalSeconds = 0
  const sync = () => {
    counters.wallSeconds = base.wallSeconds + (performance.now() - sessionWall0) / 1000 - evalSeconds
    counters.cpuSeconds = base.cpuSeconds + (cpuSeconds() - sessionCpu0)
  }
  const wallSpent = () => {
    if (options.wallLimitSeconds === undefined) return false
    sync()
    return counters.wallSeconds >= options.wallLimitSeconds
  }

  // One optimizer per stage, over that stage's trainable subset; replaced when the stage changes. Without stageAt
  // there is one stage, every parameter, for the whole run.
  const everyParameter: StageSpec = { name: '(all)', trainable: Object.keys(variables) }
  const stageOf = (s: number): StageSpec => options.stageAt?.(s, horizonFor()) ?? everyParameter
  let optimizer: AdamW | null = null
  let optimizerStage = ''
  const useStage = (stage: StageSpec, saved: AdamWState | null) => {
    if (optimizer && optimizerStage === stage.name) return
    optimizer?.dispose()
    const subset = Object.fromEntries(stage.trainable.map((n) => [n, variables[n]]))
    optimizer = new AdamW(subset, { weightDecay: options.weightDecay, noDecay: reparameterized ? () => false : family.noDecay })
    optimizerStage = stage.name
    if (saved) {
      const names = new Set(stage.trainable)
      optimizer.loadState(options.stageAt ? { step: saved.step, slots: saved.slots.filter((s) => names.has(s.name)) } : saved)
    }
  }
  // A checkpoint holds the optimizer of the stage that wrote it; a resume at a stage boundary starts the next fresh.
  const stageBoundary = resume !== undefined && step > 0 && stageOf(step - 1).name !== stageOf(step).name
  useStage(stageOf(step), resume && !stageBoundary ? resume.optimizer : null)

  // Device-side scalars, replaced each step (a fixed number of live tensors: no growth across steps).
  let lossSum: tf.Scalar = tf.scalar(0)
  let lastLoss: tf.Scalar | null = null
  let lastNorm: tf.Scalar | null = null
  let lossCount = 0
  let lastLr = 0
  let last: MetricRecord | null = null
  let checkpoint: string | null = null
  let checkpointStep = resume ? startStep : -1

  // Inside a tidy or a gradient tape: the materialised parameters are new tensors of that scope.
  const paramsView = (): ParamMap => (reparameterized ? reparameterized.materialize() : variables)

  const runEval = async (): Promise<EvalMetrics> => {
    const t0 = performance.now()
    const growthMasks = options.growthMasksAt?.(step, horizonFor()) ?? undefined
    const metrics = await evaluate(family, config, data, { ...options, growthMasks }, paramsView())
    if (options.excludeEvalTime) evalSeconds += (performance.now() - t0) / 1000
    return metrics
  }

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
    const active = optimizer!
    const optimizerState = active.exportState()
    // Parameters outside the active stage have no moments: zeros keep the checkpoint's files complete.
    const held = new Set(optimizerState.slots.map((s) => s.name))
    for (const [name, v] of Object.entries(variables)) {
      if (!held.has(name)) optimizerState.slots.push({ name, shape: [...v.shape], m: new Float32Array(v.size), v: new Float32Array(v.size) })
    }
    const state: TrainerState = {
      format: 'ligo-trainer-state',
      version: 1,
      step,
      counters: { ...counters },
      iterator: data.train.state,
      rng: { seed, dropoutSeed: 'hash32(seed, step)' },
      optimizer: { step: optimizerState.step, beta1: active.beta1, beta2: active.beta2, epsilon: active.epsilon, weightDecay: active.weightDecay },
    }
    checkpoint = await options.runFolder.writeCheckpoint(step, options.keepCheckpoints, (dir) =>
      writeCheckpointFiles(dir, { params: variables, config, optimizer: optimizerState, state }),
    )
    checkpointStep = step
    options.onCheckpoint?.({ step, path: checkpoint })
  }

  let cancelled = false
  try {
    while (step < horizonFor() && !wallSpent()) {
      if (options.signal?.aborted) {
        cancelled = true
        break
      }
      const stage = stageOf(step)
      useStage(stage, null)
      const trained = stage.trainable.map((n) => variables[n])
      const batch = data.train.next()
      lastLr = learningRateAt(step, { peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: horizonFor(), kind: options.schedule })
      const dropoutSeed = hash32(seed, step)
      const stepLoss = options.lossAt?.(step, horizonFor()) ?? null
      const growthMasks = options.growthMasksAt?.(step, horizonFor()) ?? undefined
      const active = optimizer!
      const result = tf.tidy(() => {
        const t = batchTensors(data.kind, batch, objective, config.family)
        const forwardOptions = { training: true, dropoutSeed, attention: options.attention, growthMasks, ...t.forward }
        const lossFrom = stepLoss ? stepLoss(t) : null
        const lossOf = () => {
          const logits = family.forward(paramsView(), config, t.inputs as ModelInputs, forwardOptions)
          const loss = family.loss(logits, t.targets)
          return lossFrom ? lossFrom(logits, loss) : loss
        }
        const { loss, norm } = updateStep(lossOf, { trained, parameterOf, clipNorm: options.clipNorm, optimizer: active, learningRate: lastLr })
        return { loss, norm, sum: tf.add(lossSum, loss) as tf.Scalar }
      })
      tf.dispose([lossSum, lastLoss, lastNorm].filter((t): t is tf.Scalar => t !== null))
      lossSum = result.sum
      lastLoss = result.loss
      lastNorm = result.norm
      lossCount += 1
      counters.flops += stepFlopsAt(step, horizonFor())
      step += 1
      counters.examples += data.batchSize
      counters.tokens += data.tokensPerBatch

      if (horizon === null && step - startStep === CALIBRATION_STEPS) {
        // Wall budget: the schedule ends where the remaining time runs out at the speed measured so far.
        sync()
        const perStep = (counters.wallSeconds - base.wallSeconds) / CALIBRATION_STEPS
        const remaining = Math.max(0, (options.wallLimitSeconds ?? 0) - counters.wallSeconds)
        horizon = step + Math.max(1, Math.floor(remaining / Math.max(perStep, 1e-6)))
        await options.onHorizon?.(horizon)
      }
      const end = step >= horizonFor() || wallSpent()
      const evalDue = !reparameterized && (end || (options.evalEvery > 0 && step % options.evalEvery === 0))
      const checkpointDue = end || (options.checkpointEvery > 0 && step % options.checkpointEvery === 0)
      if (evalDue || checkpointDue || step % options.logEvery === 0) {
        await logLine(evalDue ? await runEval() : undefined)
      }
      // Progress every step (no read-back involved); the host's event batcher coalesces them.
      const elapsed = (performance.now() - sessionWall0) / 1000
      const total = horizon ?? step + 1
      options.onProgress?.({ step, steps: total, elapsedSeconds: elapsed, etaSeconds: (elapsed / (step - startStep)) * (total - step) })
      if (checkpointDue) await saveCheckpoint()
      // Lets cancel messages and the event batcher run between steps.
      await yieldToEventLoop()
    }
    if (cancelled && step > checkpointStep) {
      if (lastLoss && (last === null || (last as MetricRecord).step !== step)) await logLine(undefined)
      await saveCheckpoint()
    }
  } finally {
    options.runFolder?.closeMetrics()
    tf.dispose([lossSum, lastLoss, lastNorm].filter((t): t is tf.Scalar => t !== null))
    ;(optimizer as AdamW | null)?.dispose()
    if (!reparameterized) tf.dispose(Object.values(variables))
  }
  sync()
  const wall = (performance.now() - sessionWall0) / 1000
  return {
    step,
    steps: horizonFor(),
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
export async function evaluate(
  family: ModelFamily,
  config: ModelConfig,
  data: TrainingData,
  options: Pick<TrainerOptions, 'evalBatches' | 'attention'> & Pick<ForwardOptions, 'growthMasks'>,
  params: ParamMap,
): Promise<EvalMetrics> {
  const iterator = data.validation()
  const batches = Math.min(options.evalBatches, iterator.batchesPerEpoch)
  let weightedLoss: tf.Scalar = tf.scalar(0)
  let correct: tf.Scalar = tf.scalar(0)
  let counted = 0
  let examples = 0
  for (let i = 0; i < batches; i++) {
    const batch = iterator.next()
    const next = tf.tidy(() => {
      const t = batchTensors(data.kind, batch, family.objective, 'eval')
      // DeiT evaluates its averaged heads (inference mode), so deitHeads is not passed here.
      const logits = family.forward(params, config, t.inputs as ModelInputs, { training: false, attention: options.attention, outputPositions: t.forward.outputPositions, growthMasks: options.growthMasks })
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
