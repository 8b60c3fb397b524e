/**
 * `ligo compare`: every growth method's large model trained under one budget, side by side with scratch (engine
 * method `compare`), then the savings report (printed, and written as report.txt/report.json in --out). A progress
 * bar with the whole comparison's ETA runs on stderr. Ctrl-C stops at the next step with a checkpoint; the same
 * command again resumes (finished methods are kept).
 */
import { resolve } from 'node:path'
import { LR_SCHEDULES, type CompareParams, type LrScheduleSettings } from '../../shared'
import { parseBudget } from '../../engine/experiments/budget'
import { DEFAULT_SEEDS, GROWN_SCHEDULE_DEFAULTS, SCRATCH_SCHEDULE_DEFAULTS } from '../../engine/experiments/defaults'
import { METHOD_NAMES } from '../../engine/growth'
import { CORPUS_IDS } from '../../engine/data/corpora'
import { modelArgument } from '../../engine/library/model-ref'
import { cliModelRef } from '../model-ref'
import { PRESET_IDS } from '../../engine/models/presets'
import { pathOr, realFlag, UsageError, withoutUndefined, type CommandSpec, type FlagValue } from '../args'
import { METHOD_SETTING_FLAGS, methodSettingsFromFlags } from '../method-flags'
import { BACKEND_FLAG, backendChoice } from '../backend-flag'
import type { CliContext } from '../context'
import { interruptedExit, stopOnInterrupt } from '../interrupt'
import { ProgressBar } from '../progress-bar'

export interface CompareFlags {
  from: string | undefined
  to: string | undefined
  methods: string | undefined
  data: string | undefined
  budget: string | undefined
  seeds: number | undefined
  seed: number | undefined
  batch: number | undefined
  seq: number | undefined
  lr: string | undefined
  warmup: number | undefined
  schedule: string | undefined
  'grown-lr': string | undefined
  'grown-warmup': number | undefined
  'grown-schedule': string | undefined
  'weight-decay': string | undefined
  clip: string | undefined
  'eval-every': number | undefined
  'eval-batches': number | undefined
  'checkpoint-every': number | undefined
  'max-examples': number | undefined
  'split-seed': number | undefined
  'accept-source-split': boolean | undefined
  ladder: string | undefined
  'no-energy': boolean | undefined
  json: boolean | undefined
  out: string | undefined
  backend: string | undefined
  /** The methods' settings (method-flags.ts). */
  [methodSetting: string]: FlagValue | undefined
}

function fraction(flag: string, raw: string | undefined): number | undefined {
  const value = realFlag('compare', flag, raw, 0)
  if (value !== undefined && value > 1) throw new UsageError(`Invalid value "${raw}" for --${flag}: expected a fraction from 0 to 1.`, 'compare')
  return value
}

function schedule(lr: number | undefined, warmup: number | undefined, kind: string | undefined): Partial<LrScheduleSettings> | undefined {
  const s = withoutUndefined({ learningRate: lr, warmupSteps: warmup, schedule: kind as LrScheduleSettings['schedule'] | undefined })
  return Object.keys(s).length > 0 ? s : undefined
}

export function compareParams(flags: CompareFlags, cwd: string): CompareParams {
  for (const flag of ['from', 'to', 'data', 'budget', 'out'] as const) if (flags[flag] === undefined) throw new UsageError(`--${flag} is required.`, 'compare')
  const methods = (flags.methods ?? METHOD_NAMES.join(',')).split(',').map((m) => m.trim()).filter(Boolean)
  const unknown = methods.filter((m) => !METHOD_NAMES.includes(m))
  if (unknown.length > 0) throw new UsageError(`Unknown method(s) ${unknown.map((m) => `"${m}"`).join(', ')} in --methods. Expected some of: ${METHOD_NAMES.join(', ')}.`, 'compare')
  if (!methods.includes('scratch')) throw new UsageError('--methods must include scratch: every saving is measured against it.', 'compare')
  let budget: CompareParams['budget']
  try {
    budget = parseBudget(flags.budget!)
  } catch (error) {
    throw new UsageError(`--budget: ${(error as Error).message}`, 'compare')
  }
  const ladder = flags.ladder?.split(',').map((f) => fraction('ladder', f.trim())!)
  const settings = methodSettingsFromFlags('compare', flags, methods)
  return withoutUndefined({
    // The engine's one resolver, as `ligo train --model`: a preset, a built-in seed name, a checkpoint, a run folder or one of its checkpoints.
    from: modelArgument(cliModelRef(flags.from!, cwd)),
    to: pathOr(flags.to!, PRESET_IDS, cwd),
    methods,
    data: pathOr(flags.data!, CORPUS_IDS, cwd),
    budget,
    out: resolve(cwd, flags.out!),
    seeds: flags.seeds,
    seed: flags.seed,
    batchSize: flags.batch,
    seqLen: flags.seq,
    scratch: schedule(realFlag('compare', 'lr', flags.lr, 0), flags.warmup, flags.schedule),
    grown: schedule(realFlag('compare', 'grown-lr', flags['grown-lr'], 0), flags['grown-warmup'], flags['grown-schedule']),
    weightDecay: realFlag('compare', 'weight-decay', flags['weight-decay'], 0),
    clipNorm: realFlag('compare', 'clip', flags.clip, 0),
    evalEvery: flags['eval-every'],
    evalBatches: flags['eval-batches'],
    checkpointEvery: flags['checkpoint-every'],
    settings: Object.keys(settings).length > 0 ? settings : undefined,
    maxExamples: flags['max-examples'],
    splitSeed: flags['split-seed'],
    acceptSourceSplit: flags['accept-source-split'] || undefined,
    ladder,
    energy: flags['no-energy'] ? false : undefined,
  })
}

export async function runCompare(flags: CompareFlags, context: CliContext): Promise<number> {
  const params = compareParams(flags, process.cwd())
  const engine = context.startEngine(backendChoice('compare', flags.backend, context.env))
  const controller = new AbortController()
  const bar = new ProgressBar({ write: context.stderr, isTTY: process.stderr.isTTY === true, columns: process.stderr.columns })
  const task = { context, engine, bar, controller }
  const stopListening = stopOnInterrupt(task, 'Killed; the same command resumes the comparison from the last checkpoints.')
  context.stderr(`Comparison folder ${params.out}\n`)
  try {
    const result = await engine.call('compare', params, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'task.progress') bar.update({ done: event.done, total: event.total, unit: 'steps', etaSeconds: event.etaSeconds, detail: event.message.replace(/ step \d+\/\d+$/, '') })
        else if (event.type === 'task.log') {
          bar.clear()
          context.stderr(`${event.message}\n`)
        }
      },
    })
    bar.clear()
    context.stdout(flags.json ? JSON.stringify(result.report, null, 2) + '\n' : result.text)
    return 0
  } catch (error) {
    return interruptedExit(task, error, 'Resume by running the same command again (finished methods are kept).')
  } finally {
    stopListening()
    await engine.stop()
  }
}

const schedules = (s: LrScheduleSettings) => `lr ${s.learningRate}, warmup ${s.warmupSteps}, ${s.schedule} decay`

export const COMPARE_COMMAND: CommandSpec<CompareFlags> = {
  name: 'compare',
  summary: 'Train LiGO and the baselines against scratch under one budget and report the savings',
  usage: 'ligo compare --from <checkpoint> --to <preset|config.json> --data <builtin|path> --budget <N steps|Nflops|Nmin> --out <dir> [--methods ligo,scratch,...] [--seeds N]',
  description:
    "Trains each method's large model with the same data, batch, seed and budget, one run folder per method and " +
    'seed under --out, every method charged all its work (LiGO its operator training, KI its teacher forwards, MSLT ' +
    "its frozen layers' forwards; the small model's pretraining is not charged). Reports, per method, the FLOPs, " +
    "wall time and energy to reach scratch's final validation loss (the paper's saving) and a ladder of lower " +
    "targets (the source model's loss and below), whether scratch passed the source model, and with --seeds N the " +
    'mean and spread (differences inside the spread are ties). Methods that cannot grow the pair are skipped with ' +
    `the reason. Schedules: scratch and KI ${schedules(SCRATCH_SCHEDULE_DEFAULTS)}; grown models ${schedules(GROWN_SCHEDULE_DEFAULTS)}. ` +
    'Interrupted? Run the same command again.',
  flags: [
    { name: 'from', type: 'string', valueName: 'checkpoint|seed', help: 'The small model: a checkpoint folder/file, a run folder or one of its checkpoints, or a built-in seed name (bert-moby, ...)' },
    { name: 'to', type: 'string', valueName: 'preset|config.json', help: 'The large config: a preset or a JSON config file' },
    { name: 'methods', type: 'string', valueName: 'a,b,...', help: `Methods, scratch included (default all: ${METHOD_NAMES.join(',')})` },
    { name: 'data', type: 'string', valueName: 'builtin|path', help: `Built-in data (${CORPUS_IDS.join(', ')}) or a path` },
    { name: 'budget', type: 'string', valueName: 'N steps|Nflops|Nmin', help: 'Per method: optimizer steps, FLOPs (growth included) or wall-clock minutes' },
    { name: 'seeds', type: 'integer', valueName: 'N', min: 1, max: 100, help: `Repeat every method with N seeds; report mean and spread (default ${DEFAULT_SEEDS}; one seed names no winner)` },
    { name: 'seed', type: 'integer', valueName: 'N', min: 0, max: 4294967295, help: 'First seed (default 0)' },
    { name: 'batch', type: 'integer', param: 'batchSize', valueName: 'B', min: 1, max: 65536, help: 'Sequences or images per step (default 16)' },
    { name: 'seq', type: 'integer', param: 'seqLen', valueName: 'T', min: 3, max: 65536, help: 'Tokens per sequence, text models (default 128)' },
    { name: 'lr', type: 'string', valueName: 'rate', help: `Scratch's (and KI's) peak learning rate (default ${SCRATCH_SCHEDULE_DEFAULTS.learningRate})` },
    { name: 'warmup', type: 'integer', valueName: 'steps', min: 0, help: `Scratch's warmup (default ${SCRATCH_SCHEDULE_DEFAULTS.warmupSteps})` },
    { name: 'schedule', type: 'choice', choices: LR_SCHEDULES, valueName: LR_SCHEDULES.join('|'), help: "Scratch's and KI's rate after warmup (default linear)" },
    { name: 'grown-lr', type: 'string', valueName: 'rate', help: `Grown models' peak learning rate (default ${GROWN_SCHEDULE_DEFAULTS.learningRate})` },
    { name: 'grown-warmup', type: 'integer', valueName: 'steps', min: 0, help: `Grown models' warmup (default ${GROWN_SCHEDULE_DEFAULTS.warmupSteps})` },
    { name: 'grown-schedule', type: 'choice', choices: LR_SCHEDULES, valueName: LR_SCHEDULES.join('|'), help: "Grown models' rate after warmup; accelerated: LEMON's shortened decay (default linear)" },
    { name: 'weight-decay', type: 'string', valueName: 'λ', help: 'AdamW weight decay of every run (default 0.01)' },
    { name: 'clip', type: 'string', param: 'clipNorm', valueName: 'norm', help: 'Gradient clipping, 0 = off (default 1)' },
    { name: 'eval-every', type: 'integer', valueName: 'N', min: 0, help: 'Evaluate every N steps (default 100); savings interpolate between evaluations' },
    { name: 'eval-batches', type: 'integer', valueName: 'N', min: 1, help: 'Validation batches per evaluation (default 8)' },
    { name: 'checkpoint-every', type: 'integer', valueName: 'N', min: 0, help: 'Checkpoint every N steps, for resuming (default 100)' },
    { name: 'max-examples', type: 'integer', valueName: 'N', min: 2, help: 'Images: use a seeded subset of at most N images' },
    { name: 'split-seed', type: 'integer', valueName: 'N', min: 0, max: 4294967295, help: "Train/validation split (default: the source model's recorded split)" },
    { name: 'accept-source-split', type: 'boolean', help: "Compare although the source's split is unknown or differs (its training data may be validated on)" },
    { name: 'ladder', type: 'string', valueName: 'f,f,...', help: "Targets as fractions of the source model's loss (default 1,0.95,0.9)" },
    { name: 'no-energy', type: 'boolean', param: 'energy', help: 'Do not meter energy' },
    { name: 'json', type: 'boolean', help: 'Print the report as JSON instead of the table' },
    { name: 'out', type: 'string', valueName: 'dir', help: 'Experiment folder (run the same command again to resume)' },
    BACKEND_FLAG,
    ...METHOD_SETTING_FLAGS,
  ],
  examples: [
    'ligo compare --from resources/seeds/bert-seed --to large.json --methods scratch,ligo,bert2bert-aki --data moby-dick --budget 2000steps --out cmp/bert',
    'ligo compare --from runs/vit --to vit-mini-grown --data mnist --budget 30min --seeds 3 --out cmp/vit',
    'ligo compare --from small/ --to large.json --data notes.txt --budget 5e14flops --grown-lr 2e-4 --out cmp/notes',
  ],
  run: runCompare,
}
