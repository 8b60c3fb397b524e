/**
 * The training of one method's large model in a comparison: engine/train/trainer.ts's loop (the one `ligo train`
 * runs: same AdamW, clipping, schedule, batches, evaluation, checkpoint files, determinism), configured through its
 * hooks with what a growth method adds:
 *   - a teacher (KI, docs/growth/baselines.md §6.6): the frozen small model's logits every step while α_t > 0, distilled
 *     with kiLoss (the trainer's lossAt hook); its forward is charged by the method's stepFlops (kiStepFlops);
 *   - stages (MSLT, §6.2): the trainer's stageAt hook;
 *   - growth masks (MSG, docs/growth/msg.md): the trainer's growthMasksAt hook;
 *   - a per-step FLOPs cost and starting counters (the growth phase: LiGO's operator training), so a FLOPs or time
 *     budget covers all the work a method does (§3.3).
 * Budgets: a fixed horizon (steps, or the steps a FLOPs budget buys) or a wall-clock limit; with a wall limit the
 * horizon (the LR schedule's length) is calibrated from the first steps' speed and then fixed (stored with the run).
 * Wall time excludes evaluations (every method evaluates on the same cadence; it is not training work).
 */
import * as tf from '@tensorflow/tfjs-core'
import { distillationMask, kiAlpha, kiLoss, type KiSchedule } from '../growth'
import type { ModelConfig } from '../models/config'
import type { GrowthMasks } from '../models/growth-masks'
import type { ParamMap } from '../models/layers/params'
import { getFamily, type ModelFamily } from '../models/registry'
import type { ModelInputs } from '../models/types'
import type { EvalMetrics, MetricRecord } from '../../shared/train'
import type { LrScheduleSettings } from '../../shared/growth'
import type { RunCounters } from '../train/checkpoint'
import { evaluate, train, type StepLoss, type TrainerOptions } from '../train/trainer'
import type { TrainingData } from '../train/training-data'

export { CALIBRATION_STEPS, type StageSpec } from '../train/trainer'

export interface TeacherSpec {
  config: ModelConfig
  params: ParamMap
  /** The distillation schedule for a run of `horizon` steps (KI decays α over a share of the budget). */
  scheduleFor(horizon: number): KiSchedule
}

/** The trainer's options a method run passes through unchanged (trainer.ts documents them). */
type PassedThrough =
  | 'config' | 'data' | 'wallLimitSeconds' | 'weightDecay' | 'clipNorm' | 'seed' | 'evalEvery' | 'evalBatches' | 'logEvery'
  | 'checkpointEvery' | 'keepCheckpoints' | 'initialParams' | 'startCounters' | 'resumeFrom' | 'stageAt' | 'runFolder'
  | 'signal' | 'energy' | 'onMetrics' | 'onProgress' | 'onCheckpoint' | 'growthMasksAt'

export interface MethodTrainingOptions extends Pick<TrainerOptions, PassedThrough> {
  /** Schedule length in steps; null = calibrate it from wallLimitSeconds (minutes budget). */
  horizon: number | null
  lr: LrScheduleSettings
  /** FLOPs of update `step` of a schedule of `horizon` steps (method-plan.ts: the method's own step cost). */
  stepFlops(step: number, horizon: number): number
  teacher?: TeacherSpec
  onHorizon?(horizon: number): Promise<void> | void
}

export interface MethodTrainingOutcome {
  step: number
  horizon: number
  cancelled: boolean
  counters: RunCounters
  last: MetricRecord | null
}

export async function trainMethod(options: MethodTrainingOptions): Promise<MethodTrainingOutcome> {
  const { teacher, lr, horizon, ...rest } = options
  // A method always starts from given weights (grown, or scratch's init made by method-plan.ts) or a checkpoint.
  if (Object.keys(options.resumeFrom?.weights ?? options.initialParams ?? {}).length === 0) throw new Error('trainMethod needs initialParams or resumeFrom')
  const family = getFamily(options.config.family)
  const outcome = await train({
    ...rest,
    steps: horizon,
    learningRate: lr.learningRate,
    warmupSteps: lr.warmupSteps,
    schedule: lr.schedule,
    excludeEvalTime: true,
    lossAt: teacher ? (step, steps) => distillationLoss(family, teacher, step, teacher.scheduleFor(steps)) : undefined,
  })
  return { step: outcome.step, horizon: outcome.steps, cancelled: outcome.cancelled, counters: outcome.counters, last: outcome.last }
}

/**
 * KI's loss at `step` (kiLoss), or null once α_t = 0 (a plain step). The teacher's forward runs outside the
 * gradient tape, at the positions the student's loss scores.
 */
function distillationLoss(family: ModelFamily, teacher: TeacherSpec, step: number, schedule: KiSchedule): StepLoss | null {
  if (!(kiAlpha(step, schedule.distillSteps) > 0)) return null
  return (t) => {
    const teacherLogits = family.forward(teacher.params, teacher.config, t.inputs as ModelInputs, { training: false, outputPositions: t.forward.outputPositions })
    return (logits, task) => {
      // DeiT trains both heads ([2, B, K]); the teacher's averaged head ([B, K]) is distilled into their mean.
      const student = logits.rank > teacherLogits.rank ? tf.mean(logits, 0) : logits
      return kiLoss(task, student, teacherLogits, distillationMask(family.objective, t.targets.labels, student), step, schedule)
    }
  }
}

/** Validation loss of a parameter map (the source model's own loss, the grown model before training, under MSG's first masks). */
export async function evaluateParams(config: ModelConfig, params: ParamMap, data: TrainingData, evalBatches: number, growthMasks?: GrowthMasks): Promise<EvalMetrics> {
  return evaluate(getFamily(config.family), config, data, { evalBatches, growthMasks }, params)
}
