/**
 * Savings to reach a target validation loss (the paper's headline: "LiGO saves 44.7% FLOPs and 40.7% wall time",
 * docs/growth/ligo.md; here also energy and carbon). Pure: series in, table out.
 *
 * For each method and target, the cost is read where the validation loss first crosses the target: between the last
 * evaluation above it (a) and the first at or below it (b), every cumulative quantity is interpolated linearly with
 * f = (loss_a − target) / (loss_a − loss_b). Evaluations are sparse (every N steps), so reading the cost at b would
 * overstate it by up to N steps. When the first evaluation is already at or below the target, its cost is used as is
 * (an upper bound: nothing is known before it). A run that never gets there is 'never reached', with its best loss.
 * Saving % = 100 × (scratch − method) / scratch, null when either side did not reach the target.
 * Energy figures carry how their joules were obtained; two arms measured differently are flagged as not comparable.
 */
import type {
  CarbonAssumptions,
  EnergyMethod,
  CarbonFigure,
  EnergyFigure,
  MethodAtTarget,
  MethodSeries,
  NeverReachedTarget,
  ReachedTarget,
  Saving,
  SavingsPoint,
  SavingsRow,
  SavingsTable,
  SavingsTarget,
} from '../../shared'
import type { MetricRecord } from '../../shared/train'
import { JOULES_PER_KWH } from './energy/carbon'

/** Default ladder: these fractions of scratch's loss drop, first evaluation to final loss (1 = scratch's final loss). */
export const DEFAULT_LADDER_FRACTIONS = [0.5, 0.75, 0.9, 1] as const

export class SavingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SavingsError'
  }
}

/** Checks one series: finite numbers, strictly increasing steps, cumulative costs that never decrease. Returns it sorted. */
export function checkSeries(series: MethodSeries): SavingsPoint[] {
  const points = [...series.points].sort((a, b) => a.step - b.step)
  points.forEach((point, i) => {
    const where = `series '${series.method}', evaluation at step ${point.step}`
    for (const key of ['step', 'flops', 'wallSeconds', 'valLoss'] as const) {
      if (!Number.isFinite(point[key])) throw new SavingsError(`${where}: ${key} must be a finite number, got ${point[key]}`)
    }
    if (point.joules !== null && !(Number.isFinite(point.joules) && point.joules >= 0)) {
      throw new SavingsError(`${where}: joules must be a finite number >= 0 or null, got ${point.joules}`)
    }
    if (i === 0) return
    const previous = points[i - 1]
    if (point.step === previous.step) throw new SavingsError(`${where}: two evaluations at the same step`)
    for (const key of ['flops', 'wallSeconds', 'joules'] as const) {
      const [before, now] = [previous[key], point[key]]
      if (before !== null && now !== null && now < before) {
        throw new SavingsError(`${where}: ${key} went down from ${before} to ${now}; costs must be cumulative`)
      }
    }
  })
  return points
}

/**
 * A run's series from its metrics log (run folder metrics.jsonl): one point per line with an evaluation. The energy
 * measurement is the run's, from the last line with energy: its accuracy and the methods that gave any joules.
 */
export function seriesFromMetrics(method: string, records: readonly MetricRecord[]): MethodSeries {
  const points: SavingsPoint[] = records
    .filter((r) => r.eval !== undefined)
    .map((r) => ({ step: r.step, flops: r.flops, wallSeconds: r.wallSeconds, joules: r.energy?.joules ?? null, valLoss: r.eval!.loss }))
  const lastEnergy = [...records].reverse().find((r) => r.energy)?.energy
  const methods = lastEnergy ? (Object.entries(lastEnergy.byMethod) as Array<[EnergyMethod, number]>).filter(([, j]) => j > 0).map(([m]) => m).sort() : []
  return { method, points, energy: { accuracy: lastEnergy?.accuracy ?? 'none', methods } }
}

const lerp = (a: number, b: number, f: number): number => a + f * (b - a)

function carbonOf(energy: EnergyFigure | null, carbon: CarbonAssumptions | null): CarbonFigure | null {
  if (!energy || !carbon) return null
  const grams = (energy.joules / JOULES_PER_KWH) * carbon.pue * carbon.gramsPerKwh
  return { grams, measurement: energy.measurement, assumptions: carbon }
}

/** The cost of one series to reach `target` (first crossing, interpolated), or why it never did. */
export function costToReach(series: MethodSeries, target: number, carbon: CarbonAssumptions | null = null): ReachedTarget | NeverReachedTarget {
  const points = checkSeries(series)
  const index = points.findIndex((p) => p.valLoss <= target)
  if (index === -1) {
    if (points.length === 0) return { reached: false, bestLoss: null, bestStep: null, lastStep: null, text: 'never reached: no evaluations' }
    const best = points.reduce((a, b) => (b.valLoss < a.valLoss ? b : a))
    const last = points[points.length - 1]
    return {
      reached: false,
      bestLoss: best.valLoss,
      bestStep: best.step,
      lastStep: last.step,
      text: `never reached: best ${best.valLoss.toFixed(3)} at step ${best.step} of ${last.step}`,
    }
  }
  const b = points[index]
  const a = index > 0 ? points[index - 1] : null
  // a.valLoss > target >= b.valLoss, so the denominator is positive.
  const f = a ? (a.valLoss - target) / (a.valLoss - b.valLoss) : 1
  const from = a ?? b
  const joules = from.joules !== null && b.joules !== null ? lerp(from.joules, b.joules, f) : null
  const metered = joules !== null && series.energy.accuracy !== 'none'
  const energy: EnergyFigure | null = metered ? { joules, measurement: { ...series.energy, methods: [...series.energy.methods] } } : null
  return {
    reached: true,
    step: lerp(from.step, b.step, f),
    flops: lerp(from.flops, b.flops, f),
    wallSeconds: lerp(from.wallSeconds, b.wallSeconds, f),
    energy,
    carbon: carbonOf(energy, carbon),
    interpolated: a !== null && f < 1,
  }
}

function percentSaved(scratch: number, method: number): number | null {
  return scratch > 0 ? (100 * (scratch - method)) / scratch : null
}

/** The saving of one method's result against scratch's, at the same target. */
export function savingAgainst(methodName: string, result: ReachedTarget | NeverReachedTarget, scratch: ReachedTarget | NeverReachedTarget): Saving {
  const empty: Saving = {
    flopsPercent: null,
    wallPercent: null,
    energyPercent: null,
    energyMeasurement: null,
    energyComparable: null,
    carbonPercent: null,
    notes: [],
  }
  if (!scratch.reached || !result.reached) {
    if (!scratch.reached) empty.notes.push(`scratch ${scratch.text}`)
    if (!result.reached) empty.notes.push(`${methodName} ${result.text}`)
    return empty
  }
  const saving: Saving = { ...empty, flopsPercent: percentSaved(scratch.flops, result.flops), wallPercent: percentSaved(scratch.wallSeconds, result.wallSeconds) }
  if (saving.flopsPercent === null) saving.notes.push('scratch reached the target at its first evaluation with 0 FLOPs: no FLOPs saving')
  if (result.energy && scratch.energy) {
    const [mine, theirs] = [result.energy.measurement, scratch.energy.measurement]
    saving.energyPercent = percentSaved(scratch.energy.joules, result.energy.joules)
    saving.energyMeasurement = `${mine.accuracy} vs ${theirs.accuracy}`
    saving.energyComparable = mine.accuracy === theirs.accuracy && mine.methods.join() === theirs.methods.join()
    if (!saving.energyComparable) saving.notes.push(`energy of ${methodName} (${mine.methods.join('+')}) and scratch (${theirs.methods.join('+')}) were obtained differently`)
  } else {
    saving.notes.push(`${result.energy ? 'scratch' : methodName} has no energy record: no energy saving`)
  }
  if (result.carbon && scratch.carbon) saving.carbonPercent = percentSaved(scratch.carbon.grams, result.carbon.grams)
  return saving
}

/**
 * Targets between scratch's first evaluated loss and its final loss: target = first + fraction × (final − first).
 * Fraction 1 is scratch's final loss, which scratch reaches by definition.
 */
export function targetLadder(scratch: MethodSeries, scratchFinalLoss: number, fractions: readonly number[] = DEFAULT_LADDER_FRACTIONS): SavingsTarget[] {
  if (!Number.isFinite(scratchFinalLoss)) throw new SavingsError(`scratch's final validation loss must be a finite number, got ${scratchFinalLoss}`)
  const points = checkSeries(scratch)
  const first = points[0]?.valLoss
  const finalTarget: SavingsTarget = { loss: scratchFinalLoss, label: `scratch's final loss ${scratchFinalLoss.toFixed(3)}` }
  if (first === undefined || !(first > scratchFinalLoss)) return [finalTarget]
  const targets: SavingsTarget[] = []
  for (const fraction of [...fractions].sort((x, y) => x - y)) {
    if (!(fraction > 0 && fraction <= 1)) throw new SavingsError(`ladder fractions must be in (0, 1], got ${fraction}`)
    if (fraction === 1) continue
    const loss = lerp(first, scratchFinalLoss, fraction)
    targets.push({ loss, label: `${Math.round(fraction * 100)}% of scratch's loss drop (${loss.toFixed(3)})` })
  }
  targets.push(finalTarget)
  return targets
}

export interface SavingsInput {
  series: MethodSeries[]
  /** Which series is the scratch baseline. */
  scratch: string
  scratchFinalLoss: number
  /** Carbon assumptions for gCO2e figures (grid intensity with its source and year, PUE); omitted = no carbon. */
  carbon?: CarbonAssumptions | null
  /** Explicit targets; default: targetLadder(scratch, scratchFinalLoss). */
  targets?: SavingsTarget[]
}

export function computeSavings(input: SavingsInput): SavingsTable {
  const names = input.series.map((s) => s.method)
  const duplicate = names.find((name, i) => names.indexOf(name) !== i)
  if (duplicate) throw new SavingsError(`two series are named '${duplicate}'; method names must be unique`)
  const scratch = input.series.find((s) => s.method === input.scratch)
  if (!scratch) throw new SavingsError(`no series named '${input.scratch}' (the scratch baseline). Series: ${names.join(', ') || 'none'}`)
  const carbon = input.carbon ?? null
  const targets = input.targets ?? targetLadder(scratch, input.scratchFinalLoss)
  const rows: SavingsRow[] = targets.map((target) => {
    const scratchResult = costToReach(scratch, target.loss, carbon)
    const methods: MethodAtTarget[] = input.series.map((series) => {
      if (series === scratch) return { method: series.method, result: scratchResult, saving: null }
      const result = costToReach(series, target.loss, carbon)
      return { method: series.method, result, saving: savingAgainst(series.method, result, scratchResult) }
    })
    return { target, methods }
  })
  return { scratch: scratch.method, scratchFinalLoss: input.scratchFinalLoss, rows, carbon }
}
