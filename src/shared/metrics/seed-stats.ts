/**
 * Mean and spread over seeds (sample standard deviation; no spread with one seed), and the "tie" rule of the
 * comparison report (src/engine/experiments/README.md, "Report"): a saving whose spread covers zero is a tie with
 * scratch. Used by the headline panel and the chart's mean line and band.
 */

import type { SeedStat } from '../growth'

/** Mean, sample standard deviation (null with fewer than two values) and count: the report's SeedStat. */
export type SeedSpread = SeedStat

export function seedSpread(values: readonly number[]): SeedSpread | null {
  const finite = values.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return null
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length
  const spread = finite.length > 1 ? Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1)) : null
  return { mean, spread, n: finite.length }
}

/** A saving (in %) is a tie when mean ± spread includes 0. A single seed has no spread and is never called a tie. */
export function isTie(saving: SeedSpread): boolean {
  return saving.spread !== null && Math.abs(saving.mean) <= saving.spread
}

/** Saving of `method` against `scratch` in percent: 100 × (scratch − method) / scratch; null when scratch is not > 0. */
export function percentSaving(scratch: number, method: number): number | null {
  return scratch > 0 ? (100 * (scratch - method)) / scratch : null
}

/**
 * The mean curve of several seeds' curves sampled at the same positions (the same evaluation steps), and its band
 * (mean ± spread). Positions where no seed has a value stay null; one seed gives a band of zero width.
 */
export function meanCurve(curves: ReadonlyArray<ArrayLike<number | null>>): { mean: Array<number | null>; low: Array<number | null>; high: Array<number | null> } {
  const length = Math.max(0, ...curves.map((c) => c.length))
  const mean: Array<number | null> = new Array(length).fill(null)
  const low = [...mean]
  const high = [...mean]
  for (let i = 0; i < length; i++) {
    const s = stepStats(curves.map((curve) => curve[i]))
    if (!s) continue
    mean[i] = s.mean
    low[i] = s.low
    high[i] = s.high
  }
  return { mean, low, high }
}

/** The seeds' values at one position: their mean and band (mean ± spread), or null when no seed has a finite value. */
export function stepStats(values: ReadonlyArray<number | null | undefined>): { mean: number; low: number; high: number } | null {
  const finite: number[] = []
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v)) finite.push(v)
  const s = seedSpread(finite)
  return s && { mean: s.mean, low: s.mean - (s.spread ?? 0), high: s.mean + (s.spread ?? 0) }
}
