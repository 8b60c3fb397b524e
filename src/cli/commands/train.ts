/**
 * `ligo train`: a training run in the engine process (engine method `train`), with a progress bar and ETA on
 * stderr. Ctrl-C asks the engine to stop at the next step boundary, where it writes a checkpoint; the command then
 * prints how to resume. A second Ctrl-C stops the engine without waiting.
 */
import { modelArgument } from '../../engine/library/model-ref'
import { cliModelRef } from '../model-ref'
import { resolve } from 'node:path'
import { LR_SCHEDULES, type MetricRecord, type TrainParams, type TrainResult } from '../../shared'
import { formatFlops } from '../../engine/metrics/flops'
import { PRESET_IDS } from '../../engine/models/presets'
import { CORPUS_IDS } from '../../engine/data/corpora'
import { UsageError, type CommandSpec } from '../args'
import { BACKEND_FLAG, backendChoice } from '../backend-flag'
import type { CliContext } from '../context'
import { interruptedExit, stopOnInterrupt } from '../interrupt'
import { ProgressBar } from '../progress-bar'

export interface TrainFlags {
  model: string | undefined
  data: string | undefined
  steps: number | undefined
  batch: number | undefined
  seq: number | undefined
  lr: string | undefined
  warmup: number | undefined
  schedule: string | undefined
  'weight-decay': string | undefined
  clip: string | undefined
  seed: number | undefined
  'eval-every': number | undefined
  'checkpoint-every': number | undefined
  out: string | undefined
  resume: string | undefined
  backend: string | undefined
}

export { INTERRUPTED_EXIT_CODE } from '../interrupt'

function real(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < min) throw new UsageError(`Invalid value "${raw}" for --${flag}: expected a number >= ${min}.`, 'train')
  return value
}

/** Flags -> engine params; usage errors for missing or contradictory flags. */
export function trainParams(flags: TrainFlags, cwd: string, now: Date = new Date()): TrainParams {
  if (flags.resume !== undefined) {
    const settings = (['model', 'data', 'batch', 'seq', 'lr', 'warmup', 'schedule', 'weight-decay', 'clip', 'seed', 'eval-every', 'checkpoint-every', 'out'] as const).filter((f) => flags[f] !== undefined)
    if (settings.length > 0) throw new UsageError(`--resume continues a run with the settings in its manifest; drop ${settings.map((f) => `--${f}`).join(', ')} (only --steps and --backend may change).`, 'train')
    return { runDir: resolve(cwd, flags.resume), resume: true, ...(flags.steps !== undefined ? { steps: flags.steps } : {}) }
  }
  for (const flag of ['model', 'data', 'steps'] as const) if (flags[flag] === undefined) throw new UsageError(`--${flag} is required (or --resume <run dir>).`, 'train')
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const modelName = flags.model!.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[_.]+/, '').slice(-40) || 'model'
  const params: TrainParams = {
    // The engine's one resolver: a preset, a built-in seed name, a checkpoint, a run folder or one of its checkpoints.
    model: modelArgument(cliModelRef(flags.model!, cwd)),
    data: CORPUS_IDS.includes(flags.data!) ? flags.data : resolve(cwd, flags.data!),
    steps: flags.steps,
    runDir: resolve(cwd, flags.out ?? `runs/${modelName}-${stamp}`),
    batchSize: flags.batch,
    seqLen: flags.seq,
    learningRate: real('lr', flags.lr, 0),
    warmupSteps: flags.warmup,
    schedule: flags.schedule as TrainParams['schedule'],
    weightDecay: real('weight-decay', flags['weight-decay'], 0),
    clipNorm: real('clip', flags.clip, 0),
    seed: flags.seed,
    evalEvery: flags['eval-every'],
    checkpointEvery: flags['checkpoint-every'],
  }
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as unknown as TrainParams
}

function lossDetail(metric: MetricRecord | null, unit: string): string | undefined {
  if (!metric) return undefined
  const rate = metric.wallSeconds > 0 ? (unit === 'tokens' ? (metric.tokens ?? 0) : metric.examples) / metric.wallSeconds : 0
  return `loss ${metric.trainLoss.toFixed(3)}  ${rate >= 1000 ? `${(rate / 1000).toFixed(1)}k` : rate.toFixed(0)} ${unit === 'tokens' ? 'tok' : 'img'}/s`
}

function summary(result: TrainResult): string {
  const last = result.last
  const lines = [`Trained ${result.step}/${result.steps} steps on ${result.backend}: ${result.throughput.value.toFixed(0)} ${result.throughput.unit}`]
  if (last) {
    lines.push(`  train loss ${last.trainLoss.toFixed(4)}, ${formatFlops(last.flops, { style: 'scientific' })} so far`)
    if (last.eval) {
      const extra = last.eval.perplexity !== undefined ? `perplexity ${last.eval.perplexity.toFixed(2)}` : `accuracy ${((last.eval.accuracy ?? 0) * 100).toFixed(1)}%`
      lines.push(`  validation loss ${last.eval.loss.toFixed(4)}, ${extra}`)
    }
  }
  lines.push(`  run folder ${result.runDir}`, `  checkpoint ${result.checkpoint ?? '(none)'}`)
  return lines.join('\n') + '\n'
}

export async function runTrain(flags: TrainFlags, context: CliContext): Promise<number> {
  const params = trainParams(flags, process.cwd())
  const engine = context.startEngine(backendChoice('train', flags.backend, context.env))
  const controller = new AbortController()
  const bar = new ProgressBar({ write: context.stderr, isTTY: process.stderr.isTTY === true, columns: process.stderr.columns })
  let lastMetric: MetricRecord | null = null
  let unit = 'tokens'
  const task = { context, engine, bar, controller }
  const stopListening = stopOnInterrupt(task, 'Killed; the run resumes from its last checkpoint.')
  context.stderr(`${params.resume ? 'Resuming' : 'Training'}: run folder ${params.runDir}\n`)
  try {
    const result = await engine.call('train', params, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'task.metric') {
          const v = event.values
          if (v.tokens === undefined) unit = 'images'
          lastMetric = { step: v.step, examples: v.examples, tokens: v.tokens, flops: v.flops, wallSeconds: v.wallSeconds, cpuSeconds: v.cpuSeconds, trainLoss: v.trainLoss, trainLossMean: v.trainLossMean, gradNorm: v.gradNorm, lr: v.lr }
        } else if (event.type === 'task.progress') {
          bar.update({ done: event.done, total: event.total, unit: event.unit, etaSeconds: event.etaSeconds, detail: lossDetail(lastMetric, unit) })
        } else if (event.type === 'task.log') {
          bar.clear()
          context.stderr(`${event.message}\n`)
        }
      },
    })
    bar.clear()
    context.stdout(summary(result))
    return 0
  } catch (error) {
    return interruptedExit(task, error, `Resume with: ligo train --resume ${JSON.stringify(params.runDir)}`)
  } finally {
    stopListening()
    await engine.stop()
  }
}

export const TRAIN_COMMAND: CommandSpec<TrainFlags> = {
  name: 'train',
  summary: 'Train a model from a preset on built-in or your own data, with checkpoints and a metrics log',
  usage: 'ligo train --model <preset|checkpoint> --data <builtin|path> --steps N [flags] | ligo train --resume <run dir>',
  description:
    'Runs training in the engine process and writes a run folder: manifest.json (config, data, seed, backend, ' +
    'hardware), metrics.jsonl (step, tokens or images, cumulative FLOPs, wall and CPU time, losses, evaluation) and ' +
    'checkpoints (safetensors weights, optimizer and data position). Objective by model family: masked LM (BERT, ' +
    'RoBERTa), causal LM (GPT-2), image classification (ViT, DeiT, CaiT). Built-in data: ' +
    `${CORPUS_IDS.join(', ')}; or a .txt file, a folder of .txt, a .jsonl file, or a folder of images with one ` +
    'sub-folder per class. Ctrl-C stops at the next step with a checkpoint; --resume continues the run exactly.',
  flags: [
    { name: 'model', type: 'string', valueName: 'preset|checkpoint', help: `A preset (${PRESET_IDS.join(', ')}), a checkpoint folder, or a config file (HF config.json or engine JSON: random init)` },
    { name: 'data', type: 'string', valueName: 'builtin|path', help: `Built-in data (${CORPUS_IDS.join(', ')}) or a path` },
    { name: 'steps', type: 'integer', valueName: 'N', min: 1, help: 'Optimizer steps (with --resume: a new, larger total)' },
    { name: 'batch', type: 'integer', param: 'batchSize', valueName: 'B', min: 1, max: 65536, help: 'Sequences or images per step (default 16)' },
    { name: 'seq', type: 'integer', param: 'seqLen', valueName: 'T', min: 3, max: 65536, help: 'Tokens per sequence, text models (default 128)' },
    { name: 'lr', type: 'string', valueName: 'rate', help: 'Peak learning rate (default 5e-4)' },
    { name: 'warmup', type: 'integer', valueName: 'steps', min: 0, help: 'Linear warmup steps (default 0)' },
    { name: 'schedule', type: 'choice', choices: LR_SCHEDULES, valueName: LR_SCHEDULES.join('|'), help: 'Rate after warmup; wsd-*: warmup-stable-decay, accelerated: LEMON (default linear)' },
    { name: 'weight-decay', type: 'string', valueName: 'λ', help: 'AdamW decoupled weight decay (default 0.01; biases and norms are exempt)' },
    { name: 'clip', type: 'string', valueName: 'norm', help: 'Clip gradients to this global norm, 0 = off (default 1)' },
    { name: 'seed', type: 'integer', valueName: 'N', min: 0, max: 4294967295, help: 'Seed for weights, data order, masks and dropout (default 0)' },
    { name: 'eval-every', type: 'integer', valueName: 'N', min: 0, help: 'Evaluate on the validation split every N steps (default 100; 0 = at the end)' },
    { name: 'checkpoint-every', type: 'integer', valueName: 'N', min: 0, help: 'Write a checkpoint every N steps (default 100; always at the end)' },
    { name: 'out', type: 'string', valueName: 'run dir', help: 'Run folder (default runs/<model>-<date>-<time>)' },
    { name: 'resume', type: 'string', valueName: 'run dir', help: 'Continue a stopped run from its last checkpoint' },
    BACKEND_FLAG,
  ],
  examples: [
    'ligo train --model bert-mini --data moby-dick --steps 1000',
    'ligo train --model gpt2-mini --data notes.txt --steps 500 --lr 1e-3 --warmup 50 --schedule cosine',
    'ligo train --model vit-mini --data mnist --steps 300 --batch 64 --out runs/vit',
    'ligo train --resume runs/vit --steps 600',
  ],
  run: runTrain,
}
