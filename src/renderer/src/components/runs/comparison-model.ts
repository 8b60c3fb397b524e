/**
 * A comparison as the dashboard shows it, from what the host reads out of its experiment folder
 * (engine/experiments/README.md "Experiment folder"): each method-and-seed run's metrics log and its grown model's
 * starting point, the source model's loss per seed, and the report once the comparison is done. Pure: the store
 * feeds it, the charts, headline and exports read it.
 */
import type { RunSeries } from '../../../../shared/runs'
import type { ComparisonReport } from '../../../../shared/growth'
import { runPoints, type InitialPoint, type RunPoint } from '../../../../shared/metrics/run-points'
import { livePoints } from '../../../../shared/metrics/run-points-live'
import type { MetricsRow } from '../../../../shared/metrics/metrics-table'
import type { MetricRecord } from '../../../../shared/train'
import type { RunCurve } from '../charts/loss-chart-data'

export interface ComparisonRunInput {
  method: string
  seed: number
  /** The grown model before training (run manifest `growth.initial`); null before the run started. */
  initial: InitialPoint | null
  records: readonly MetricRecord[]
  /** 'done' once the run finished its budget. */
  status: RunSeries['status']
  /** ISO time the run folder was created (TensorBoard wall times). */
  createdAt: string | null
}

export interface ComparisonInput {
  runs: readonly ComparisonRunInput[]
  /** The small model's validation loss per seed (experiment.json `sourceLoss`). */
  sourceLoss: Readonly<Record<string, number>>
  report: ComparisonReport | null
}

export interface ChartTarget {
  label: string
  loss: number
}

export function comparisonCurves(input: ComparisonInput): RunCurve[] {
  return input.runs.filter((r) => r.status !== 'skipped').map((r) => ({ method: r.method, seed: r.seed, points: livePoints(r.records, r.initial) }))
}

/**
 * The ladder's first rungs as chart lines: scratch's final loss (mean over seeds, once every scratch run is done)
 * and the source model's own loss (mean over seeds). Labels come from the caller (translated).
 */
export function comparisonTargets(input: ComparisonInput, labels: { scratchFinal: string; source: string }): ChartTarget[] {
  const targets: ChartTarget[] = []
  const scratch = input.runs.filter((r) => r.method === 'scratch')
  if (scratch.length > 0 && scratch.every((r) => r.status === 'done')) {
    const finals = scratch.map((r) => [...runPoints(r.records, r.initial)].reverse().find((p) => p.valLoss !== null)?.valLoss).filter((v): v is number => v !== undefined && v !== null)
    if (finals.length > 0) targets.push({ label: labels.scratchFinal, loss: finals.reduce((a, b) => a + b, 0) / finals.length })
  }
  const sources = Object.values(input.sourceLoss).filter((v) => Number.isFinite(v))
  if (sources.length > 0) targets.push({ label: labels.source, loss: sources.reduce((a, b) => a + b, 0) / sources.length })
  return targets
}

/** Every method's and seed's points as export rows. */
export function comparisonRows(curves: readonly RunCurve[]): MetricsRow[] {
  return curves.flatMap((c) => c.points.map((p: RunPoint) => ({ method: c.method, seed: c.seed, ...p })))
}
