/**
 * A training run with its folder: resolves the model and data, writes the manifest, the tokenizer and the metrics
 * log, calls the loop (trainer.ts), and on resume restores the last checkpoint and cuts the metrics log back to it.
 * The engine method `train` (tasks/train.ts) and tests call this; the CLI reaches it through the engine.
 */
import { copyFileSync, existsSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { loadTokenizer, runManifestSplit, writeTokenizerFiles, ByteLevelBpeTokenizer, WordPieceTokenizer, type TextTokenizer } from '../data'
import { getPreset, PRESET_IDS } from '../models/presets'
import { parameterCount } from '../models/param-count'
import { getFamily } from '../models/registry'
import type { ModelConfig } from '../models/config'
import { trainingStepFlops } from '../metrics/flops'
import { flopsShapeOf } from '../metrics/model-flops'
import { TRAIN_DEFAULTS, type RunManifest, type TrainingSettings, type TrainParams, type TrainResult } from '../../shared/train'
import type { HardwareRecord } from '../../shared/hardware'
import { StudioError } from '../../shared/errors'
import { isJsonPath, readConfigFile } from '../io/config-file'
import { TOKENIZER_FILES } from '../io/import-checkpoint'
import { importExportSource } from '../io/run-checkpoint'
import type { ParamMap } from '../models/layers/params'
import { ADAMW_DEFAULTS } from './adamw'
import { readCheckpointFiles } from './checkpoint'
import { droppedMetricsNotice, RunFolder } from './run-folder'
import { train, type TrainerOptions } from './trainer'
import { runEnergySettings, startRunEnergy, type RunEnergyChoice } from '../metrics/energy/run-energy'
import { buildTrainingData, type DataSource } from './training-data'

export interface RunTrainingOptions extends TrainParams, Pick<TrainerOptions, 'signal' | 'attention' | 'onMetrics' | 'onProgress' | 'onCheckpoint'> {
  /** The backend computing (recorded in the manifest). */
  backend: string
  hardware?: HardwareRecord | null
  versions?: Record<string, string>
  /** A config instead of a preset name (tests, growth code); recorded as source "config". */
  modelConfig?: ModelConfig
  onLog?(message: string): void
  /** Energy metering (default: on, carbon settings from the environment); false turns it off. */
  energy?: RunEnergyChoice
}

/** A run that cannot start or resume as asked (unknown model or data, bad run folder): the caller's input, not a bug. */
export class TrainRunError extends StudioError {
  constructor(message: string) {
    super('invalid_request', message)
    this.name = 'TrainRunError'
    Object.setPrototypeOf(this, TrainRunError.prototype)
  }
}

/** What a `--model` value names: a preset, or a checkpoint folder/file (imported by engine/io). */
export interface ResolvedModel {
  source: string
  config: ModelConfig
  /** Imported weights (canonical names); undefined = initialise from the seed. */
  weights?: Record<string, { shape: readonly number[]; data: Float32Array }>
  /** Folder of the checkpoint's tokenizer files, if it has them. */
  tokenizerDir?: string | null
}

export async function resolveModel(model: string): Promise<ResolvedModel> {
  if (PRESET_IDS.includes(model)) return { source: model, config: getPreset(model).config }
  if (!existsSync(model)) throw new TrainRunError(`Unknown model "${model}": not a preset (${PRESET_IDS.join(', ')}) nor an existing checkpoint folder or config file`)
  // A config file (engine JSON or HF/timm config.json) starts from a random init, as a preset does.
  if (isJsonPath(model) && statSync(model).isFile()) return { source: model, config: readConfigFile(model, '`model`').config }
  // Any checkpoint: HF/timm files, a run folder (its latest checkpoint) or one of its checkpoints/step-N.
  const imported = await importExportSource(model)
  return { source: model, config: imported.config, weights: imported.params, tokenizerDir: imported.tokenizerFiles.length > 0 ? dirname(imported.tokenizerFiles[0]) : null }
}

function settingsFrom(params: TrainParams, steps: number): TrainingSettings {
  const d = TRAIN_DEFAULTS
  return {
    steps,
    batchSize: params.batchSize ?? d.batchSize,
    seqLen: params.seqLen ?? d.seqLen,
    learningRate: params.learningRate ?? d.learningRate,
    warmupSteps: params.warmupSteps ?? d.warmupSteps,
    schedule: params.schedule ?? d.schedule,
    weightDecay: params.weightDecay ?? d.weightDecay,
    clipNorm: params.clipNorm ?? d.clipNorm,
    evalEvery: params.evalEvery ?? d.evalEvery,
    evalBatches: params.evalBatches ?? d.evalBatches,
    logEvery: params.logEvery ?? d.logEvery,
    checkpointEvery: params.checkpointEvery ?? d.checkpointEvery,
    keepCheckpoints: params.keepCheckpoints ?? d.keepCheckpoints,
    ...(params.maxExamples !== undefined ? { maxExamples: params.maxExamples } : {}),
    optimizer: { name: 'adamw', ...ADAMW_DEFAULTS },
  }
}

export async function runTraining(options: RunTrainingOptions): Promise<TrainResult> {
  if (!isAbsolute(options.runDir)) throw new TrainRunError(`runDir must be an absolute path, got "${options.runDir}"`)
  runEnergySettings(options.energy) // a bad carbon setting fails here, before a run folder is created
  return options.resume ? resumeRun(options) : startRun(options)
}

async function startRun(options: RunTrainingOptions): Promise<TrainResult> {
  const { model, data: source, steps } = options
  if (options.modelConfig === undefined && model === undefined) throw new TrainRunError('A new run needs a model (a preset name)')
  if (source === undefined) throw new TrainRunError('A new run needs data (a built-in corpus name or a path)')
  if (steps === undefined) throw new TrainRunError('A new run needs the number of steps')
  const resolved: ResolvedModel = options.modelConfig ? { source: 'config', config: options.modelConfig } : await resolveModel(model!)
  const family = getFamily(resolved.config.family)
  const config = family.validate(resolved.config)
  const seed = options.seed ?? TRAIN_DEFAULTS.seed
  const settings = settingsFrom(options, steps)
  options.onLog?.(`Preparing data "${source}"`)
  const data = firstData(resolved, config, source, settings, seed)
  const shape = flopsShapeOf(config, { seqLen: data.kind === 'text' ? settings.seqLen : undefined })
  const manifest: RunManifest = {
    format: 'ligo-run',
    version: 1,
    createdAt: new Date().toISOString(),
    model: { source: resolved.source, family: config.family, config: { ...config }, parameters: parameterCount(config) },
    data: { ...data.description },
    training: settings,
    seed,
    flops: { perStep: trainingStepFlops(shape, settings.batchSize), shape: { ...shape }, counter: 'engine/metrics/flops.ts: ELECTRA-style, backward = forward (docs/growth/accounting.md §3.3)' },
    backend: options.backend,
    hardware: options.hardware ?? null,
    versions: options.versions ?? {},
    sessions: [{ startedAt: new Date().toISOString(), fromStep: 0, backend: options.backend }],
  }
  const folder = await RunFolder.create<RunManifest>(options.runDir, manifest)
  writeRunTokenizer(options.runDir, data, resolved)
  return finishFromStart(options, folder, resolved, config, data, settings, seed)
}

/**
 * The data of a run's first step. A checkpoint's own tokenizer is kept (its ids index the embeddings); otherwise one
 * is trained on the data (deterministic: a restart trains the same one). `split` is the manifest's on a restart.
 */
function firstData(resolved: ResolvedModel, config: ModelConfig, source: DataSource, settings: TrainingSettings, seed: number, split?: ReturnType<typeof runManifestSplit>) {
  const family = getFamily(config.family)
  const tokenizer = family.modality === 'text' && resolved.tokenizerDir ? loadTokenizer(resolved.tokenizerDir) : undefined
  return buildTrainingData({ config, objective: family.objective, source, batchSize: settings.batchSize, seqLen: settings.seqLen, seed, ...(split ? { split } : {}), maxExamples: settings.maxExamples, tokenizer })
}

/** The run folder's tokenizer files (written once the folder holds the run's manifest, never over another run's). */
function writeRunTokenizer(runDir: string, data: ReturnType<typeof buildTrainingData>, resolved: ResolvedModel): void {
  if (data.kind === 'text') {
    const tok = data.tokenizer
    if (tok instanceof WordPieceTokenizer || tok instanceof ByteLevelBpeTokenizer) writeTokenizerFiles(runDir, tok)
    else if (resolved.tokenizerDir) {
      const from = resolved.tokenizerDir
      for (const file of TOKENIZER_FILES) if (existsSync(join(from, file))) copyFileSync(join(from, file), join(runDir, file))
    }
  }
}

/** Trains from step 0: the resolved weights, or the seed's random init when there are none. */
async function finishFromStart(
  options: RunTrainingOptions,
  folder: RunFolder<RunManifest>,
  resolved: ResolvedModel,
  config: ModelConfig,
  data: ReturnType<typeof buildTrainingData>,
  settings: TrainingSettings,
  seed: number,
): Promise<TrainResult> {
  const initialParams: ParamMap | undefined = resolved.weights
    ? Object.fromEntries(Object.entries(resolved.weights).map(([name, w]) => [name, tf.tensor(w.data, [...w.shape], 'float32')]))
    : undefined
  try {
    return await finish(options, folder, config, data, settings, seed, undefined, initialParams)
  } finally {
    if (initialParams) tf.dispose(Object.values(initialParams))
  }
}

/**
 * A run stopped before its first checkpoint (a crash, a kill, a closed laptop) starts over from step 0 in its own
 * folder with its manifest's settings: the model is resolved again from the manifest's source (a preset, the config
 * in the manifest, or a checkpoint that must still exist and still have the run's config), the metrics logged so far
 * are dropped. Runs are deterministic, so this is the run an uninterrupted start would have made.
 */
async function restartRun(options: RunTrainingOptions, folder: RunFolder<RunManifest>): Promise<TrainResult> {
  const manifest = folder.manifest
  const config = getFamily(manifest.model.family).validate(manifest.model.config)
  const source = manifest.model.source
  const resolved: ResolvedModel = source === 'config' || PRESET_IDS.includes(source) ? { source, config } : await resolveModel(source)
  if (JSON.stringify(getFamily(resolved.config.family).validate(resolved.config)) !== JSON.stringify(config)) {
    throw new TrainRunError(`${options.runDir}: the run stopped before its first checkpoint and its model ${source} no longer has the run's configuration, so it cannot start over`)
  }
  const settings: TrainingSettings = { ...manifest.training, steps: options.steps ?? manifest.training.steps }
  const data = firstData(resolved, config, manifest.data.source as DataSource, settings, manifest.seed, runManifestSplit(manifest))
  writeRunTokenizer(options.runDir, data, resolved)
  const dropped = await folder.truncateMetrics(-1)
  options.onLog?.(`Starting ${options.runDir} over from step 0: it stopped before its first checkpoint${droppedMetricsNotice(dropped)}`)
  manifest.training = settings
  manifest.sessions.push({ startedAt: new Date().toISOString(), fromStep: 0, backend: options.backend })
  await folder.writeManifest(manifest)
  return finishFromStart(options, folder, resolved, config, data, settings, manifest.seed)
}

async function resumeRun(options: RunTrainingOptions): Promise<TrainResult> {
  const folder = RunFolder.open<RunManifest>(options.runDir)
  const manifest = folder.manifest
  if (manifest.format !== 'ligo-run' || manifest.version !== 1) throw new TrainRunError(`${options.runDir}: manifest.json is not a version-1 LiGO run`)
  folder.removePartialCheckpoints()
  const latest = folder.latestCheckpoint()
  if (!latest) return restartRun(options, folder)
  const checkpoint = await readCheckpointFiles(latest.path)
  const family = getFamily(manifest.model.family)
  const config = family.validate(manifest.model.config)
  const steps = options.steps ?? manifest.training.steps
  if (steps < checkpoint.state.step) throw new TrainRunError(`\`steps\` ${steps} is below the step of the last checkpoint (${checkpoint.state.step})`)
  const settings: TrainingSettings = { ...manifest.training, steps }
  let tokenizer: TextTokenizer | undefined
  if (family.modality === 'text') tokenizer = loadTokenizer(options.runDir)
  const data = buildTrainingData({
    config,
    objective: family.objective,
    source: manifest.data.source as DataSource,
    batchSize: settings.batchSize,
    seqLen: settings.seqLen,
    seed: manifest.seed,
    split: runManifestSplit(manifest),
    maxExamples: settings.maxExamples,
    tokenizer,
  })
  const dropped = await folder.truncateMetrics(checkpoint.state.step)
  options.onLog?.(`Resuming ${options.runDir} from step ${checkpoint.state.step}${droppedMetricsNotice(dropped)}`)
  manifest.training = settings
  manifest.sessions.push({ startedAt: new Date().toISOString(), fromStep: checkpoint.state.step, backend: options.backend })
  await folder.writeManifest(manifest)
  return finish(options, folder, config, data, settings, manifest.seed, checkpoint)
}

async function finish(
  options: RunTrainingOptions,
  folder: RunFolder<RunManifest>,
  config: ModelConfig,
  data: ReturnType<typeof buildTrainingData>,
  settings: TrainingSettings,
  seed: number,
  resumeFrom: Awaited<ReturnType<typeof readCheckpointFiles>> | undefined,
  initialParams?: ParamMap,
): Promise<TrainResult> {
  // Energy: the sources read and the carbon assumptions go into the manifest; on resume the joules continue from
  // the last metrics line (the log was cut back to the checkpoint).
  const energy = await startRunEnergy({ choice: options.energy, lines: folder.readMetrics(), startStep: resumeFrom?.state.step ?? 0 })
  if (energy) await folder.writeManifest({ ...folder.manifest, energy: energy.manifest() })
  let outcome: Awaited<ReturnType<typeof train>>
  try {
    outcome = await train({
      config,
      data,
      ...settings,
      seed,
      resumeFrom,
      runFolder: folder,
      signal: options.signal,
      attention: options.attention,
      onMetrics: options.onMetrics,
      onProgress: options.onProgress,
      onCheckpoint: options.onCheckpoint,
      energy: energy ?? undefined,
    })
  } finally {
    await energy?.stop()
  }
  const text = data.kind === 'text'
  const seconds = Math.max(1e-9, outcome.session.wallSeconds)
  return {
    runDir: options.runDir,
    step: outcome.step,
    steps: settings.steps,
    checkpoint: outcome.checkpoint ?? folder.latestCheckpoint()?.path ?? null,
    last: outcome.last,
    throughput: text ? { value: outcome.session.tokens / seconds, unit: 'tokens/s' } : { value: outcome.session.examples / seconds, unit: 'images/s' },
    backend: options.backend,
  }
}
