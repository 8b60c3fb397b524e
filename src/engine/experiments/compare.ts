/**
 * A growth comparison (`ligo compare`, engine method `compare`; issue 7 "Experiments"): every method's large model
 * trained with the same data, batch, seed and budget, one after another (scratch first in each seed), each in its
 * own run folder under one experiment folder, then the savings report (report.ts).
 *
 *   <out>/experiment.json          the settings and each run's status (done / skipped and why)
 *   <out>/<method>-seed<N>/        a run folder (engine/train/run-folder.ts) whose manifest has a `growth` record:
 *                                  growth-phase cost, the grown model's loss before training, the schedule horizon
 *   <out>/report.json, report.txt  the comparison report
 *
 * Charging (docs/growth/accounting.md §3.3): each run's counters start at its growth phase's cost (LiGO's operator steps);
 * KI's steps include the teacher's forward while α > 0; MSLT's first stage charges its frozen blocks' forward.
 * The small model's pretraining is not charged (the paper's accounting).
 * Interruption: finished runs are kept; a run with a checkpoint resumes from it (same losses and FLOPs as an
 * uninterrupted run); a run stopped before its first checkpoint starts again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ByteLevelBpeTokenizer, DEFAULT_SPLIT, DEFAULT_VALIDATION_FRACTION, sameSplit, WordPieceTokenizer, writeTokenizerFiles, type DataSplit } from '../data'
import { getGrowthMethod, growthTarget, type MethodSettings } from '../growth'
import { writeFileAtomic } from '../io/atomic-write'
import { trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import { startRunEnergy } from '../metrics/energy/run-energy'
import type { ModelConfig } from '../models/config'
import { parameterCount } from '../models/param-count'
import { getFamily } from '../models/registry'
import { StudioError } from '../../shared/errors'
import type { HardwareRecord } from '../../shared/hardware'
import type { Budget, CompareParams, CompareResult, GrowthPhaseCost, LrScheduleSettings, MethodRunRecord } from '../../shared/growth'
import { TRAIN_DEFAULTS, type MetricRecord, type RunManifest } from '../../shared/train'
import { ADAMW_DEFAULTS } from '../train/adamw'
import { readCheckpointFiles } from '../train/checkpoint'
import { droppedMetricsNotice, RunFolder } from '../train/run-folder'
import { buildTrainingData, type TrainingData } from '../train/training-data'
import { checkBudget, formatBudget, stepsWithinFlops } from './budget'
import { DEFAULT_LADDER, DEFAULT_SEEDS, GROWN_SCHEDULE_DEFAULTS, SCRATCH_SCHEDULE_DEFAULTS } from './defaults'
import { disposePrepared, methodHooks, prepareMethod, resolveMethodSettings } from './method-plan'
import { evaluateParams, trainMethod } from './method-trainer'
import { priorLoss } from './prior-loss'
import { buildReport, formatReport, type RunSeries } from './report'
import { disposeSmall, loadSmallModel, resolveLargeConfig, type SmallModel } from './source'
import { carbonAssumptions, resolveEnergySettings } from '../settings/energy-settings'

export { GROWN_SCHEDULE_DEFAULTS, SCRATCH_SCHEDULE_DEFAULTS }

export const EXPERIMENT_FILE = 'experiment.json'

/** Every setting a comparison runs with (params + defaults), recorded in experiment.json. */
export interface ComparisonSettings {
  from: string
  to: string
  methods: string[]
  data: string
  budget: Budget
  seeds: number[]
  batchSize: number
  seqLen: number
  scratch: LrScheduleSettings
  grown: LrScheduleSettings
  weightDecay: number
  clipNorm: number
  evalEvery: number
  evalBatches: number
  checkpointEvery: number
  /** Each method's settings, defaults filled in (its descriptor's schema: growth/methods/<name>.ts). */
  methodSettings: Record<string, MethodSettings>
  maxExamples?: number
  /** Every run trains and evaluates on this split: the source model's (comparisonSplit). */
  split: DataSplit
  ladder: number[]
  energy: boolean
}

export interface ExperimentRecord {
  format: 'ligo-experiment'
  version: 1
  createdAt: string
  settings: ComparisonSettings
  runs: Record<string, MethodRunRecord>
  /** The small model's validation loss per seed (same examples; MLM masks and batch order follow the seed). */
  sourceLoss: Record<string, number>
  /** The unigram / class-prior loss on the same validation batches, per seed (prior-loss.ts); absent in older records. */
  priorLoss?: Record<string, number>
  /** What the source model was trained on (SmallModel.trainedOn), which fixed `settings.split`. */
  sourceTrainedOn?: SmallModel['trainedOn']
}

/** What the manifest of a method's run folder adds to a plain run's. */
export interface GrowthRunManifest extends RunManifest {
  growth: {
    method: string
    seed: number
    budget: Budget
    /** The LR schedule's length; null until a wall-clock budget calibrated it. */
    horizon: number | null
    schedule: LrScheduleSettings
    phase: GrowthPhaseCost
    /** The grown model before training: the first point of its savings series. */
    initial: { loss: number; flops: number; wallSeconds: number; joules: number | null }
  }
}

export interface CompareProgress {
  method: string
  seed: number
  run: number
  runs: number
  phase: 'operator' | 'train'
  step: number
  steps: number
  etaSeconds: number | null
  /** Whole comparison: this run's ETA plus the remaining runs at the mean speed so far. */
  overallEtaSeconds: number | null
}

export interface CompareOptions {
  backend: string
  hardware?: HardwareRecord | null
  versions?: Record<string, string>
  signal?: AbortSignal
  onLog?(message: string): void
  onProgress?(progress: CompareProgress): void
  onMetrics?(method: string, seed: number, record: MetricRecord): void
}

export const runKey = (method: string, seed: number): string => `${method}-seed${seed}`

/**
 * The split every run of a comparison uses: the one the source model trained on, so no validation example is one
 * it saw (docs/growth/split-policy.md). An unknown split, or a requested split other than the source's, is refused
 * unless `acceptSourceSplit`; a random init, or a source trained on other data, takes the requested or default split.
 */
export function comparisonSplit(trainedOn: SmallModel['trainedOn'], data: string, params: Pick<CompareParams, 'from' | 'splitSeed' | 'acceptSourceSplit'>): DataSplit {
  const requested: DataSplit | null = params.splitSeed !== undefined ? { seed: params.splitSeed, validationFraction: DEFAULT_VALIDATION_FRACTION } : null
  if (requested && !Number.isInteger(requested.seed)) throw new StudioError('invalid_request', `\`splitSeed\` must be an integer, got ${params.splitSeed}`)
  const chosen = requested ?? { ...DEFAULT_SPLIT }
  if (trainedOn === 'untrained') return chosen
  if (trainedOn === 'unknown') {
    if (params.acceptSourceSplit) return chosen
    throw new StudioError(
      'invalid_request',
      `The source model ${params.from} does not record the data split it was trained with (no data-split.json beside it, no run manifest), so its training examples may be in the validation split and every grown model would be evaluated on data it memorised. Add its data-split.json, or set \`acceptSourceSplit\` to compare anyway`,
    )
  }
  if (trainedOn.data !== data) return chosen // trained on other data: none of this data's examples were seen
  if (requested && !sameSplit(requested, trainedOn.split) && !params.acceptSourceSplit) {
    throw new StudioError(
      'invalid_request',
      `\`splitSeed\` ${requested.seed} differs from the split the source model ${params.from} was trained with on ${data} (seed ${trainedOn.split.seed}): its training examples would be in the validation split. Leave \`splitSeed\` unset, or set \`acceptSourceSplit\` to compare anyway`,
    )
  }
  return requested && params.acceptSourceSplit ? requested : { ...trainedOn.split }
}

export function comparisonSettings(params: CompareParams, split: DataSplit = DEFAULT_SPLIT): ComparisonSettings {
  checkBudget(params.budget)
  const methods = [...new Set(params.methods)]
  for (const method of methods) getGrowthMethod(method) // unknown names fail here, listing the known ones
  if (!methods.includes('scratch')) throw new StudioError('invalid_request', `\`methods\` must include scratch: every saving is measured against it (got ${methods.join(', ')})`)
  const seeds = params.seeds ?? DEFAULT_SEEDS
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 100)) throw new StudioError('invalid_request', `\`seeds\` must be an integer from 1 to 100, got ${seeds}`)
  const seed0 = params.seed ?? TRAIN_DEFAULTS.seed
  const ladder = params.ladder ?? [...DEFAULT_LADDER]
  if (ladder.some((f) => !(f > 0 && f <= 1))) throw new StudioError('invalid_request', `\`ladder\` fractions of the source loss must be in (0, 1], got ${ladder.join(', ')}`)
  const ordered = ['scratch', ...methods.filter((m) => m !== 'scratch')]
  return {
    from: params.from,
    to: params.to,
    methods: ordered,
    data: params.data,
    budget: { ...params.budget },
    seeds: Array.from({ length: seeds }, (_, i) => seed0 + i),
    batchSize: params.batchSize ?? TRAIN_DEFAULTS.batchSize,
    seqLen: params.seqLen ?? TRAIN_DEFAULTS.seqLen,
    scratch: { ...SCRATCH_SCHEDULE_DEFAULTS, ...params.scratch },
    grown: { ...GROWN_SCHEDULE_DEFAULTS, ...params.grown },
    weightDecay: params.weightDecay ?? TRAIN_DEFAULTS.weightDecay,
    clipNorm: params.clipNorm ?? TRAIN_DEFAULTS.clipNorm,
    evalEvery: params.evalEvery ?? TRAIN_DEFAULTS.evalEvery,
    evalBatches: params.evalBatches ?? TRAIN_DEFAULTS.evalBatches,
    checkpointEvery: params.checkpointEvery ?? TRAIN_DEFAULTS.checkpointEvery,
    methodSettings: resolveMethodSettings(ordered, params.settings),
    ...(params.maxExamples !== undefined ? { maxExamples: params.maxExamples } : {}),
    split: { ...split },
    ladder: [...ladder].sort((a, b) => b - a),
    energy: params.energy ?? true,
  }
}

/**
 * A resumed comparison must be the same comparison: every setting but the method list (methods may be added, with
 * their settings; the settings of methods already run must stay). A comparison of scratch alone has no grown model
 * yet, so the grown models' schedule is still open (a variant added to reused scratch runs brings its own).
 */
function checkSameExperiment(dir: string, saved: ComparisonSettings, now: ComparisonSettings): void {
  const common = saved.methods.filter((m) => now.methods.includes(m))
  const grownOpen = saved.methods.every((m) => m === 'scratch')
  const strip = (s: ComparisonSettings) =>
    JSON.stringify({ ...s, methods: undefined, ...(grownOpen ? { grown: undefined } : {}), methodSettings: Object.fromEntries(common.map((m) => [m, s.methodSettings?.[m]])) })
  if (strip(saved) !== strip(now)) {
    const a = JSON.parse(strip(saved)) as Record<string, unknown>
    const b = JSON.parse(strip(now)) as Record<string, unknown>
    const differing = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    throw new StudioError('invalid_request', `${dir} holds a comparison with other settings (${differing.join(', ')}); resume it with the same settings or choose another \`out\` folder`)
  }
}

async function saveExperiment(dir: string, record: ExperimentRecord): Promise<void> {
  await writeFileAtomic(join(dir, EXPERIMENT_FILE), Buffer.from(JSON.stringify(record, null, 2) + '\n'))
}

export function readExperiment(dir: string): ExperimentRecord {
  const path = join(dir, EXPERIMENT_FILE)
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ExperimentRecord
  } catch (error) {
    throw new StudioError('invalid_request', `${path}: cannot read the experiment record (${(error as Error).message})`)
  }
}

export async function runComparison(params: CompareParams, options: CompareOptions): Promise<CompareResult> {
  const out = resolve(params.out)
  comparisonSettings(params) // every setting is checked before the source model is loaded
  const small = await loadSmallModel(params.from, params.seed ?? TRAIN_DEFAULTS.seed)
  try {
    const settings = comparisonSettings(params, comparisonSplit(small.trainedOn, params.data, params))
    return await compareWith(out, settings, small, options)
  } finally {
    disposeSmall(small)
  }
}

async function compareWith(out: string, settings: ComparisonSettings, small: SmallModel, options: CompareOptions): Promise<CompareResult> {
  // gCO2e in the report, from the grid settings in force (LIGO_GRID_REGION / LIGO_PUE / LIGO_GRID_INTENSITY, or the
  // defaults); checked before any training so a bad value fails at once, not after hours
  const carbon = carbonAssumptions(resolveEnergySettings({ env: process.env }))
  mkdirSync(out, { recursive: true })
  let record: ExperimentRecord
  if (existsSync(join(out, EXPERIMENT_FILE))) {
    record = readExperiment(out)
    checkSameExperiment(out, record.settings, settings)
    record.settings = { ...settings, methods: [...new Set([...record.settings.methods, ...settings.methods])], methodSettings: { ...record.settings.methodSettings, ...settings.methodSettings } }
    options.onLog?.(`Resuming the comparison in ${out}`)
  } else {
    record = { format: 'ligo-experiment', version: 1, createdAt: new Date().toISOString(), settings, runs: {}, sourceLoss: {}, sourceTrainedOn: small.trainedOn }
  }
  await saveExperiment(out, record)
  const large = resolveLargeConfig(settings.to, small.config)
  const runs = settings.seeds.length * settings.methods.length
  let runIndex = 0
  const finishedSeconds: number[] = []
  options.onLog?.(`Comparing ${settings.methods.join(', ')} for ${settings.seeds.length} seed(s), budget ${formatBudget(settings.budget)}: ${parameterCount(small.config).toLocaleString('en-US')} -> ${parameterCount(large).toLocaleString('en-US')} parameters`)
  for (const seed of settings.seeds) {
    const data = buildData(settings, large, small, seed)
    const start = data.train.state
    if (record.sourceLoss[String(seed)] === undefined) {
      const dataSmall = data // same tokens and split; the small config reads the same inputs
      record.sourceLoss[String(seed)] = (await evaluateParams(small.config, small.params, dataSmall, settings.evalBatches)).loss
      await saveExperiment(out, record)
    }
    if (record.priorLoss?.[String(seed)] === undefined) {
      record.priorLoss = { ...record.priorLoss, [String(seed)]: priorLoss(data, settings.evalBatches, labelSpace(large)).loss }
      await saveExperiment(out, record)
    }
    for (const method of settings.methods) {
      runIndex += 1
      const key = runKey(method, seed)
      if (record.runs[key]?.status === 'done' || record.runs[key]?.status === 'skipped') {
        options.onLog?.(`${key}: already ${record.runs[key].status}, kept`)
        continue
      }
      const support = getGrowthMethod(method).supports(small.config, large)
      if (!support.ok) {
        record.runs[key] = { method, seed, runDir: join(out, key), status: 'skipped', reason: support.reason }
        options.onLog?.(`${key}: skipped (${support.reason})`)
        await saveExperiment(out, record)
        continue
      }
      data.train.restore(start)
      const t0 = performance.now()
      const progress = (phase: CompareProgress['phase'], step: number, steps: number, etaSeconds: number | null) => {
        const mean = finishedSeconds.length > 0 ? finishedSeconds.reduce((a, b) => a + b, 0) / finishedSeconds.length : null
        const thisRun = etaSeconds ?? null
        const overall = thisRun !== null ? thisRun + (mean ?? (performance.now() - t0) / 1000 + thisRun) * (runs - runIndex) : null
        options.onProgress?.({ method, seed, run: runIndex, runs, phase, step, steps, etaSeconds: thisRun, overallEtaSeconds: overall })
      }
      const done = await runMethod({ method, seed, runDir: join(out, key), settings, small, large, data, options, progress })
      finishedSeconds.push((performance.now() - t0) / 1000)
      record.runs[key] = done
      await saveExperiment(out, record)
    }
  }
  const report = buildReport(record.settings, record, loadSeries(record), carbon)
  const text = formatReport(report)
  await writeFileAtomic(join(out, 'report.json'), Buffer.from(JSON.stringify(report, null, 2) + '\n'))
  await writeFileAtomic(join(out, 'report.txt'), Buffer.from(text))
  return { out, report, text }
}

/** The labels a model predicts: its vocabulary (text) or its classes (images). */
const labelSpace = (config: ModelConfig): number => ('vocabSize' in config ? config.vocabSize : config.numClasses)

export function buildData(settings: ComparisonSettings, large: ModelConfig, small: SmallModel, seed: number): TrainingData {
  const family = getFamily(large.family)
  return buildTrainingData({
    config: large,
    objective: family.objective,
    source: settings.data,
    batchSize: settings.batchSize,
    seqLen: settings.seqLen,
    seed,
    split: settings.split,
    maxExamples: settings.maxExamples,
    tokenizer: small.tokenizer,
  })
}

interface RunMethodInput {
  method: string
  seed: number
  runDir: string
  settings: ComparisonSettings
  small: SmallModel
  large: ModelConfig
  data: TrainingData
  options: CompareOptions
  progress(phase: CompareProgress['phase'], step: number, steps: number, etaSeconds: number | null): void
}

/** One method and seed: resume its run folder if it has a checkpoint, otherwise grow and train from the start. */
async function runMethod(input: RunMethodInput): Promise<MethodRunRecord> {
  const { method, seed, runDir, settings, small, data, options } = input
  const descriptor = getGrowthMethod(method)
  const methodSettings = settings.methodSettings[method]
  // The method may adjust the config it grows into (LEMON's LayerNorm eps): its run trains that config.
  const large = growthTarget(descriptor, small.config, input.large, methodSettings)
  const hooks = methodHooks(descriptor, methodSettings, small.config, small.params, large, data)
  const common = {
    config: large,
    data,
    wallLimitSeconds: settings.budget.kind === 'minutes' ? settings.budget.value * 60 : undefined,
    weightDecay: settings.weightDecay,
    clipNorm: settings.clipNorm,
    seed,
    evalEvery: settings.evalEvery,
    evalBatches: settings.evalBatches,
    logEvery: Math.max(1, Math.min(10, settings.evalEvery || 10)),
    checkpointEvery: settings.checkpointEvery,
    keepCheckpoints: 2,
    signal: options.signal,
    stepFlops: hooks.stepFlops,
    stageAt: hooks.stageAt,
    growthMasksAt: hooks.growthMasksAt,
    teacher: hooks.distillation,
    onMetrics: (r: MetricRecord) => options.onMetrics?.(method, seed, r),
    onProgress: (p: { step: number; steps: number; etaSeconds: number | null }) => input.progress('train', p.step, p.steps, p.etaSeconds),
  }
  const energyChoice = (phase: string) => (settings.energy ? { phase } : (false as const))

  let folder: RunFolder<GrowthRunManifest> | null = null
  if (existsSync(join(runDir, 'manifest.json'))) {
    const existing = RunFolder.open<GrowthRunManifest>(runDir)
    existing.removePartialCheckpoints()
    if (existing.latestCheckpoint() && existing.manifest.growth) folder = existing
    else rmSync(runDir, { recursive: true, force: true }) // stopped before its first checkpoint: start again
  }

  let outcome: Awaited<ReturnType<typeof trainMethod>>
  if (folder) {
    const latest = folder.latestCheckpoint()!
    const checkpoint = await readCheckpointFiles(latest.path)
    const dropped = await folder.truncateMetrics(checkpoint.state.step)
    options.onLog?.(`${runKey(method, seed)}: resuming from step ${checkpoint.state.step}${droppedMetricsNotice(dropped)}`)
    const manifest = folder.manifest
    manifest.sessions.push({ startedAt: new Date().toISOString(), fromStep: checkpoint.state.step, backend: options.backend })
    await folder.writeManifest(manifest)
    const energy = await startRunEnergy({ choice: energyChoice('main'), lines: folder.readMetrics(), startStep: checkpoint.state.step })
    const f = folder
    try {
      outcome = await trainMethod({
        ...common,
        horizon: manifest.growth.horizon,
        lr: manifest.growth.schedule,
        resumeFrom: checkpoint,
        runFolder: f as RunFolder<object>,
        energy: energy ?? undefined,
        onHorizon: async (h) => {
          f.manifest.growth.horizon = h
          await f.writeManifest(f.manifest)
        },
      })
    } finally {
      await energy?.stop()
    }
  } else {
    const schedule = descriptor.schedule === 'scratch' ? settings.scratch : settings.grown
    const shape = flopsShapeOf(large, { seqLen: data.kind === 'text' ? settings.seqLen : undefined })
    const manifest: GrowthRunManifest = {
      format: 'ligo-run',
      version: 1,
      createdAt: new Date().toISOString(),
      model: { source: `${method} from ${settings.from}`, family: large.family, config: { ...large }, parameters: parameterCount(large) },
      data: { ...data.description },
      training: {
        steps: settings.budget.kind === 'steps' ? settings.budget.value : 0,
        batchSize: settings.batchSize,
        seqLen: settings.seqLen,
        ...schedule,
        weightDecay: settings.weightDecay,
        clipNorm: settings.clipNorm,
        evalEvery: settings.evalEvery,
        evalBatches: settings.evalBatches,
        logEvery: common.logEvery,
        checkpointEvery: settings.checkpointEvery,
        keepCheckpoints: common.keepCheckpoints,
        ...(settings.maxExamples !== undefined ? { maxExamples: settings.maxExamples } : {}),
        optimizer: { name: 'adamw', ...ADAMW_DEFAULTS },
      },
      seed,
      flops: { perStep: trainingStepFlops(shape, settings.batchSize), shape: { ...shape }, counter: 'engine/metrics/flops.ts; per-method step costs in engine/experiments/method-plan.ts' },
      backend: options.backend,
      hardware: options.hardware ?? null,
      versions: options.versions ?? {},
      sessions: [{ startedAt: new Date().toISOString(), fromStep: 0, backend: options.backend }],
      growth: { method, seed, budget: settings.budget, horizon: null, schedule, phase: { steps: 0, flops: 0, wallSeconds: 0, lossFirst: null, lossLast: null }, initial: { loss: NaN, flops: 0, wallSeconds: 0, joules: null } },
    }
    const f = await RunFolder.create<GrowthRunManifest>(runDir, manifest)
    if (data.kind === 'text' && (data.tokenizer instanceof WordPieceTokenizer || data.tokenizer instanceof ByteLevelBpeTokenizer)) writeTokenizerFiles(runDir, data.tokenizer)
    const energy = await startRunEnergy({ choice: energyChoice(descriptor.growthPhase ? 'operator' : 'main'), lines: [], startStep: 0 })
    try {
      const prepared = await prepareMethod(descriptor, small.params, small.config, large, {
        seed,
        data,
        settings: methodSettings,
        signal: options.signal,
        onStep: (step, steps) => input.progress('operator', step, steps, null),
      })
      try {
        if (descriptor.growthPhase) await energy?.mark('main')
        // MSG's grown model starts under its first masks (every new part at 0): that is the model training starts from.
        const initialLoss = (await evaluateParams(large, prepared.initialParams, data, settings.evalBatches, hooks.growthMasksAt?.(0, Number.MAX_SAFE_INTEGER) ?? undefined)).loss
        const joules = energy ? (await energy.window(0)).joules : null
        const phase = prepared.growth
        const horizon =
          settings.budget.kind === 'steps' ? settings.budget.value : settings.budget.kind === 'flops' ? stepsWithinFlops(settings.budget.value, phase.flops, hooks.stepFlops) : null
        f.manifest.growth = { ...f.manifest.growth, horizon, phase, initial: { loss: initialLoss, flops: phase.flops, wallSeconds: phase.wallSeconds, joules } }
        if (horizon !== null) f.manifest.training.steps = horizon
        await f.writeManifest(f.manifest)
        if (horizon === 0) {
          options.onLog?.(`${runKey(method, seed)}: the growth phase used the whole FLOPs budget; no training steps left`)
          return { method, seed, runDir, status: 'done', steps: 0, flops: phase.flops, wallSeconds: phase.wallSeconds, joules, finalLoss: initialLoss, growth: phase }
        }
        outcome = await trainMethod({
          ...common,
          horizon,
          lr: schedule,
          initialParams: prepared.initialParams,
          startCounters: { examples: 0, tokens: 0, flops: phase.flops, wallSeconds: phase.wallSeconds, cpuSeconds: 0 },
          runFolder: f as RunFolder<object>,
          energy: energy ?? undefined,
          onHorizon: async (h) => {
            f.manifest.growth.horizon = h
            f.manifest.training.steps = h
            await f.writeManifest(f.manifest)
          },
        })
      } finally {
        disposePrepared(prepared)
      }
    } finally {
      await energy?.stop()
    }
    folder = f
  }
  if (outcome.cancelled) throw new StudioError('cancelled', `Comparison stopped during ${runKey(method, seed)} at step ${outcome.step}; run the same command again to resume`)
  const last = outcome.last
  const lastEval = [...folder.readMetrics()].reverse().find((r) => r.eval)
  return {
    method,
    seed,
    runDir,
    status: 'done',
    steps: outcome.step,
    flops: outcome.counters.flops,
    wallSeconds: outcome.counters.wallSeconds,
    joules: last?.energy?.joules ?? null,
    finalLoss: lastEval?.eval?.loss ?? NaN,
    growth: folder.manifest.growth.phase,
  }
}

/** Each finished run's series: the grown model before training (the growth phase's cost), then every evaluation. */
export function loadSeries(record: ExperimentRecord): RunSeries[] {
  const series: RunSeries[] = []
  for (const run of Object.values(record.runs)) {
    if (run.status !== 'done') continue
    const folder = RunFolder.open<GrowthRunManifest>(run.runDir)
    series.push({ method: run.method, seed: run.seed, initial: folder.manifest.growth.initial, records: folder.readMetrics() })
  }
  return series
}
