/**
 * `ligo flops`: training FLOPs of a preset from the analytical counter (engine/metrics/flops.ts, the paper's
 * ELECTRA-style accounting), per step and for a number of steps, plus the LiGO grow phase from a smaller preset.
 * No engine process: the counter is pure arithmetic.
 */
import { formatFlops, ligoGrowthStepFlops, trainingStepFlops } from '../../engine/metrics/flops'
import { flopsShapeOf } from '../../engine/metrics/model-flops'
import { getPreset, PRESET_IDS } from '../../engine/models/presets'
import { UsageError, type CommandSpec } from '../args'
import type { CliContext } from '../context'

export interface FlopsFlags {
  model: string | undefined
  batch: number
  seq: number
  steps: number | undefined
  'grow-from': string | undefined
  'grow-steps': number | undefined
  json: boolean
}

function preset(flag: string, id: string) {
  if (!PRESET_IDS.includes(id)) throw new UsageError(`Unknown model preset "${id}" for --${flag}. Expected one of: ${PRESET_IDS.join(', ')}.`, 'flops')
  return getPreset(id)
}

const sci = (n: number) => formatFlops(n, { style: 'scientific' })

export async function runFlops(flags: FlopsFlags, context: CliContext): Promise<number> {
  if (flags.model === undefined) throw new UsageError('--model is required.', 'flops')
  const target = preset('model', flags.model)
  const growing = flags['grow-from'] !== undefined || flags['grow-steps'] !== undefined
  if (growing && (flags['grow-from'] === undefined || flags['grow-steps'] === undefined)) throw new UsageError('--grow-from and --grow-steps go together.', 'flops')
  const run = { seqLen: flags.seq }
  const shape = flopsShapeOf(target.config, run)
  const step = trainingStepFlops(shape, flags.batch)
  const text = 'vocabSize' in target.config
  const result: Record<string, unknown> = { model: target.id, batch: flags.batch, ...(text ? { seqLen: flags.seq } : {}), stepFlops: step }
  const rows: Array<[string, string]> = [['training step', `${formatFlops(step)} (${sci(step)})`]]
  if (flags.steps !== undefined) {
    result.steps = flags.steps
    result.totalFlops = step * flags.steps
    rows.push([`${flags.steps} steps`, sci(step * flags.steps)])
  }
  if (growing) {
    const source = preset('grow-from', flags['grow-from']!)
    if (source.config.family !== target.config.family) throw new UsageError(`--grow-from ${source.id} is a ${source.config.family} model; --model ${target.id} is ${target.config.family}.`, 'flops')
    const growStep = ligoGrowthStepFlops(flopsShapeOf(source.config, run), shape, flags.batch)
    const steps = flags['grow-steps']!
    result.growFrom = source.id
    result.growStepFlops = growStep
    result.growSteps = steps
    result.growFlops = growStep * steps
    rows.push([`LiGO step from ${source.label}`, formatFlops(growStep)], [`${steps} LiGO steps`, sci(growStep * steps)])
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 1
  const header = `${target.label}, batch ${flags.batch}${text ? `, sequence ${flags.seq}` : ''}`
  context.stdout(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${[header, ...rows.map(([l, v]) => `  ${`${l}:`.padEnd(width)} ${v}`)].join('\n')}\n`)
  return 0
}

export const FLOPS_COMMAND: CommandSpec<FlopsFlags> = {
  name: 'flops',
  summary: "Training FLOPs of a model per step and per run, with the LiGO grow phase, as the paper counts them",
  usage: 'ligo flops --model <preset> [--batch 256] [--seq 128] [--steps N] [--grow-from <preset> --grow-steps N] [--json]',
  description:
    "Counts FLOPs analytically as the LiGO paper does (ELECTRA-style: matmuls 2mkn, backward = forward, MLM output on " +
    '15.625% of tokens). --grow-from adds the LiGO operator steps from a smaller preset (large step plus the ' +
    'operator surcharge, charged per sequence). Reproduces the paper: bert-base at batch 256, sequence 128 is ' +
    '15.07 TFLOP per step; 100 LiGO steps from bert-small cost 3.61e15.',
  flags: [
    { name: 'model', type: 'string', valueName: 'preset', help: `The model (${PRESET_IDS.join(', ')})` },
    { name: 'batch', type: 'integer', valueName: 'B', min: 1, max: 1e9, default: 256, help: 'Sequences or images per step' },
    { name: 'seq', type: 'integer', valueName: 'T', min: 1, max: 1e6, default: 128, help: 'Tokens per sequence (text models)' },
    { name: 'steps', type: 'integer', valueName: 'N', min: 0, help: 'Also print the total for N training steps' },
    { name: 'grow-from', type: 'string', valueName: 'preset', help: 'Smaller preset the model is grown from with LiGO' },
    { name: 'grow-steps', type: 'integer', valueName: 'N', min: 0, help: 'LiGO operator training steps (the paper uses 100)' },
    { name: 'json', type: 'boolean', help: 'Print the figures as JSON' },
  ],
  examples: ['ligo flops --model bert-base --batch 256 --seq 128', 'ligo flops --model bert-base --grow-from bert-small --grow-steps 100', 'ligo flops --model bert-base --steps 400000'],
  run: runFlops,
}
