/**
 * What the run queue reads out of a comparison's folder, the engine's experiment folder
 * (engine/experiments/README.md, "Experiment folder"): experiment.json (settings, each method-and-seed run's
 * status, the source model's loss per seed), one run folder per method and seed (manifest.json, metrics.jsonl)
 * and report.json once it finished. Progress, the series to draw, the facts and the report of a compare run.
 */
import { join } from 'node:path'
import { readJsonOrNull } from '../engine/library/model-ref'
import { lastLoggedStep } from '../engine/train/metrics-log'
import { runTargetLabel } from '../shared/growth-design'
import type { ComparisonReport, RunDetail, RunFactKey, RunSeries, RunSummary, StartCompareParams } from '../shared'

interface ExperimentView {
  settings?: { methods: string[]; seeds: number[] }
  runs?: Record<string, { status: string }>
  sourceLoss?: Record<string, number>
}

/** The fields of a comparison run's manifest.json (engine/experiments/compare.ts GrowthRunManifest) read here. */
interface ManifestView {
  createdAt: string
  backend: string
  model?: { family?: string }
  hardware?: { cpu?: { model: string; cores: number } } | null
  energy?: { scope: string; carbon: { text: string } }
  growth?: { initial: RunSeries['initial'] }
}

const experiment = (dir: string) => readJsonOrNull(join(dir, 'experiment.json')) as unknown as ExperimentView | null

/** Every method-and-seed run the comparison makes: scratch first in each seed, as the engine runs them. */
function seriesKeys(dir: string, params: StartCompareParams): Array<{ key: string; method: string; seed: number }> {
  const exp = experiment(dir)
  const methods = exp?.settings?.methods ?? ['scratch', ...params.methods.filter((m) => m !== 'scratch')]
  const seed0 = params.seed ?? 0
  const seeds = exp?.settings?.seeds ?? Array.from({ length: params.seeds ?? 1 }, (_, i) => seed0 + i)
  return seeds.flatMap((seed) => methods.map((method) => ({ key: `${method}-seed${seed}`, method, seed })))
}

/** The step of a run folder's last metrics line (0 when none), from the log's tail: list calls poll it. */
const lastStep = (dir: string, key: string): number => lastLoggedStep(join(dir, key, 'metrics.jsonl'))

/** Steps logged of the steps the budget allows over every method and seed; a FLOPs or time budget counts finished runs. */
export function comparisonProgress(dir: string, params: StartCompareParams): Pick<RunSummary, 'done' | 'total' | 'unit'> {
  const exp = experiment(dir)
  const keys = seriesKeys(dir, params).filter((k) => exp?.runs?.[k.key]?.status !== 'skipped')
  const steps = params.budget.kind === 'steps' ? params.budget.value : null
  const finished = (key: string) => exp?.runs?.[key]?.status === 'done'
  if (steps === null) return { done: keys.filter((k) => finished(k.key)).length, total: keys.length, unit: 'runs' }
  const done = keys.reduce((n, k) => n + (finished(k.key) ? steps : Math.min(steps, lastStep(dir, k.key))), 0)
  return { done, total: steps * keys.length, unit: 'steps' }
}

/** The series, family, facts, source loss and report of a comparison (RunDetail's comparison parts). */
export function comparisonDetail(dir: string, params: StartCompareParams, running: boolean): Pick<RunDetail, 'family' | 'facts' | 'series' | 'sourceLoss' | 'report'> {
  const exp = experiment(dir)
  let family: string | null = null
  const measured: Array<[RunFactKey, string]> = []
  const series: RunSeries[] = seriesKeys(dir, params).map(({ key, method, seed }) => {
    const manifest = readJsonOrNull(join(dir, key, 'manifest.json')) as unknown as ManifestView | null
    if (manifest && measured.length === 0) {
      family = manifest.model?.family ?? null
      measured.push(['backend', manifest.backend])
      if (manifest.hardware?.cpu) measured.push(['cpu', `${manifest.hardware.cpu.model} (${manifest.hardware.cpu.cores})`])
      if (manifest.energy) measured.push(['energy', manifest.energy.scope], ['grid', manifest.energy.carbon.text])
    }
    const status = exp?.runs?.[key]?.status
    return {
      key,
      method,
      seed,
      status: status === 'done' ? 'done' : status === 'skipped' ? 'skipped' : !manifest ? 'pending' : running ? 'running' : 'stopped',
      initial: manifest?.growth?.initial ?? null,
      createdAt: manifest?.createdAt ?? null,
    }
  })
  const facts: Array<[RunFactKey, string]> = [
    ['from', params.from],
    ['to', runTargetLabel(params.to)],
    ['methods', params.methods.join(', ')],
    ['data', params.data],
    ['budget', `${params.budget.value} ${params.budget.kind}`],
    ['seeds', String(params.seeds ?? 1)],
    ['batch', `${params.batchSize ?? '-'} × ${params.seqLen ?? '-'}`],
    ['evalEvery', String(params.evalEvery ?? '-')],
    ...measured,
    ['folder', dir],
  ]
  const report = readJsonOrNull(join(dir, 'report.json')) as unknown as ComparisonReport | null
  return { family, facts, series, sourceLoss: exp?.sourceLoss ?? {}, report }
}
