/**
 * Fair scratch (issue 14): scratch's learning-rate schedule gets the same tuning effort as the grown models'. Trial i
 * is one `ligo compare` on the tuning seed over TUNE_BUDGET_FRACTION of the budget: scratch at peak scratchLrs[i]
 * (warmup SCRATCH_WARMUP_FRACTION of the trial, linear decay to zero at the trial's end) and the grown models
 * TUNE_GROWN_METHODS at peak grownLrs[i] (no warmup, linear decay to zero). Scratch keeps the peak with the lowest final
 * validation loss, the grown models the peak with the lowest mean final loss; both then run the full budget with
 * their schedule rescaled to it (warmup the same share, decay to zero at the budget's end: no schedule is cut).
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { readExperiment } from '../src/engine/experiments/compare'
import { ligo } from './growth-cli'
import { SCRATCH_WARMUP_FRACTION, TUNE_BUDGET_FRACTION, TUNE_GROWN_METHODS, TUNE_SEED, type Suite, type SuiteSize } from './growth-suites'

export interface TuningTrial {
  trial: number
  scratchLr: number
  scratchFinal: number
  grownLr: number
  /** Final validation loss of each tuned grown method. */
  grownFinals: Record<string, number>
  grownMean: number
}

export interface TuningResult {
  suite: string
  budgetSteps: number
  seed: number
  scratchTrials: number
  grownTrials: number
  grownMethods: string[]
  trials: TuningTrial[]
  scratchLr: number
  grownLr: number
}

export interface TuningContext {
  work: string
  from: string
  to: string
  /** Extra `ligo compare` flags every trial shares (backend, LiGO's operator steps). */
  extra: string[]
  /** Trials to run (the first of each list); default all. */
  trials?: number
}

/** Every file under `dir` as relative path, size and modification time: a changed source changes the list. */
function folderListing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((file) => {
      const { size, mtimeMs } = statSync(file)
      return `${relative(dir, file)} ${size} ${mtimeMs}`
    })
    .sort()
}

/**
 * The tuning folder's key: a hash of what a finished trial depends on (the source's files, the target config, the
 * data and every flag), so a trial is reused only by the same tuning, never by one of another source or size.
 */
function tuningKey(suite: Suite, context: TuningContext, flags: string[]): string {
  const parts = [context.from, folderListing(context.from), readFileSync(context.to, 'utf8'), suite.data, flags, context.extra]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 10)
}

export const scratchWarmup = (budgetSteps: number): number => Math.round(SCRATCH_WARMUP_FRACTION * budgetSteps)

export function sizeFlags(size: SuiteSize, budgetSteps: number, evalEvery: number): string[] {
  return [
    '--budget', `${budgetSteps}steps`, '--batch', String(size.batch), '--eval-every', String(evalEvery), '--eval-batches', String(size.evalBatches),
    ...(size.seq !== undefined ? ['--seq', String(size.seq)] : []), ...(size.maxExamples !== undefined ? ['--max-examples', String(size.maxExamples)] : []),
  ]
}

export async function tuneSchedules(suite: Suite, size: SuiteSize, context: TuningContext): Promise<TuningResult> {
  if (suite.scratchLrs.length !== suite.grownLrs.length) throw new Error(`${suite.name}: scratch and the grown models need the same number of tuning trials (${suite.scratchLrs.length} vs ${suite.grownLrs.length})`)
  const budgetSteps = Math.max(2, Math.round(size.budgetSteps * TUNE_BUDGET_FRACTION))
  const evalEvery = Math.max(1, Math.round(budgetSteps / 4))
  const trials: TuningTrial[] = []
  for (let i = 0; i < Math.min(context.trials ?? Infinity, suite.scratchLrs.length); i++) {
    const flags = [
      '--methods', ['scratch', ...TUNE_GROWN_METHODS].join(','), '--seeds', '1', '--seed', String(TUNE_SEED), ...sizeFlags(size, budgetSteps, evalEvery),
      '--lr', String(suite.scratchLrs[i]), '--warmup', String(scratchWarmup(budgetSteps)), '--schedule', 'linear',
      '--grown-lr', String(suite.grownLrs[i]), '--grown-warmup', '0', '--grown-schedule', 'linear', '--ladder', '1', '--no-energy',
    ]
    const out = join(context.work, `${suite.name}-tune`, `trial-${i}-${tuningKey(suite, context, flags)}`)
    if (!existsSync(join(out, 'report.json'))) await ligo(['compare', '--from', context.from, '--to', context.to, '--data', suite.data, ...flags, ...context.extra, '--out', out])
    const runs = Object.values(readExperiment(out).runs)
    const finalOf = (method: string) => runs.find((r) => r.method === method && r.status === 'done')?.finalLoss ?? NaN
    const grownFinals = Object.fromEntries(TUNE_GROWN_METHODS.map((m) => [m, finalOf(m)]))
    const values = Object.values(grownFinals)
    trials.push({ trial: i, scratchLr: suite.scratchLrs[i], scratchFinal: finalOf('scratch'), grownLr: suite.grownLrs[i], grownFinals, grownMean: values.reduce((a, b) => a + b, 0) / values.length })
  }
  const best = (key: 'scratchFinal' | 'grownMean') => trials.reduce((a, b) => (b[key] < a[key] || !Number.isFinite(a[key]) ? b : a))
  const result: TuningResult = {
    suite: suite.name,
    budgetSteps,
    seed: TUNE_SEED,
    scratchTrials: trials.length,
    grownTrials: trials.length,
    grownMethods: [...TUNE_GROWN_METHODS],
    trials,
    scratchLr: best('scratchFinal').scratchLr,
    grownLr: best('grownMean').grownLr,
  }
  writeFileSync(join(context.work, `${suite.name}-tuning.json`), JSON.stringify(result, null, 2) + '\n')
  return result
}

/** The trials as a markdown table, the chosen peaks in bold. */
export function formatTuning(result: TuningResult): string {
  const b = (on: boolean, text: string) => (on ? `**${text}**` : text)
  return [
    `Tuning (${result.scratchTrials} trials for scratch, ${result.grownTrials} for the grown models; seed ${result.seed}, ${result.budgetSteps} steps each, every schedule decaying to zero at its end; grown = mean of ${result.grownMethods.join(', ')}):`,
    `| trial | scratch peak | scratch final loss | grown peak | ${result.grownMethods.map((m) => `${m} final`).join(' | ')} | grown mean |`,
    `| --- | --- | --- | --- | ${result.grownMethods.map(() => '---').join(' | ')} | --- |`,
    ...result.trials.map((t) =>
      `| ${t.trial} | ${b(t.scratchLr === result.scratchLr, String(t.scratchLr))} | ${t.scratchFinal.toFixed(4)} | ${b(t.grownLr === result.grownLr, String(t.grownLr))} | ${result.grownMethods.map((m) => t.grownFinals[m].toFixed(4)).join(' | ')} | ${t.grownMean.toFixed(4)} |`,
    ),
  ].join('\n')
}
