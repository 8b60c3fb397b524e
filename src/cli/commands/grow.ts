/**
 * `ligo grow`: grow a small checkpoint into a larger config with a named method (engine method `grow`), LiGO's
 * operator training included, and write the grown checkpoint plus the operator. A progress bar follows the
 * operator steps on stderr.
 */
import { resolve } from 'node:path'
import type { GrowParams, GrowResult } from '../../shared'
import { GROWTH_METHOD_LIST, METHOD_NAMES } from '../../engine/growth'
import { formatFlops } from '../../engine/metrics/flops'
import { CORPUS_IDS } from '../../engine/data/corpora'
import { modelArgument } from '../../engine/library/model-ref'
import { cliModelRef } from '../model-ref'
import { PRESET_IDS } from '../../engine/models/presets'
import { pathOr, UsageError, withoutUndefined, type CommandSpec, type FlagValue } from '../args'
import { METHOD_SETTING_FLAGS, methodSettingsFromFlags } from '../method-flags'
import { BACKEND_FLAG, backendChoice } from '../backend-flag'
import type { CliContext } from '../context'
import { ProgressBar } from '../progress-bar'

export interface GrowFlags {
  from: string | undefined
  to: string | undefined
  method: string | undefined
  data: string | undefined
  batch: number | undefined
  seq: number | undefined
  seed: number | undefined
  out: string | undefined
  force: boolean | undefined
  backend: string | undefined
  /** The methods' settings (method-flags.ts). */
  [methodSetting: string]: FlagValue | undefined
}

export function growParams(flags: GrowFlags, cwd: string): GrowParams {
  for (const flag of ['from', 'to', 'method', 'out'] as const) if (flags[flag] === undefined) throw new UsageError(`--${flag} is required.`, 'grow')
  const settings = methodSettingsFromFlags('grow', flags, [flags.method!])
  return withoutUndefined({
    // The engine's one resolver, as `ligo train --model`: a preset, a built-in seed name, a checkpoint, a run folder or one of its checkpoints.
    from: modelArgument(cliModelRef(flags.from!, cwd)),
    to: pathOr(flags.to!, PRESET_IDS, cwd),
    method: flags.method!,
    out: resolve(cwd, flags.out!),
    data: flags.data === undefined ? undefined : pathOr(flags.data, CORPUS_IDS, cwd),
    seed: flags.seed,
    batchSize: flags.batch,
    seqLen: flags.seq,
    settings: settings[flags.method!],
    force: flags.force,
  })
}

function summary(result: GrowResult): string {
  const g = result.growth
  const lines = [`Grew ${result.smallParameters.toLocaleString('en-US')} -> ${result.largeParameters.toLocaleString('en-US')} parameters with ${result.method}`]
  if (g.steps > 0) lines.push(`  operator: ${g.steps} steps, ${formatFlops(g.flops, { style: 'scientific' })}, ${g.wallSeconds.toFixed(1)} s; large-model loss ${g.lossFirst?.toFixed(4)} -> ${g.lossLast?.toFixed(4)}`)
  lines.push(`  checkpoint ${result.checkpointDir}`)
  if (result.operatorDir) lines.push(`  operator   ${result.operatorDir}`)
  for (const note of result.notes) lines.push(`  note: ${note}`)
  return lines.join('\n') + '\n'
}

export async function runGrow(flags: GrowFlags, context: CliContext): Promise<number> {
  const params = growParams(flags, process.cwd())
  const engine = context.startEngine(backendChoice('grow', flags.backend, context.env))
  const bar = new ProgressBar({ write: context.stderr, isTTY: process.stderr.isTTY === true, columns: process.stderr.columns })
  try {
    const result = await engine.call('grow', params, {
      onEvent: (event) => {
        if (event.type === 'task.progress') bar.update({ done: event.done, total: event.total, unit: 'operator steps', etaSeconds: event.etaSeconds })
        else if (event.type === 'task.log') {
          bar.clear()
          context.stderr(`${event.message}\n`)
        }
      },
    })
    bar.clear()
    context.stdout(summary(result))
    return 0
  } finally {
    bar.clear()
    await engine.stop()
  }
}

export const GROW_COMMAND: CommandSpec<GrowFlags> = {
  name: 'grow',
  summary: 'Grow a small checkpoint into a larger model with LiGO or a baseline, and save it',
  usage: 'ligo grow --from <checkpoint|seed|preset> --to <preset|config.json> --method <name> [--steps N] --out <dir>',
  description:
    'Maps the small model onto the larger config (same family: more layers, wider hidden size, more heads of the ' +
    'same size, wider FFN) and writes <out>/model (a plain checkpoint in HF or timm layout with the small model\'s ' +
    "tokenizer) and growth.json. A method with a growth phase (LiGO's operator, trained through the large model's " +
    'loss with AdamW and linear decay) trains it first and also writes <out>/operator (coefficients + description). ' +
    `Methods: ${GROWTH_METHOD_LIST.map((m) => `${m.name} (${m.label})`).join('; ')}. Each method's settings are the ` +
    'flags after --backend, with their defaults.',
  flags: [
    { name: 'from', type: 'string', valueName: 'checkpoint|seed|preset', help: 'The small model: a checkpoint folder/file, a run folder or one of its checkpoints, a built-in seed name (bert-moby, ...) or a preset (random init)' },
    { name: 'to', type: 'string', valueName: 'preset|config.json', help: `The large config: a preset (${PRESET_IDS.join(', ')}), an HF/timm config.json, an engine JSON config or a designer recipe` },
    { name: 'method', type: 'choice', choices: METHOD_NAMES, valueName: 'name', help: 'Growth method' },
    { name: 'data', type: 'string', valueName: 'builtin|path', help: 'Data for the growth phase (default moby-dick for text, mnist for images)' },
    { name: 'batch', type: 'integer', param: 'batchSize', valueName: 'B', min: 1, max: 65536, help: 'Growth-phase batch (default 16)' },
    { name: 'seq', type: 'integer', param: 'seqLen', valueName: 'T', min: 3, max: 65536, help: 'Tokens per sequence, text models (default 128)' },
    { name: 'seed', type: 'integer', valueName: 'N', min: 0, max: 4294967295, help: 'Seed of the operator init, new units and data order (default 0)' },
    { name: 'out', type: 'string', valueName: 'dir', help: 'Output folder (must be empty unless --force)' },
    { name: 'force', type: 'boolean', help: 'Write into a non-empty --out, replacing only the files this command writes' },
    BACKEND_FLAG,
    ...METHOD_SETTING_FLAGS,
  ],
  examples: [
    'ligo grow --from resources/seeds/bert-seed --to bert-mini-grown --method ligo --out grown/bert',
    'ligo grow --from runs/vit --to vit-mini-grown --method bert2bert-aki --out grown/vit-aki',
    'ligo grow --from small/ --to large.json --method ligo --ligo-operator-steps 200 --ligo-operator-lr 2e-3 --data notes.txt --out grown/',
  ],
  run: runGrow,
}
