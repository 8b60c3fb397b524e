/**
 * The comparison report: per method, the FLOPs, wall time and energy to reach
 *   - scratch's final validation loss: the paper's "saving" (docs/growth/accounting.md §3.3), per seed against that seed's
 *     scratch run;
 *   - a ladder of lower targets: the source model's own validation loss and fractions of it below
 *     (docs/growth/savings.md point 1: a short scratch run stalls on the plateau and the single figure degenerates),
 * or "never reached"; with the scratch budget and whether scratch passed the source model's loss. Costs at a
 * target come from engine/metrics/savings.ts (first crossing, interpolated between evaluations); every series
 * starts with the grown model before training, at the growth phase's cost. Across seeds: mean and spread (sample
 * standard deviation); a saving inside its spread is a tie with scratch, and the cheapest method is named only when
 * no other lies within the spread (docs/growth/savings.md point 5: at small scale methods are often within noise).
 */
import { computeSavings, seriesFromMetrics } from '../metrics/savings'
import { formatFlops } from '../metrics/flops'
import { isTie, seedSpread } from '../../shared/metrics/seed-stats'
import type { ComparisonReport, MethodRunRecord, MethodTargetSummary, SeedStat, TargetSummary } from '../../shared/growth'
import type { CarbonAssumptions } from '../../shared/energy'
import type { MethodSeries, SavingsTable, SavingsTarget } from '../../shared/savings'
import type { MetricRecord } from '../../shared/train'
import { formatBudget } from './budget'
import { BETWEEN_LEVELS } from './defaults'
import type { ComparisonSettings, ExperimentRecord } from './compare'

/** One finished run: the grown model before training (growth-phase cost) and its metrics log. */
export interface RunSeries {
  method: string
  seed: number
  initial: { loss: number; flops: number; wallSeconds: number; joules: number | null }
  records: readonly MetricRecord[]
}

/** Mean and sample standard deviation over seeds: the dashboards' rule too (one source of truth). */
export const stat = seedSpread

/** The savings series of a run: its initial point, then each evaluation. */
export function methodSeries(run: RunSeries): MethodSeries {
  const fromLog = seriesFromMetrics(run.method, run.records)
  const initial = { step: 0, flops: run.initial.flops, wallSeconds: run.initial.wallSeconds, joules: run.initial.joules, valLoss: run.initial.loss }
  const points = Number.isFinite(initial.valLoss) ? [initial, ...fromLog.points.filter((p) => p.step > 0)] : fromLog.points
  return { ...fromLog, points }
}

/**
 * Targets of one seed: scratch's final loss, the source loss × each ladder fraction, and after the source's own loss
 * `between` levels evenly spaced from it to scratch's final loss (k/(between+1) of the way), so the table shows
 * where the methods part between the two losses that define the comparison (issue 14).
 */
export function seedTargets(scratchFinalLoss: number, sourceLoss: number, ladder: readonly number[], between: number = BETWEEN_LEVELS): Array<SavingsTarget & { kind: TargetSummary['kind'] }> {
  const levels = Array.from({ length: between }, (_, i) => ({
    kind: 'between' as const,
    loss: sourceLoss + ((scratchFinalLoss - sourceLoss) * (i + 1)) / (between + 1),
    label: `${i + 1}/${between + 1} of the way from the source model's loss to scratch's final loss`,
  }))
  const fractions = ladder.map((f) => ({
    kind: (f === 1 ? 'source' : 'ladder') as TargetSummary['kind'],
    loss: sourceLoss * f,
    label: f === 1 ? `source model's loss` : `${Math.round(f * 100)}% of the source model's loss`,
  }))
  const source = fractions.filter((t) => t.kind === 'source')
  return [{ kind: 'scratch-final', loss: scratchFinalLoss, label: `scratch's final loss` }, ...source, ...levels, ...fractions.filter((t) => t.kind !== 'source')]
}

const finalLossOf = (series: MethodSeries): number => series.points[series.points.length - 1]?.valLoss ?? NaN

/**
 * `carbon`: the grid intensity and PUE (engine/settings/energy-settings.ts) that turn each method's joules into gCO2e;
 * null leaves carbon out of the report.
 */
export function buildReport(
  settings: ComparisonSettings,
  record: ExperimentRecord,
  runs: readonly RunSeries[],
  carbon: CarbonAssumptions | null = null,
): ComparisonReport {
  const notes: string[] = []
  const perSeed: ComparisonReport['perSeed'] = []
  const seedTargetLists: Array<Array<SavingsTarget & { kind: TargetSummary['kind'] }>> = []
  const scratchFinal: number[] = []
  const passed: boolean[] = []
  const headlineRefused: string[] = []
  for (const seed of settings.seeds) {
    const mine = runs.filter((r) => r.seed === seed)
    const scratchRun = mine.find((r) => r.method === 'scratch')
    if (!scratchRun) {
      notes.push(`seed ${seed}: no finished scratch run, so no savings`)
      continue
    }
    const series = mine.map(methodSeries)
    const scratchSeries = series.find((s) => s.method === 'scratch')!
    const final = finalLossOf(scratchSeries)
    const sourceLoss = record.sourceLoss[String(seed)]
    const targets = seedTargets(final, sourceLoss, settings.ladder)
    const table: SavingsTable = computeSavings({ series, scratch: 'scratch', scratchFinalLoss: final, targets, carbon })
    perSeed.push({ seed, table })
    seedTargetLists.push(targets)
    scratchFinal.push(final)
    passed.push(final < sourceLoss)
    if (!(final < sourceLoss))
      headlineRefused.push(
        `seed ${seed}: scratch ended at ${final.toFixed(4)}, not below the source model's ${sourceLoss.toFixed(4)}: every grown model starts near the source's loss, so "saving to scratch's final loss" would measure an undertrained scratch (docs/growth/savings.md point 1); lengthen the budget`,
      )
  }
  const methods = settings.methods.filter((m) => runs.some((r) => r.method === m))
  for (const run of Object.values(record.runs)) if (run.status === 'skipped' && run.seed === settings.seeds[0]) notes.push(`${run.method}: skipped (${run.reason})`)

  const targets: TargetSummary[] = (seedTargetLists[0] ?? []).map((first, t) => {
    const rows = methods.map((method) => summarise(method, perSeed.map((p) => p.table.rows[t].methods.find((m) => m.method === method)).filter((m) => m !== undefined)))
    const summary: TargetSummary = { kind: first.kind, loss: stat(seedTargetLists.map((l) => l[t].loss))!.mean, label: first.label, methods: rows, best: bestOf(rows) }
    return first.kind === 'scratch-final' && headlineRefused.length > 0 ? withoutHeadline(summary, headlineRefused.length, perSeed.length) : summary
  })

  const scratchRuns = Object.values(record.runs).filter((r): r is MethodRunRecord & { status: 'done' } => r.method === 'scratch' && r.status === 'done')
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
  const sourceLosses = settings.seeds.map((s) => record.sourceLoss[String(s)]).filter((x) => x !== undefined)
  const priorLosses = settings.seeds.map((s) => record.priorLoss?.[String(s)]).filter((x): x is number => x !== undefined)
  return {
    format: 'ligo-comparison',
    version: 1,
    from: settings.from,
    to: settings.to,
    data: settings.data,
    budget: settings.budget,
    seeds: settings.seeds,
    sourceLoss: mean(sourceLosses),
    priorLoss: priorLosses.length > 0 ? mean(priorLosses) : null,
    headlineRefused,
    scratch: {
      steps: mean(scratchRuns.map((r) => r.steps ?? 0)),
      flops: mean(scratchRuns.map((r) => r.flops ?? 0)),
      wallSeconds: mean(scratchRuns.map((r) => r.wallSeconds ?? 0)),
      finalLoss: stat(scratchFinal) ?? { mean: NaN, spread: null, n: 0 },
      passedSourceLoss: passed,
    },
    runs: Object.values(record.runs),
    targets,
    perSeed,
    carbon,
    notes,
  }
}

/**
 * The paper's target when scratch did not pass the source's loss in some seed: no saving is printed (a grown model
 * starts near the source's loss, so it "saves" almost everything against an undertrained scratch), and the verdicts
 * and the best column say why. The costs to reach it stay.
 */
function withoutHeadline(target: TargetSummary, refused: number, seeds: number): TargetSummary {
  const why = `no headline: scratch did not pass the source model's loss in ${refused}/${seeds} seed(s)`
  return {
    ...target,
    best: why,
    methods: target.methods.map((m) =>
      m.method === 'scratch' ? m : { ...m, flopsSaving: null, wallSaving: null, energySaving: null, carbonSaving: null, verdict: m.reached === 0 ? m.verdict : why },
    ),
  }
}

type AtTarget = SavingsTable['rows'][number]['methods'][number]

function summarise(method: string, results: AtTarget[]): MethodTargetSummary {
  const reached = results.filter((r) => r.result.reached)
  const values = (pick: (r: AtTarget) => number | null | undefined) => stat(results.map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)))
  const summary: MethodTargetSummary = {
    method,
    reached: reached.length,
    runs: results.length,
    flops: values((r) => (r.result.reached ? r.result.flops : null)),
    wallSeconds: values((r) => (r.result.reached ? r.result.wallSeconds : null)),
    joules: values((r) => (r.result.reached ? (r.result.energy?.joules ?? null) : null)),
    flopsSaving: values((r) => r.saving?.flopsPercent),
    wallSaving: values((r) => r.saving?.wallPercent),
    energySaving: values((r) => r.saving?.energyPercent),
    gramsCO2e: values((r) => (r.result.reached ? (r.result.carbon?.grams ?? null) : null)),
    carbonSaving: values((r) => r.saving?.carbonPercent),
    energyMeasurement: measurementOf(results),
    verdict: '',
  }
  summary.verdict = verdictOf(summary, results)
  return summary
}

/** How the joules at this target were obtained, over the seeds that reached it: "estimated (estimate)". */
function measurementOf(results: AtTarget[]): string | null {
  const labels = new Set<string>()
  for (const r of results) {
    const m = r.result.reached ? r.result.energy?.measurement : undefined
    if (m) labels.add(`${m.accuracy}${m.methods.length > 0 ? ` (${m.methods.join(', ')})` : ''}`)
  }
  return labels.size > 0 ? [...labels].join(' / ') : null
}

function verdictOf(s: MethodTargetSummary, results: AtTarget[]): string {
  const partial = s.reached < s.runs ? ` (${s.reached}/${s.runs} seeds)` : ''
  if (s.reached === 0) {
    const best = stat(results.map((r) => (r.result.reached ? null : r.result.bestLoss)).filter((v): v is number => v !== null))
    return best ? `never reached: best ${best.mean.toFixed(3)}` : 'never reached'
  }
  if (s.method === 'scratch') return `reached${partial}`
  const saving = s.flopsSaving
  if (!saving) return `reached${partial}; scratch did not, so no saving`
  const pct = (x: number) => `${Math.abs(x).toFixed(1)}%`
  const word = saving.mean >= 0 ? 'saves' : 'costs'
  const tail = saving.mean >= 0 ? '' : ' more'
  if (saving.spread === null) return `${word} ${pct(saving.mean)} FLOPs${tail}${partial} (one seed: no spread)`
  if (isTie(saving)) return `tie with scratch: ${saving.mean.toFixed(1)}% ± ${saving.spread.toFixed(1)}${partial}`
  return `${word} ${pct(saving.mean)} ± ${saving.spread.toFixed(1)} FLOPs${tail}${partial}`
}

/** Said instead of a winner when there is no spread to tell a difference from noise. */
export const NO_WINNER_FROM_ONE_SEED = 'no winner from one seed (no spread to tell a difference from noise; repeat with more seeds)'

/**
 * The cheapest method that reached the target in every seed, or a tie when another's mean lies within the spread.
 * Never a winner from one seed (docs/growth/savings.md "Seeds and ties").
 */
function bestOf(rows: MethodTargetSummary[]): string {
  const full = rows.filter((r) => r.reached === r.runs && r.runs > 0 && r.flops).sort((a, b) => a.flops!.mean - b.flops!.mean)
  if (full.length === 0) return 'none reached it in every seed'
  if (full.some((r) => r.flops!.spread === null)) return NO_WINNER_FROM_ONE_SEED
  const [first] = full
  const tied = full.filter((r) => r !== first && r.flops!.mean - first.flops!.mean <= Math.max(first.flops!.spread!, r.flops!.spread!))
  if (tied.length > 0) return `tie: ${[first, ...tied].map((r) => r.method).join(', ')} (within the spread)`
  return first.method
}

const pad = (text: string, width: number) => (text.length >= width ? text + ' ' : text + ' '.repeat(width - text.length))
const fmt = (s: SeedStat | null, f: (x: number) => string) => (s ? `${f(s.mean)}${s.spread !== null ? ` ±${f(s.spread)}` : ''}` : '—')
const seconds = (x: number) => (x >= 100 ? `${x.toFixed(0)}s` : `${x.toFixed(1)}s`)
const joules = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)}kJ` : `${x.toFixed(0)}J`)
const percent = (x: number) => `${x.toFixed(1)}%`
const grams = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)}kg` : x >= 1 ? `${x.toFixed(1)}g` : `${(x * 1000).toFixed(1)}mg`)

/** "ligo 100 steps, 1.2e11 FLOPs = 4.8%" per method with a growth phase (mean over its finished seeds). */
export function growthShares(report: ComparisonReport): string[] {
  const out: string[] = []
  for (const method of [...new Set(report.runs.map((r) => r.method))]) {
    const phases = report.runs.filter((r) => r.method === method && r.status === 'done' && (r.growth?.flops ?? 0) > 0).map((r) => r.growth!)
    if (phases.length === 0) continue
    const flops = phases.reduce((a, p) => a + p.flops, 0) / phases.length
    const steps = phases.reduce((a, p) => a + p.steps, 0) / phases.length
    const share = report.scratch.flops > 0 ? ` = ${((100 * flops) / report.scratch.flops).toFixed(1)}%` : ''
    out.push(`${method} ${steps.toFixed(0)} steps, ${flops.toExponential(2)} FLOPs${share}`)
  }
  return out
}

export function formatReport(report: ComparisonReport): string {
  const lines: string[] = []
  const s = report.scratch
  lines.push(`Comparison: ${report.from} -> ${report.to} on ${report.data}, budget ${formatBudget(report.budget)}, seeds ${report.seeds.join(', ')}`)
  const prior = report.priorLoss ?? null
  const priorText = prior === null ? '' : `; the label frequencies' loss (unigram / class prior) on the same batches ${prior.toFixed(4)}: the source is ${(prior - report.sourceLoss).toFixed(4)} below it`
  lines.push(`Source model's validation loss: ${report.sourceLoss.toFixed(4)} (not charged: the paper's accounting)${priorText}`)
  lines.push(
    `Scratch: ${s.steps.toFixed(0)} steps, ${formatFlops(s.flops, { style: 'scientific' })}, ${seconds(s.wallSeconds)}; final loss ${fmt(s.finalLoss, (x) => x.toFixed(4))}; ` +
      `passed the source model's loss: ${s.passedSourceLoss.filter(Boolean).length}/${s.passedSourceLoss.length} seeds`,
  )
  const shares = growthShares(report)
  if (shares.length > 0) lines.push(`Growth phases (charged; share of scratch's FLOPs): ${shares.join('; ')}`)
  for (const why of report.headlineRefused ?? []) lines.push(`No headline saving: ${why}`)
  const measurements = new Set(report.targets.flatMap((t) => t.methods.map((m) => m.energyMeasurement).filter((x): x is string => x !== null)))
  if (measurements.size > 0) lines.push(`Energy: ${[...measurements].join(' / ')} (estimated = process CPU time × per-core power; measured = hardware counters)`)
  if (report.carbon) lines.push(`Carbon: ${report.carbon.text}`)
  const widths = [15, 8, 20, 14, 14, 12, 15, 14, 15, 13]
  for (const target of report.targets) {
    lines.push('', `Target: ${target.label} (${target.loss.toFixed(4)})  best: ${target.best}`)
    lines.push(['method', 'reached', 'FLOPs', 'wall', 'energy', 'CO2e', 'FLOPs saving', 'wall saving', 'energy saving', 'CO2e saving', 'verdict'].map((h, i) => (i < widths.length ? pad(h, widths[i]) : h)).join(''))
    for (const m of target.methods) {
      const cells = [
        m.method,
        `${m.reached}/${m.runs}`,
        fmt(m.flops, (x) => x.toExponential(2)),
        fmt(m.wallSeconds, seconds),
        fmt(m.joules, joules),
        fmt(m.gramsCO2e, grams),
        m.method === 'scratch' ? '—' : fmt(m.flopsSaving, percent),
        m.method === 'scratch' ? '—' : fmt(m.wallSaving, percent),
        m.method === 'scratch' ? '—' : fmt(m.energySaving, percent),
        m.method === 'scratch' ? '—' : fmt(m.carbonSaving, percent),
      ]
      lines.push(cells.map((c, i) => pad(c, widths[i])).join('') + m.verdict)
    }
  }
  if (report.notes.length > 0) lines.push('', 'Notes:', ...report.notes.map((n) => `- ${n}`))
  return lines.join('\n') + '\n'
}
