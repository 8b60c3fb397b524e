/**
 * The measurement behind LIGO_DEFAULTS.parameterization (engine/growth/ligo.ts; issue 7: "default to the one that
 * saves more in our benchmark"). Reads comparisons that `bench/growth.ts --methods scratch,ligo --ligo-parameterization
 * <form>` wrote (one experiment folder per form and seed, same budget, data, schedule and seeds) and merges their
 * runs into one ComparisonReport (engine/experiments/report.ts: targets, seeds' mean and spread, ties) with the
 * methods `ligo-official` and `ligo-paper`, so both forms are read against the same scratch runs and targets.
 * Scratch is taken from the first form's folders; the other forms' scratch runs must end at the same loss (the runs
 * are deterministic), which is checked. Also prints each form's operator-training loss (first -> last step) and
 * the grown model's validation loss before training.
 *
 *   npx tsx bench/growth-ligo-forms.ts --ladder 1,0.995,0.99,0.985 official=<dir>[,<dir>...] paper=<dir>[,<dir>...]
 *   (each <dir> is a compare --out folder, i.e. <work>/encoder or <work>/vit)
 */
import { buildReport, formatReport } from '../src/engine/experiments/report'
import { loadSeries, readExperiment, type ExperimentRecord } from '../src/engine/experiments/compare'

const args = process.argv.slice(2)
const ladderAt = args.indexOf('--ladder')
const ladder = ladderAt >= 0 ? args[ladderAt + 1].split(',').map(Number) : null
const forms = args.filter((a, i) => a.includes('=') && i !== ladderAt + 1).map((a) => {
  const [form, dirs] = a.split('=')
  return { form, dirs: dirs.split(',') }
})
if (forms.length < 2) throw new Error('usage: growth-ligo-forms.ts [--ladder f,f,...] official=<dir>[,<dir>] paper=<dir>[,<dir>]')

const first = readExperiment(forms[0].dirs[0])
const merged: ExperimentRecord = { ...first, runs: {}, sourceLoss: {} }
const seeds: number[] = []
const phaseLines: string[] = []
for (const { form, dirs } of forms) {
  for (const dir of dirs) {
    const record = readExperiment(dir)
    for (const run of Object.values(record.runs)) {
      if (run.method === 'scratch') {
        const key = `scratch-seed${run.seed}`
        const kept = merged.runs[key]
        if (!kept) merged.runs[key] = run
        else if (kept.status === 'done' && run.status === 'done' && Math.abs((kept.finalLoss ?? NaN) - (run.finalLoss ?? NaN)) > 1e-6)
          throw new Error(`${dir}: scratch seed ${run.seed} ended at ${run.finalLoss}, not ${kept.finalLoss} as in the first form's folder: not the same comparison`)
        continue
      }
      if (run.method !== 'ligo') continue
      const method = `ligo-${form}`
      merged.runs[`${method}-seed${run.seed}`] = { ...run, method }
      if (run.status === 'done' && run.growth)
        phaseLines.push(`${method} seed ${run.seed}: operator loss ${run.growth.lossFirst?.toFixed(4)} -> ${run.growth.lossLast?.toFixed(4)} (${run.growth.wallSeconds.toFixed(0)} s), final validation loss ${run.finalLoss?.toFixed(4)}`)
    }
    for (const [seed, loss] of Object.entries(record.sourceLoss)) merged.sourceLoss[seed] = loss
    for (const seed of record.settings.seeds) if (!seeds.includes(seed)) seeds.push(seed)
  }
}
const settings = { ...first.settings, seeds: seeds.sort((a, b) => a - b), methods: ['scratch', ...forms.map((f) => `ligo-${f.form}`)], ...(ladder ? { ladder } : {}) }
// The forms differ only in LiGO's parameterization; the merged report keeps the settings they share.
if (settings.methodSettings?.ligo) settings.methodSettings = { ...settings.methodSettings, ligo: Object.fromEntries(Object.entries(settings.methodSettings.ligo).filter(([k]) => k !== 'parameterization')) }
merged.settings = settings
const series = loadSeries(merged)
const initial = series.filter((s) => s.method !== 'scratch').map((s) => `${s.method} seed ${s.seed}: grown model's validation loss before training ${s.initial.loss.toFixed(4)}`)
process.stdout.write(formatReport(buildReport(settings, merged, series)) + '\n' + [...phaseLines, ...initial].join('\n') + '\n')
