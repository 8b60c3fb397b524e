/**
 * Learning-rate schedules as pure functions of the step, so a resumed run needs no scheduler state.
 * Semantics of HF transformers' get_linear_schedule_with_warmup / get_cosine_schedule_with_warmup (what the LiGO
 * code uses, docs/growth/ligo.md §3.2): `step` is the 0-based index of the optimizer update; during warmup the rate
 * rises linearly from 0 (step 0) to the peak (step = warmupSteps); then it decays to 0 at step = totalSteps.
 */
import type { LrSchedule } from '../../shared/train'

export interface ScheduleOptions {
  peak: number
  warmupSteps: number
  totalSteps: number
  kind: LrSchedule
}

export function checkSchedule(options: ScheduleOptions): void {
  const { peak, warmupSteps, totalSteps, kind } = options
  if (!(Number.isFinite(peak) && peak >= 0)) throw new Error(`Learning rate must be a finite number >= 0, got ${peak}`)
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) throw new Error(`Warmup steps must be an integer >= 0, got ${warmupSteps}`)
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new Error(`Total steps must be an integer >= 1, got ${totalSteps}`)
  if (kind !== 'linear' && kind !== 'cosine') throw new Error(`Unknown schedule "${String(kind)}". Expected one of: linear, cosine`)
}

/** Learning rate of update `step` (0-based). */
export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { peak, warmupSteps, totalSteps, kind } = options
  if (step < warmupSteps) return (peak * step) / Math.max(1, warmupSteps)
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps)
  if (kind === 'linear') return peak * Math.max(0, 1 - progress)
  return peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))))
}
