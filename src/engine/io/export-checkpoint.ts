/**
 * Exports canonical parameters as a folder that transformers or timm loads as it is (docs/formats/checkpoints.md §0,
 * §1.4–1.7, §2): model.safetensors (or shards + index above a size limit) with __metadata__ {format: pt}, the
 * exact key set of the target class (tied tensors omitted), config.json with the model's sizes, the tokenizer
 * files carried over and a README on loading and continuing training. Also `exportOperator` for LiGO operators.
 *
 * Every file is written atomically; source files are never overwritten; a non-empty output folder is refused
 * unless `force` (and even then only the files this export writes are replaced; nothing is deleted).
 */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { parameterShapes } from '../models/shapes'
import { isVisionConfig, validateConfig, type ModelConfig } from '../models/config'
import { writeFileAtomic } from './atomic-write'
import { formatShape } from './formats/errors'
import type { FloatDType } from './formats/dtypes'
import { shardedLayout, writeSafetensorsSharded } from './formats/safetensors-index'
import { writeSafetensors, type TensorToWrite } from './formats/safetensors'
import { hfConfigJson, timmConfigJson, type JsonObject } from './hf-config'
import { DEFAULT_EXPORT_CLASS, boundRulesFor, fileShapes, findClassLayout, formatOf, toFile, type ClassLayout, type ExportFormat, type ShapedArray } from './names'

/** transformers v4's default max_shard_size ("5GB", decimal). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000

export interface ExportableModel {
  readonly config: ModelConfig
  /** Canonical name -> values; must be exactly parameterShapes(config). */
  readonly params: Readonly<Record<string, ShapedArray>>
  /** The class the model was imported as; kept when it belongs to the requested format. */
  readonly sourceClass?: string
  /** Stored dtype of the source weights; the export keeps it unless `dtype` says otherwise. */
  readonly sourceDtype?: FloatDType | null
  /** The source config.json, for labels and token ids that still fit. */
  readonly configJson?: JsonObject | null
  /** Tokenizer / preprocessing files to copy into the export. */
  readonly tokenizerFiles?: readonly string[]
  /** Files the export must never overwrite (the source checkpoint's weights, config, tokenizer). */
  readonly sourceFiles?: readonly string[]
}

export interface ExportOptions {
  readonly format: ExportFormat
  readonly outDir: string
  /** Target class (e.g. 'BertForMaskedLM'); default: the source class if it fits, else the family default. */
  readonly className?: string
  /** Write into a non-empty folder (replacing only the files this export writes). */
  readonly force?: boolean
  readonly maxShardBytes?: number
  /** Stored dtype of the weights (default: the source's, else F32). */
  readonly dtype?: FloatDType
  /** Extra provenance strings for __metadata__ (source checkpoint, growth recipe, app version). */
  readonly provenance?: Readonly<Record<string, string>>
}

export interface ExportResult {
  readonly outDir: string
  readonly className: string
  readonly format: ExportFormat
  /** Every file written, in order. */
  readonly files: readonly string[]
  /** File tensor name -> shape, exactly what the weights hold. */
  readonly keys: ReadonlyMap<string, number[]>
  readonly warnings: readonly string[]
}

/** An export that cannot be done as asked; the message says why and what to do. */
export class CheckpointExportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CheckpointExportError'
    Object.setPrototypeOf(this, CheckpointExportError.prototype)
  }
}

/** The class to write: explicit, else the source class when it fits the format and family, else the default. */
export function chooseExportClass(config: ModelConfig, format: ExportFormat, className?: string, sourceClass?: string): ClassLayout {
  const fits = (layout: ClassLayout | undefined): layout is ClassLayout => !!layout && formatOf(layout) === format && layout.families.includes(config.family) && layout.heads.length > 0
  if (className !== undefined) {
    const layout = findClassLayout(className)
    if (!layout) throw new CheckpointExportError(`unknown export class "${className}"`)
    if (!fits(layout)) throw new CheckpointExportError(`${className} cannot hold a ${config.family} model in ${format} format`)
    return layout
  }
  const source = sourceClass === undefined ? undefined : findClassLayout(sourceClass)
  if (source && formatOf(source) === format && source.families.includes(config.family)) return source
  const fallback = DEFAULT_EXPORT_CLASS[config.family][format]
  if (!fallback) {
    const other = format === 'hf' ? 'timm' : 'hf'
    throw new CheckpointExportError(`a ${config.family} model cannot be exported in ${format} format (${format === 'hf' ? 'transformers has no such class' : 'timm has no such model'}); use \`format\` ${other}`)
  }
  return fallback
}

/** Params must match the config's shape table exactly; the message names each tensor with both shapes. */
export function checkExportParams(config: ModelConfig, params: Readonly<Record<string, ShapedArray>>): void {
  const expected = parameterShapes(config)
  const problems: string[] = []
  for (const [name, shape] of Object.entries(expected)) {
    const got = params[name]
    if (!got) problems.push(`missing ${name} ${formatShape(shape)}`)
    else if (got.shape.join() !== shape.join()) problems.push(`${name} has shape ${formatShape(got.shape)}, the config needs ${formatShape(shape)}`)
    else if (got.data.length !== shape.reduce((a, b) => a * b, 1)) problems.push(`${name} holds ${got.data.length} values for shape ${formatShape(shape)}`)
  }
  for (const name of Object.keys(params)) if (!(name in expected)) problems.push(`unexpected parameter ${name}`)
  if (problems.length > 0) throw new CheckpointExportError(`the parameters do not match the ${config.family} config: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? '; ...' : ''}`)
}

/** The file tensors of the class for these params (names, shapes, values), in rule order. */
export function exportTensors(layout: ClassLayout, config: ModelConfig, params: Readonly<Record<string, ShapedArray>>, dtype: FloatDType = 'F32'): TensorToWrite[] {
  return boundRulesFor(layout, config).map((b) => {
    const { shape, data } = toFile(b, b.canonical.map((name) => params[name]))
    return { name: b.file, dtype, shape, data }
  })
}

async function prepareOutDir(outDir: string, force: boolean): Promise<void> {
  const info = await stat(outDir).catch(() => null)
  if (info && !info.isDirectory()) throw new CheckpointExportError(`${outDir} exists and is not a folder`)
  if (info) {
    const entries = (await readdir(outDir)).filter((name) => !name.startsWith('.'))
    if (entries.length > 0 && !force) {
      throw new CheckpointExportError(`${outDir} is not empty (${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', ...' : ''}); choose an empty folder or pass \`force\` to replace the files this export writes`)
    }
  }
  await mkdir(outDir, { recursive: true })
}

/** One file of an export and its exact size, known before anything is written. */
export interface PlannedExportFile {
  readonly path: string
  readonly bytes: number
}

/** What an export will write: every file with its size, the README's text, the class and the warnings. */
export interface ExportPlanned {
  readonly outDir: string
  readonly className: string
  readonly format: ExportFormat
  readonly dtype: FloatDType
  /** In writing order (the order of ExportResult.files). */
  readonly files: readonly PlannedExportFile[]
  readonly readme: string
  readonly warnings: readonly string[]
}

/** Everything an export decides before writing: checks, class, file layout, texts, sizes (planExport and exportCheckpoint). */
async function prepareExport(model: ExportableModel, options: ExportOptions) {
  const config = validateConfig(model.config)
  const layout = chooseExportClass(config, options.format, options.className, model.sourceClass)
  checkExportParams(config, model.params)
  const warnings: string[] = []
  const exported = new Set(boundRulesFor(layout, config).flatMap((b) => b.canonical))
  const dropped = Object.keys(model.params).filter((name) => !exported.has(name))
  const droppable = new Set(layout.drops ?? [])
  const notHeld = dropped.filter((name) => !droppable.has(name))
  if (notHeld.length > 0) throw new CheckpointExportError(`${layout.className} has no place for ${notHeld.join(', ')}; choose another class`)
  if (dropped.length > 0) warnings.push(`${layout.className} does not hold ${dropped.join(', ')}: not exported`)

  const dtype = options.dtype ?? model.sourceDtype ?? 'F32'
  if (options.format === 'timm' && config.layerNormEps !== 1e-6) {
    warnings.push(`timm hard-codes LayerNorm eps 1e-6; this model was trained with ${config.layerNormEps}, so outputs in timm differ slightly`)
  }
  // The file tensors by name, dtype and shape (docs/formats/checkpoints.md §2.7): the values are converted only when written.
  const specs = [...fileShapes(layout, config)].map(([name, shape]) => ({ name, dtype, shape }))
  const outDir = resolve(options.outDir)
  const metadata: Record<string, string> = { format: 'pt', ...(options.provenance ?? {}) }
  const weights = shardedLayout(outDir, specs, metadata, options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES)

  const configJson = isVisionConfig(config) && options.format === 'timm' ? timmConfigJson(config, model.configJson ?? null) : hfConfigJson(config, layout.className, model.configJson ?? null)
  if (dtype !== 'F32' && options.format === 'hf') configJson.torch_dtype = dtype === 'F16' ? 'float16' : dtype === 'BF16' ? 'bfloat16' : 'float64'
  const configText = Buffer.from(`${JSON.stringify(configJson, null, 2)}\n`)
  const tokenizerCopies = await Promise.all((model.tokenizerFiles ?? []).map(async (source) => ({ source, target: join(outDir, basename(source)), bytes: (await stat(source)).size })))
  const readme = exportReadme(config, layout, configJson, weights.index !== null)
  const readmeBytes = Buffer.from(readme)
  const files: PlannedExportFile[] = [
    ...weights.shards.map(({ path, bytes }) => ({ path, bytes })),
    ...(weights.index ? [{ path: weights.index.path, bytes: Buffer.byteLength(weights.index.text) }] : []),
    { path: join(outDir, 'config.json'), bytes: configText.length },
    ...tokenizerCopies.map(({ target, bytes }) => ({ path: target, bytes })),
    { path: join(outDir, 'README.md'), bytes: readmeBytes.length },
  ]
  return { config, layout, dtype, warnings, outDir, metadata, configText, tokenizerCopies, readmeBytes, readme, files }
}

/** The files an export would write, with their sizes, without writing anything (the export dialog's plan). */
export async function planCheckpointExport(model: ExportableModel, options: ExportOptions): Promise<ExportPlanned> {
  const { layout, dtype, warnings, outDir, files, readme } = await prepareExport(model, options)
  return { outDir, className: layout.className, format: options.format, dtype, files, readme, warnings }
}

export async function exportCheckpoint(model: ExportableModel, options: ExportOptions): Promise<ExportResult> {
  const prepared = await prepareExport(model, options)
  const { config, layout, dtype, outDir, metadata } = prepared
  const tensors = exportTensors(layout, config, model.params, dtype)
  // Self-check against the key set computed from the config (docs/formats/checkpoints.md §2.7).
  const expected = fileShapes(layout, config)
  const names = new Set(tensors.map((t) => t.name))
  if (names.size !== expected.size || tensors.some((t) => expected.get(t.name)?.join() !== t.shape.join())) {
    throw new CheckpointExportError(`internal error: the ${layout.className} key set does not match its own table`)
  }

  const protectedPaths = [...(model.sourceFiles ?? []), ...(model.tokenizerFiles ?? [])]
  await prepareOutDir(outDir, options.force ?? false)
  const files: string[] = []
  const written = await writeSafetensorsSharded(outDir, tensors, metadata, { maxShardBytes: options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES, protectedPaths })
  files.push(...written.files)
  const configPath = join(outDir, 'config.json')
  await writeFileAtomic(configPath, prepared.configText, { protectedPaths })
  files.push(configPath)
  for (const { source, target } of prepared.tokenizerCopies) {
    await writeFileAtomic(target, await readFile(source), { protectedPaths })
    files.push(target)
  }
  const readmePath = join(outDir, 'README.md')
  await writeFileAtomic(readmePath, prepared.readmeBytes, { protectedPaths })
  files.push(readmePath)
  return { outDir, className: layout.className, format: options.format, files, keys: new Map(tensors.map((t) => [t.name, [...t.shape]])), warnings: prepared.warnings }
}

/** README.md of an export: what it is and how to load it / keep training it on several GPUs. */
export function exportReadme(config: ModelConfig, layout: ClassLayout, configJson: JsonObject, sharded: boolean): string {
  const sizes = `hidden ${config.hiddenSize}, ${config.numLayers} layers, ${config.numHeads} heads, MLP ${config.intermediateSize}`
  const weights = sharded ? '`model.safetensors.index.json` with its `model-XXXXX-of-YYYYY.safetensors` shards' : '`model.safetensors`'
  const lines = [`# ${config.family} model exported by LiGO Studio`, '', `Class: \`${layout.className}\` (${sizes}). Weights: ${weights}, float32 unless config.json says otherwise.`, '']
  if (layout.library === 'transformers') {
    const autoClass = config.family === 'gpt2' ? 'AutoModelForCausalLM' : config.family === 'bert' || config.family === 'roberta' ? 'AutoModelForMaskedLM' : 'AutoModelForImageClassification'
    lines.push(
      '## Load with transformers',
      '',
      '```python',
      `from transformers import ${autoClass}`,
      `model = ${autoClass}.from_pretrained("path/to/this/folder")`,
      '```',
      '',
      '## Continue training on several GPUs',
      '',
      'With accelerate (`accelerate config` once, then):',
      '',
      '```bash',
      config.family === 'gpt2'
        ? 'accelerate launch run_clm_no_trainer.py --model_name_or_path path/to/this/folder --dataset_name <dataset> --output_dir out'
        : config.family === 'bert' || config.family === 'roberta'
          ? 'accelerate launch run_mlm_no_trainer.py --model_name_or_path path/to/this/folder --dataset_name <dataset> --output_dir out'
          : 'accelerate launch run_image_classification_no_trainer.py --model_name_or_path path/to/this/folder --dataset_name <dataset> --output_dir out',
      '```',
      '',
      'or with torchrun and the Trainer scripts of transformers/examples/pytorch:',
      '',
      '```bash',
      `torchrun --nproc_per_node 8 ${config.family === 'gpt2' ? 'run_clm.py' : config.family === 'bert' || config.family === 'roberta' ? 'run_mlm.py' : 'run_image_classification.py'} --model_name_or_path path/to/this/folder --do_train --output_dir out`,
      '```',
    )
  } else {
    // Python literals (True/False), as timm's create_model kwargs and train.py --model-kwargs (ast.literal_eval) read them.
    const python = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : String(v))
    const kwargs = Object.entries(configJson.model_args as JsonObject).map(([k, v]) => [k, python(v)] as const)
    lines.push(
      '## Load with timm',
      '',
      '```python',
      'import timm',
      'model = timm.create_model("local-dir:path/to/this/folder", pretrained=True)  # timm >= 1.0.16',
      `# older timm: timm.create_model("${String(configJson.architecture)}", pretrained=False, ${kwargs.map(([k, v]) => `${k}=${v}`).join(', ')}, num_classes=${String(configJson.num_classes)})`,
      '#            then model.load_state_dict(safetensors.torch.load_file("model.safetensors"))',
      '```',
      '',
      '## Continue training on several GPUs',
      '',
      "timm's train.py runs under torchrun:",
      '',
      '```bash',
      `torchrun --nproc_per_node 8 train.py --data-dir <imagenet> --model ${String(configJson.architecture)} --pretrained --pretrained-path path/to/this/folder/model.safetensors --model-kwargs ${kwargs.map(([k, v]) => `${k}=${v}`).join(' ')}`,
      '```',
      '',
      'or `accelerate launch` around your own loop that builds the model as above.',
    )
  }
  lines.push('')
  return lines.join('\n')
}

/**
 * Writes a learned LiGO operator (or any set of named tensors) to `dir`: `operator.safetensors` with the
 * coefficients and `operator.json` with the caller's description plus the tensor list, so it can be inspected
 * or applied again. Same safety rules as exportCheckpoint.
 */
export async function exportOperator(
  dir: string,
  tensors: Readonly<Record<string, ShapedArray>>,
  description: JsonObject,
  options: { force?: boolean; protectedPaths?: readonly string[] } = {},
): Promise<{ files: string[] }> {
  const outDir = resolve(dir)
  await prepareOutDir(outDir, options.force ?? false)
  const list: TensorToWrite[] = Object.entries(tensors).map(([name, t]) => ({ name, dtype: 'F32', shape: [...t.shape], data: t.data }))
  const weightsPath = join(outDir, 'operator.safetensors')
  await writeSafetensors(weightsPath, list, { format: 'pt', content: 'ligo-operator' }, { protectedPaths: options.protectedPaths })
  const jsonPath = join(outDir, 'operator.json')
  const body = { ...description, tensors: Object.fromEntries(list.map((t) => [t.name, { shape: t.shape, dtype: t.dtype }])) }
  await writeFileAtomic(jsonPath, Buffer.from(`${JSON.stringify(body, null, 2)}\n`), { protectedPaths: options.protectedPaths })
  return { files: [weightsPath, jsonPath] }
}
