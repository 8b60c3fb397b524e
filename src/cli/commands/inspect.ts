/**
 * `ligo inspect <path> [--json]`: what a checkpoint holds, from its headers only (no tensor values are read):
 * detected architecture and class, the config (and what was assumed), parameter count, dtypes, every tensor
 * with its shape and the canonical name(s) it maps to, and warnings.
 */
import { openCheckpoint, type CheckpointPlan } from '../../engine/io/import-checkpoint'
import { readCheckpointHeaders, type CheckpointHeaders } from '../../engine/library/checkpoint-headers'
import { cliModelRef } from '../model-ref'
import { parameterCount } from '../../engine/models/param-count'
import { formatShape } from '../../engine/io/formats/errors'
import type { CommandSpec } from '../args'
import type { CliContext } from '../context'

export interface InspectFlags {
  path: string
  json: boolean
}

/** The JSON form (also what the table shows). */
export function inspectRecord(plan: CheckpointPlan): Record<string, unknown> {
  return {
    path: plan.files.weights,
    format: plan.reader.format,
    family: plan.family,
    className: plan.layout.className,
    library: plan.layout.library,
    head: plan.head,
    evidence: plan.detection.evidence,
    config: plan.config,
    configFile: plan.files.configPath,
    parameters: parameterCount(plan.config),
    dtypes: plan.dtypes,
    tensors: plan.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, canonical: t.canonical, ...(t.ignored ? { ignored: t.ignored } : {}) })),
    initialised: plan.initialised,
    tokenizerFiles: plan.files.tokenizerFiles,
    assumptions: plan.assumptions,
    warnings: plan.warnings,
  }
}

export function formatInspect(plan: CheckpointPlan): string {
  const lines: string[] = []
  const row = (label: string, value: string) => lines.push(`${label.padEnd(14)}${value}`)
  row('Checkpoint', `${plan.files.weights} (${plan.reader.format})`)
  row('Architecture', `${plan.family}: ${plan.layout.className}, ${plan.layout.library}, head ${plan.head}`)
  row('Detected by', plan.detection.evidence)
  const c = plan.config as unknown as Record<string, unknown>
  row('Config', Object.entries(c).filter(([k]) => k !== 'family').map(([k, v]) => `${k} ${String(v)}`).join(', '))
  row('Config from', plan.files.configPath ?? 'tensor shapes (no config.json)')
  row('Parameters', parameterCount(plan.config).toLocaleString('en-US'))
  row('Dtype', Object.entries(plan.dtypes).map(([dtype, n]) => `${dtype} (${n} tensor${n === 1 ? '' : 's'})`).join(', '))
  if (plan.files.tokenizerFiles.length > 0) row('Tokenizer', plan.files.tokenizerFiles.map((f) => f.split(/[\\/]/).pop()).join(', '))
  lines.push('', `Tensors (${plan.tensors.length}):`)
  const width = Math.max(...plan.tensors.map((t) => t.name.length))
  for (const t of plan.tensors) {
    const target = t.ignored ? `(ignored: ${t.ignored})` : t.canonical.length > 0 ? `-> ${t.canonical.join(', ')}` : '(unexpected)'
    lines.push(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(4)}  ${formatShape(t.shape).padEnd(14)}  ${target}`)
  }
  if (plan.initialised.length > 0) lines.push('', `Not in the file, initialised on import: ${plan.initialised.join(', ')}`)
  for (const [title, list] of [['Assumed', plan.assumptions], ['Warnings', plan.warnings]] as const) {
    if (list.length > 0) lines.push('', `${title}:`, ...list.map((w) => `  - ${w}`))
  }
  return `${lines.join('\n')}\n`
}

/** `ligo inspect` of a run or trainer checkpoint: canonical names, shapes and the config the trainer saved. */
export function formatTrainingCheckpoint(headers: CheckpointHeaders): string {
  const c = headers.config as unknown as Record<string, unknown>
  const width = Math.max(...headers.tensors.map((t) => t.name.length))
  return [
    `${'Checkpoint'.padEnd(14)}${headers.weightsPath}`,
    `${'Architecture'.padEnd(14)}${headers.config.family}: ${headers.sourceClass}`,
    `${'Config'.padEnd(14)}${Object.entries(c).filter(([k]) => k !== 'family').map(([k, v]) => `${k} ${String(v)}`).join(', ')}`,
    `${'Parameters'.padEnd(14)}${parameterCount(headers.config).toLocaleString('en-US')}`,
    '',
    `Tensors (${headers.tensors.length}):`,
    ...headers.tensors.map((t) => `  ${t.name.padEnd(width)}  ${t.dtype.padEnd(4)}  ${formatShape(t.shape)}`),
    '',
  ].join('\n')
}

export async function runInspect(flags: InspectFlags, context: CliContext): Promise<number> {
  // A run folder or one of its checkpoints holds the engine's canonical names: read them with the library's header reader.
  const location = cliModelRef(flags.path)
  if (location.kind === 'checkpoint' && location.layout !== 'hf') {
    const headers = await readCheckpointHeaders(location.path, location.layout)
    const record = { path: headers.weightsPath, className: headers.sourceClass, family: headers.config.family, config: headers.config, parameters: parameterCount(headers.config), tensors: headers.tensors }
    context.stdout(flags.json ? `${JSON.stringify(record, null, 2)}\n` : formatTrainingCheckpoint(headers))
    return 0
  }
  const plan = await openCheckpoint(location.kind === 'checkpoint' ? location.path : flags.path)
  context.stdout(flags.json ? `${JSON.stringify(inspectRecord(plan), null, 2)}\n` : formatInspect(plan))
  return 0
}

export const INSPECT_COMMAND: CommandSpec<InspectFlags> = {
  name: 'inspect',
  summary: 'Show what a checkpoint holds: architecture, config, parameter count, dtype and tensors',
  usage: 'ligo inspect <path> [--json]',
  description:
    'Reads the headers of a checkpoint (a folder with config.json and weights, or a single .safetensors / .bin / ' +
    '.pth / *.index.json file) without loading its values, detects the architecture from the tensor names ' +
    '(BERT, RoBERTa, GPT-2, ViT, DeiT, timm ViT/DeiT/CaiT) and prints the config it implies, what was assumed, ' +
    'the parameter count, dtypes and every tensor with its shape and canonical name.',
  positionals: [{ name: 'path', help: 'checkpoint folder or weights file', required: true }],
  flags: [{ name: 'json', type: 'boolean', help: 'Print the record as JSON (for scripts)' }],
  examples: ['ligo inspect ./bert-base-uncased', 'ligo inspect model.safetensors --json'],
  run: runInspect,
}
