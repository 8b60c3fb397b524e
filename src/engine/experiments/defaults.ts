/**
 * Comparison defaults, TF-free so the CLI's help can show them without loading TensorFlow.js.
 * The measurement behind the grown models' schedule is in README.md ("Learning rate after growth").
 */
import type { LrScheduleSettings } from '../../shared/growth'
import { TRAIN_DEFAULTS } from '../../shared/train'

/** Scratch's schedule (and KI's, which starts from the random init too): the trainer's defaults. */
export const SCRATCH_SCHEDULE_DEFAULTS: LrScheduleSettings = { learningRate: TRAIN_DEFAULTS.learningRate, warmupSteps: 0, schedule: 'linear' }

/**
 * Grown models' schedule (LiGO and the weight-map baselines): no warmup, half of scratch's peak, linear decay.
 * A grown model starts near the small model's loss; a full-peak restart first loses ground (docs/growth/savings.md
 * point 3). Measured in README.md.
 */
export const GROWN_SCHEDULE_DEFAULTS: LrScheduleSettings = { learningRate: TRAIN_DEFAULTS.learningRate / 2, warmupSteps: 0, schedule: 'linear' }

/** Levels between the source model's loss and scratch's final loss (report.ts seedTargets). */
export const BETWEEN_LEVELS = 2

/** Ladder below the source model's validation loss: these fractions of it. */
export const DEFAULT_LADDER = [1, 0.95, 0.9] as const

/** Seeds per method: one seed cannot tell a saving from noise, so a comparison repeats every run (issue 13 §3). */
export const DEFAULT_SEEDS = 3
