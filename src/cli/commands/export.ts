/**
 * `ligo export <checkpoint|run> --format hf|timm --out <dir>`: writes a folder transformers or timm loads as it
 * is (weights, config.json, tokenizer files, README). Takes an HF/timm checkpoint, a training run folder (its
 * latest checkpoint) or one of its step-NNNNNNN checkpoints. TF-free, so it runs without starting the engine.
 */
import { exportCheckpoint } from '../../engine/io/export-checkpoint'
import type { FloatDType } from '../../engine/io/formats/dtypes'
import { importExportSource } from '../../engine/io/run-checkpoint'
import { UsageError, type CommandSpec } from '../args'
import type { CliContext } from '../context'

export interface ExportFlags {
  source: string
  format: 'hf' | 'timm' | undefined
  out: string | undefined
  class: string | undefined
  dtype: 'f32' | 'f16' | 'bf16' | undefined
  'max-shard-mb': number | undefined
  force: boolean
  json: boolean
}

const DTYPES: Record<NonNullable<ExportFlags['dtype']>, FloatDType> = { f32: 'F32', f16: 'F16', bf16: 'BF16' }

export async function runExport(flags: ExportFlags, context: CliContext): Promise<number> {
  const source = await importExportSource(flags.source)
  for (const warning of source.warnings) context.stderr(`ligo export: ${warning}\n`)
  const result = await exportCheckpoint(source, {
    format: flags.format!,
    outDir: flags.out!,
    className: flags.class,
    force: flags.force,
    dtype: flags.dtype === undefined ? undefined : DTYPES[flags.dtype],
    maxShardBytes: flags['max-shard-mb'] === undefined ? undefined : flags['max-shard-mb'] * 1_000_000,
    provenance: { source: source.description, exporter: `ligo ${context.version}` },
  })
  for (const warning of result.warnings) context.stderr(`ligo export: ${warning}\n`)
  if (flags.json) {
    context.stdout(`${JSON.stringify({ outDir: result.outDir, className: result.className, format: result.format, files: result.files, tensors: result.keys.size, warnings: result.warnings }, null, 2)}\n`)
  } else {
    context.stdout(`Exported ${source.description} as ${result.className} (${result.keys.size} tensors) to ${result.outDir}:\n${result.files.map((f) => `  ${f}`).join('\n')}\n`)
  }
  return 0
}

export const EXPORT_COMMAND: CommandSpec<ExportFlags> = {
  name: 'export',
  summary: 'Export a checkpoint or a training run as a HuggingFace or timm model folder',
  usage: 'ligo export <checkpoint|run> --format hf|timm --out <dir> [--class <name>] [--dtype f32|f16|bf16] [--max-shard-mb <N>] [--force] [--json]',
  description:
    'Writes model.safetensors (sharded with model.safetensors.index.json above --max-shard-mb), config.json with ' +
    "the model's sizes, the tokenizer files and a README on loading it with transformers/timm and continuing " +
    'training with accelerate or torchrun. The key set is exactly what the target class loads (BertForMaskedLM, ' +
    'RobertaForMaskedLM, GPT2LMHeadModel, ViTForImageClassification, DeiTForImageClassificationWithTeacher; timm ' +
    'vit_*, deit_*_distilled_*, cait_*). A run folder exports its latest checkpoint. The output folder must be ' +
    'empty unless --force, which replaces only the files the export writes; the source is never overwritten.',
  positionals: [{ name: 'source', help: 'checkpoint folder or file, training run folder, or a run checkpoint (checkpoints/step-NNNNNNN)', required: true }],
  flags: [
    { name: 'format', type: 'choice', choices: ['hf', 'timm'], valueName: 'hf|timm', help: 'transformers (hf) or timm layout' },
    { name: 'out', type: 'string', valueName: 'dir', help: 'Output folder (created if missing)' },
    { name: 'class', type: 'string', valueName: 'name', help: 'Target class, e.g. BertLMHeadModel or DeiTForImageClassification (default: the source class or the family default)' },
    { name: 'dtype', type: 'choice', choices: ['f32', 'f16', 'bf16'], valueName: 'f32|f16|bf16', help: "Stored weight dtype (default: the source's, else f32)" },
    { name: 'max-shard-mb', type: 'integer', min: 1, valueName: 'N', help: 'Largest shard in MB (default 5000, as transformers)' },
    { name: 'force', type: 'boolean', help: 'Write into a non-empty folder (replaces only the files written; deletes nothing)' },
    { name: 'json', type: 'boolean', help: 'Print the result as JSON' },
  ],
  examples: ['ligo export ./runs/bert-grown --format hf --out ./bert-grown-hf', 'ligo export cait.safetensors --format timm --out ./cait-export'],
  run: async (flags, context) => {
    if (flags.format === undefined) throw new UsageError('--format hf|timm is required.', 'export')
    if (flags.out === undefined) throw new UsageError('--out <dir> is required.', 'export')
    return runExport(flags, context)
  },
}
