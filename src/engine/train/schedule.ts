/**
 * Learning-rate schedules as pure functions of the step, so a resumed run needs no scheduler state.
 * Semantics of HF transformers' get_linear_schedule_with_warmup / get_cosine_schedule_with_warmup (what the LiGO
 * code uses, docs/growth/ligo.md §3.2): `step` is the 0-based index of the optimizer update; during warmup the rate
 * rises linearly from 0 (step 0) to the peak (step = warmupSteps); then it decays to 0 at step = totalSteps.
 * Warmup-stable-decay and LEMON's accelerated decay keep the same warmup and differ after it (docs/engine/schedules.md).
 */
import { LR_SCHEDULES, type LrSchedule } from '../../shared/train'

export interface ScheduleOptions {
  peak: number
  warmupSteps: number
  totalSteps: number
  kind: LrSchedule
  /** wsd-*: the fraction of the post-warmup steps spent decaying (default SCHEDULE_SHAPE.decayFraction). */
  decayFraction?: number
  /** wsd-* and accelerated: the rate they end at, as a fraction of the peak (default SCHEDULE_SHAPE.floor). */
  floor?: number
  /** accelerated: the decay's length as a fraction of the post-warmup steps (default SCHEDULE_SHAPE.horizonFactor). */
  horizonFactor?: number
}

/**
 * Defaults of the shaped schedules. decayFraction 0.2: Hägele et al. 2024 (docs/engine/schedules.md §1) find a 20%
 * cooldown matches cosine; horizonFactor 0.5: LEMON's shortened decay, half the run; floor 0: fully decayed, like
 * linear and cosine, so a comparison at a fixed budget compares fully decayed runs (docs/engine/schedules.md §3).
 */
export const SCHEDULE_SHAPE = { decayFraction: 0.2, floor: 0, horizonFactor: 0.5 } as const

const fraction = (name: string, v: number, allowZero: boolean) => {
  if (!(Number.isFinite(v) && (allowZero ? v >= 0 : v > 0) && v <= 1)) throw new Error(`${name} must be a number in ${allowZero ? '[0, 1]' : '(0, 1]'}, got ${v}`)
}

export function checkSchedule(options: ScheduleOptions): void {
  const { peak, warmupSteps, totalSteps, kind } = options
  if (!(Number.isFinite(peak) && peak >= 0)) throw new Error(`Learning rate must be a finite number >= 0, got ${peak}`)
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) throw new Error(`Warmup steps must be an integer >= 0, got ${warmupSteps}`)
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new Error(`Total steps must be an integer >= 1, got ${totalSteps}`)
  if (!(LR_SCHEDULES as readonly string[]).includes(kind)) throw new Error(`Unknown schedule "${String(kind)}". Expected one of: ${LR_SCHEDULES.join(', ')}`)
  fraction('Decay fraction', options.decayFraction ?? SCHEDULE_SHAPE.decayFraction, false)
  fraction('Learning-rate floor', options.floor ?? SCHEDULE_SHAPE.floor, true)
  fraction('Decay horizon factor', options.horizonFactor ?? SCHEDULE_SHAPE.horizonFactor, false)
}

/** peak at progress 0 down to floor at progress 1 (clamped), along a line or half a cosine. */
function decay(peak: number, floor: number, progress: number, shape: 'linear' | 'cosine'): number {
  const p = Math.min(1, Math.max(0, progress))
  const factor = shape === 'linear' ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p))
  return floor + (peak - floor) * factor
}

/** Learning rate of update `step` (0-based). */
export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { peak, warmupSteps, totalSteps, kind } = options
  if (step < warmupSteps) return (peak * step) / Math.max(1, warmupSteps)
  const afterWarmup = Math.max(1, totalSteps - warmupSteps)
  const floor = peak * (options.floor ?? SCHEDULE_SHAPE.floor)
  switch (kind) {
    case 'linear':
    case 'cosine':
      return decay(peak, 0, (step - warmupSteps) / afterWarmup, kind)
    case 'wsd-linear':
    case 'wsd-cosine': {
      // Stable at the peak, then the decay over the last decaySteps updates, reaching the floor at totalSteps.
      const decaySteps = Math.max(1, Math.round((options.decayFraction ?? SCHEDULE_SHAPE.decayFraction) * afterWarmup))
      return decay(peak, floor, (step - (totalSteps - decaySteps)) / decaySteps, kind === 'wsd-linear' ? 'linear' : 'cosine')
    }
    case 'accelerated': {
      // LEMON: the cosine from the peak runs over a shortened horizon, then the rate stays at the floor.
      const horizon = Math.max(1, Math.round((options.horizonFactor ?? SCHEDULE_SHAPE.horizonFactor) * afterWarmup))
      return decay(peak, floor, (step - warmupSteps) / horizon, 'cosine')
    }
  }
}
