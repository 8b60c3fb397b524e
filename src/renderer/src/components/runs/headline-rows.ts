/**
 * The headline panel's cells from a comparison report (shared/growth.ts ComparisonReport, built by the engine's
 * report.ts): per target of the ladder and per method, the saving against scratch in FLOPs, wall time, energy and
 * gCO2e with the spread over seeds, "tie" where the spread covers zero, "never" where no seed reached the target,
 * how the energy was obtained, and the paper's figures for the matching pair (targets of kind 'scratch-final' only:
 * that is the paper's definition). Plain data; the component translates the words.
 */
import type { ComparisonReport, MethodTargetSummary, SeedStat, TargetSummary } from '../../../../shared/growth'
import { paperPairFor, type PaperSaving } from '../../../../shared/metrics/paper-figures'
import { isTie } from '../../../../shared/metrics/seed-stats'

export type SavingCell =
  | { kind: 'saving'; mean: number; spread: number | null; tie: boolean }
  /** The method reached the target but scratch did not (no saving can be computed). */
  | { kind: 'no-scratch' }
  | { kind: 'never' }
  | { kind: 'baseline' }
  | { kind: 'none' }

export interface HeadlineMethodRow {
  method: string
  reached: number
  runs: number
  flops: SavingCell
  wall: SavingCell
  energy: SavingCell
  carbon: SavingCell
  /** Cost to reach the target (mean over the seeds that reached it). */
  cost: { flops: SeedStat | null; wallSeconds: SeedStat | null; joules: SeedStat | null; grams: SeedStat | null }
  energyMeasurement: string | null
  paper: PaperSaving | null
}

export interface HeadlineTarget {
  kind: TargetSummary['kind']
  loss: number
  label: string
  rows: HeadlineMethodRow[]
}

function cell(summary: MethodTargetSummary, stat: SeedStat | null): SavingCell {
  if (summary.method === 'scratch') return summary.reached > 0 ? { kind: 'baseline' } : { kind: 'never' }
  if (summary.reached === 0) return { kind: 'never' }
  if (!stat) return summary.flopsSaving ? { kind: 'none' } : { kind: 'no-scratch' }
  return { kind: 'saving', mean: stat.mean, spread: stat.spread, tie: isTie(stat) }
}

export function headlineTargets(report: ComparisonReport, family: string | null): HeadlineTarget[] {
  const pair = paperPairFor(family)
  return report.targets.map((target) => ({
    kind: target.kind,
    loss: target.loss,
    label: target.label,
    rows: target.methods.map((m) => ({
      method: m.method,
      reached: m.reached,
      runs: m.runs,
      flops: cell(m, m.flopsSaving),
      wall: cell(m, m.wallSaving),
      energy: cell(m, m.energySaving),
      carbon: cell(m, m.carbonSaving),
      cost: { flops: m.flops, wallSeconds: m.wallSeconds, joules: m.joules, grams: m.gramsCO2e },
      energyMeasurement: m.energyMeasurement,
      paper: target.kind === 'scratch-final' ? (pair?.methods[m.method] ?? null) : null,
    })),
  }))
}
