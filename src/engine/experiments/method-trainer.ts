/**
 * The training loop of one method's large model in a comparison. It is engine/train/trainer.ts's loop (same
 * AdamW, clipping, schedule, batch tensors, evaluation, run folder and checkpoint files, same determinism: weights
 * given, data order and masks from the seed, dropout from hash32(seed, step)) plus the three things the baselines
 * need and the plain trainer does not offer:
 *   - a teacher (KI, ligo-method.md §6.6): the frozen small model's logits every step while α_t > 0, distilled
 *     with kiLoss; its forward is charged (kiStepFlops);
 *   - stages (MSLT, §6.2): only some parameters train in a stage (one AdamW per stage over the trained subset, so
 *     frozen weights get neither updates nor weight decay); frozen blocks' forward is still charged;
 *   - a per-step FLOPs cost and starting counters (the growth phase: LiGO's operator training), so a FLOPs or time
 *     budget covers all the work a method does (§3.3).
 * Budgets: a fixed horizon (steps, or the steps a FLOPs budget buys) or a wall-clock limit; with a wall limit the
 * horizon (the LR schedule's length) is calibrated from the first steps' speed and then fixed (stored with the run).
 * Wall time excludes evaluations (every method evaluates on the same cadence; it is not training work).
 */
import * as tf from '@tensorflow/tfjs-core'
import { hash32 } from '../data'
import { distillationMask, kiAlpha, kiLoss, type KiSchedule } from '../growth'
import type { ModelConfig } from '../models/config'
import type { ParamMap } from '../models/layers/params'
import { getFamily } from '../models/registry'
import type { ModelInputs } from '../models/types'
import type { EvalMetrics, MetricRecord } from '../../shared/train'
import type { LrScheduleSettings } from '../../shared/growth'
import type { MetricEnergy } from '../../shared/energy'
import { AdamW, type AdamWState } from '../train/adamw'
import { imageBatchTensors, textBatchTensors } from '../train/batch-tensors'
import { writeCheckpointFiles, type LoadedCheckpoint, type RunCounters, type TrainerState } from '../train/checkpoint'
import { clipByGlobalNorm } from '../train/clip'
import type { RunFolder } from '../train/run-folder'
import { learningRateAt } from '../train/schedule'
import { evaluate } from '../train/trainer'
import type { TrainingData } from '../train/training-data'

/** Steps timed before a wall-clock budget fixes the schedule's length. */
export const CALIBRATION_STEPS = 3

export interface TeacherSpec {
  config: ModelConfig
  params: ParamMap
  /** The distillation schedule for a run of `horizon` steps (KI decays α over a share of the budget). */
  scheduleFor(horizon: number): KiSchedule
}

export interface StageSpec {
  name: string
  /** Parameter names trained in this stage. */
  trainable: readonly string[]
}

export interface MethodTrainingOptions {
  config: ModelConfig
  data: TrainingData
  /** Schedule length in steps; null = calibrate it from the wall-clock limit (minutes budget). */
  horizon: number | null
  /** Stop once this many wall seconds (growth phase included) are spent (minutes budget). */
  wallLimitSeconds?: number
  lr: LrScheduleSettings
  weightDecay: number
  clipNorm: number
  seed: number
  evalEvery: number
  evalBatches: number
  logEvery: number
  checkpointEvery: number
  keepCheckpoints: number
  /** Fresh start: the grown weights (caller keeps ownership) and the growth phase's counters. */
  initialParams?: ParamMap
  startCounters?: RunCounters
  resumeFrom?: LoadedCheckpoint
  /** FLOPs of update `step` of a schedule of `horizon` steps. */
  stepFlops(step: number, horizon: number): number
  /** The stage of update `step` (MSLT); undefined = every parameter trains. */
  stageAt?(step: number, horizon: number): StageSpec
  teacher?: TeacherSpec
  runFolder?: RunFolder<object>
  signal?: AbortSignal
  energy?: { window(step: number): Promise<MetricEnergy> }
  onHorizon?(horizon: number): Promise<void> | void
  onMetrics?(record: MetricRecord): void
  onProgress?(progress: { step: number; steps: number; elapsedSeconds: number; etaSeconds: number | null }): void
  onCheckpoint?(info: { step: number; path: string }): void
}

export interface MethodTrainingOutcome {
  step: number
  horizon: number
  cancelled: boolean
  counters: RunCounters
  last: MetricRecord | null
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
const ALL = '(all)'

export async function trainMethod(options: MethodTrainingOptions): Promise<MethodTrainingOutcome> {
  const { config, data, seed } = options
  const family = getFamily(config.family)
  const resume = options.resumeFrom
  const prefix = `method${hash32(Date.now(), seed, Math.floor(performance.now() * 1000)).toString(16)}`
  const variables: Record<string, tf.Variable> = {}
  if (resume) {
    for (const [name, w] of Object.entries(resume.weights)) variables[name] = tf.tidy(() => tf.variable(tf.tensor(w.data, w.shape, 'float32'), true, `${prefix}/${name}`))
  } else {
    for (const [name, t] of Object.entries(options.initialParams ?? {})) variables[name] = tf.variable(t, true, `${prefix}/${name}`)
  }
  if (Object.keys(variables).length === 0) throw new Error('trainMethod needs initialParams or resumeFrom')
  const varNames = new Map(Object.entries(variables).map(([name, v]) => [v.name, name]))

  let step = resume ? resume.state.step : 0
  let horizon = options.horizon
  let counters: RunCounters = resume ? { ...resume.state.counters } : { ...(options.startCounters ?? { examples: 0, tokens: 0, flops: 0, wallSeconds: 0, cpuSeconds: 0 }) }
  if (resume) data.train.restore(resume.state.iterator)
  const base = { ...counters }
  const startStep = step
  const wall0 = performance.now()
  const cpu0 = cpuSeconds()
  let evalSeconds = 0
  const sync = () => {
    counters.wallSeconds = base.wallSeconds + (performance.now() - wall0) / 1000 - evalSeconds
    counters.cpuSeconds = base.cpuSeconds + (cpuSeconds() - cpu0)
  }
  const horizonFor = () => horizon ?? Number.MAX_SAFE_INTEGER

  // One optimizer per stage, over that stage's trainable subset; replaced when the stage changes.
  let optimizer: AdamW | null = null
  let optimizerStage = ''
  const stageOf = (s: number): StageSpec => options.stageAt?.(s, horizonFor()) ?? { name: ALL, trainable: Object.keys(variables) }
  const useStage = (stage: StageSpec, saved: AdamWState | null) => {
    if (optimizer && optimizerStage === stage.name) return
    optimizer?.dispose()
    const subset = Object.fromEntries(stage.trainable.map((n) => [n, variables[n]]))
    optimizer = new AdamW(subset, { weightDecay: options.weightDecay, noDecay: family.noDecay })
    optimizerStage = stage.name
    if (saved) {
      const names = new Set(stage.trainable)
      optimizer.loadState({ step: saved.step, slots: saved.slots.filter((s) => names.has(s.name)) })
    }
  }
  // A checkpoint holds the optimizer of the stage that wrote it; a resume at a stage boundary starts the next fresh.
  if (resume && step > 0 && stageOf(step - 1).name === stageOf(step).name) useStage(stageOf(step), resume.optimizer)

  let lossSum: tf.Scalar = tf.scalar(0)
  let lastLoss: tf.Scalar | null = null
  let lastNorm: tf.Scalar | null = null
  let lossCount = 0
  let lastLr = 0
  let last: MetricRecord | null = null
  let checkpointStep = resume ? step : -1

  const runEval = async (): Promise<EvalMetrics> => {
    const t0 = performance.now()
    const metrics = await evaluate(family, config, data, { evalBatches: options.evalBatches }, variables)
    evalSeconds += (performance.now() - t0) / 1000
    return metrics
  }

  const logLine = async (evalMetrics: EvalMetrics | undefined) => {
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
    const active = optimizer as AdamW | null
    const exported = active?.exportState() ?? { step: 0, slots: [] }
    // Parameters outside the active stage have no moments: zeros keep the checkpoint's files complete.
    const held = new Set(exported.slots.map((s) => s.name))
    for (const [name, v] of Object.entries(variables)) {
      if (!held.has(name)) exported.slots.push({ name, shape: [...v.shape], m: new Float32Array(v.size), v: new Float32Array(v.size) })
    }
    const state: TrainerState = {
      format: 'ligo-trainer-state',
      version: 1,
      step,
      counters: { ...counters },
      iterator: data.train.state,
      rng: { seed, dropoutSeed: 'hash32(seed, step)' },
      optimizer: { step: exported.step, beta1: active?.beta1 ?? 0.9, beta2: active?.beta2 ?? 0.999, epsilon: active?.epsilon ?? 1e-6, weightDecay: options.weightDecay },
    }
    const path = await options.runFolder.writeCheckpoint(step, options.keepCheckpoints, (dir) => writeCheckpointFiles(dir, { params: variables, config, optimizer: exported, state }))
    checkpointStep = step
    options.onCheckpoint?.({ step, path })
  }

  const wallSpent = () => {
    sync()
    return options.wallLimitSeconds !== undefined && counters.wallSeconds >= options.wallLimitSeconds
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
      const schedule = { peak: options.lr.learningRate, warmupSteps: options.lr.warmupSteps, totalSteps: horizonFor(), kind: options.lr.schedule }
      lastLr = learningRateAt(step, schedule)
      const batch = data.train.next()
      const kiSchedule = options.teacher?.scheduleFor(horizonFor()) ?? null
      const teacher = options.teacher && kiSchedule && kiAlpha(step, kiSchedule.distillSteps) > 0 ? options.teacher : null
      const stepNow = step
      const result = tf.tidy(() => {
        const t = data.kind === 'text' ? textBatchTensors(batch as Parameters<typeof textBatchTensors>[0], family.objective) : imageBatchTensors(batch as Parameters<typeof imageBatchTensors>[0], config.family)
        const forwardOptions = { training: true, dropoutSeed: hash32(seed, stepNow), ...t.forward }
        // KI's teacher: forward only, outside the gradient tape, at the positions the student's loss scores.
        const teacherLogits = teacher
          ? family.forward(teacher.params, teacher.config, t.inputs as ModelInputs, { training: false, outputPositions: t.forward.outputPositions })
          : null
        const lossOf = () => {
          const logits = family.forward(variables, config, t.inputs as ModelInputs, forwardOptions)
          const task = family.loss(logits, t.targets)
          if (!teacher || !teacherLogits) return task
          // DeiT trains both heads ([2, B, K]); the teacher's averaged head ([B, K]) is distilled into their mean.
          const student = logits.rank > teacherLogits.rank ? tf.mean(logits, 0) : logits
          return kiLoss(task, student, teacherLogits, distillationMask(family.objective, t.targets.labels, student), stepNow, kiSchedule!)
        }
        const { value, grads } = tf.variableGrads(lossOf, trained)
        const byName: Record<string, tf.Tensor> = {}
        for (const [varName, g] of Object.entries(grads)) byName[varNames.get(varName)!] = g
        const { grads: clipped, norm } = clipByGlobalNorm(byName, options.clipNorm)
        ;(optimizer as AdamW).apply(clipped, lastLr)
        return { loss: value, norm, sum: tf.add(lossSum, value) as tf.Scalar }
      })
      tf.dispose([lossSum, lastLoss, lastNorm].filter((x): x is tf.Scalar => x !== null))
      lossSum = result.sum
      lastLoss = result.loss
      lastNorm = result.norm
      lossCount += 1
      counters.flops += options.stepFlops(step, horizonFor())
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
      const evalDue = end || (options.evalEvery > 0 && step % options.evalEvery === 0)
      const checkpointDue = end || (options.checkpointEvery > 0 && step % options.checkpointEvery === 0)
      if (evalDue || checkpointDue || step % options.logEvery === 0) await logLine(evalDue ? await runEval() : undefined)
      const elapsed = (performance.now() - wall0) / 1000
      const total = horizon ?? step + 1
      options.onProgress?.({ step, steps: total, elapsedSeconds: elapsed, etaSeconds: (elapsed / (step - startStep)) * (total - step) })
      if (checkpointDue) await saveCheckpoint()
      await yieldToEventLoop()
    }
    if (cancelled && step > checkpointStep) {
      if (lastLoss && (last === null || (last as MetricRecord).step !== step)) await logLine(undefined)
      await saveCheckpoint()
    }
  } finally {
    options.runFolder?.closeMetrics()
    tf.dispose([lossSum, lastLoss, lastNorm].filter((x): x is tf.Scalar => x !== null))
    ;(optimizer as AdamW | null)?.dispose()
    tf.dispose(Object.values(variables))
  }
  sync()
  return { step, horizon: horizonFor(), cancelled, counters, last }
}

/** Validation loss of a parameter map (the source model's own loss, the grown model before training). */
export async function evaluateParams(config: ModelConfig, params: ParamMap, data: TrainingData, evalBatches: number): Promise<EvalMetrics> {
  return evaluate(getFamily(config.family), config, data, { evalBatches }, params)
}
