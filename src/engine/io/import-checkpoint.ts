/**
 * Imports a checkpoint (a folder or a single weights file) into canonical parameters (docs/formats/checkpoints.md §5):
 * finds the weights and the sibling config.json / tokenizer files, detects the architecture from the names,
 * builds the ModelConfig from shapes + config.json (telling the user what it assumed), maps every tensor through
 * the class's name map and checks the result against the family's shape table.
 *
 * `openCheckpoint` reads headers only (for `ligo inspect`); `importCheckpoint` also reads the values.
 */
import { existsSync, statSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { parameterShapes } from '../models/shapes'
import type { FamilyName, ModelConfig } from '../models/config'
import { detectArchitecture, wrapperPrefix, type Detection, type TaskHead } from './detect'
import { formatShape } from './formats/errors'
import { openCheckpointFile } from './formats/open-checkpoint'
import type { DType, FloatDType } from './formats/dtypes'
import type { CheckpointReader } from './formats/types'
import { buildConfig, statedSizes, type JsonObject } from './hf-config'
import { boundRulesFor, exportShape, ignoredReason, importShapes, matchFileName, toCanonical, type BoundRule, type ClassLayout, type ShapedArray } from './names'

/** Weight files looked for in a folder, in the order transformers/timm look for them. */
export const WEIGHT_FILE_ORDER = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json', 'open_clip_pytorch_model.bin']
/** Files carried over with an export: tokenizers and preprocessing settings. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'spiece.model',
  'sentencepiece.bpe.model',
  'preprocessor_config.json',
  'generation_config.json',
]

/** A checkpoint that cannot be imported: missing or misshaped tensors, a config that contradicts the weights. */
export class CheckpointImportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CheckpointImportError'
    Object.setPrototypeOf(this, CheckpointImportError.prototype)
  }
}

export interface CheckpointFiles {
  /** The weights file (or *.index.json of a sharded checkpoint). */
  readonly weights: string
  readonly folder: string
  readonly configPath: string | null
  /** Tokenizer / preprocessing files found beside the weights. */
  readonly tokenizerFiles: readonly string[]
}

export interface FileTensorSummary {
  readonly name: string
  readonly dtype: DType
  readonly shape: readonly number[]
  /** Canonical name(s) it maps to; [] for ignored or unexpected tensors. */
  readonly canonical: readonly string[]
  /** Why it is skipped (buffer, tied copy, unused head), or null. */
  readonly ignored: string | null
}

/** Everything known from the headers: what `ligo inspect` prints and what importCheckpoint reads from. */
export interface CheckpointPlan {
  readonly files: CheckpointFiles
  readonly reader: CheckpointReader
  readonly configJson: JsonObject | null
  readonly detection: Detection
  readonly family: FamilyName
  readonly layout: ClassLayout
  readonly head: TaskHead
  readonly config: ModelConfig
  readonly tensors: readonly FileTensorSummary[]
  /** Rules bound to the file tensors that hold the model's parameters. */
  readonly bound: readonly BoundRule[]
  /** Canonical parameters the file lacks that are initialised (heads of bare models), with how. */
  readonly initialised: readonly string[]
  /** Tensor count by dtype. */
  readonly dtypes: Readonly<Partial<Record<DType, number>>>
  readonly warnings: readonly string[]
  readonly assumptions: readonly string[]
}

export interface ImportedCheckpoint {
  readonly family: FamilyName
  readonly config: ModelConfig
  /** Canonical name -> float32 values, exactly the family's parameterShapes(config). */
  readonly params: Record<string, ShapedArray>
  /** The class the weights were saved as (e.g. 'BertLMHeadModel', 'timm Cait (cait_*)'). */
  readonly sourceClass: string
  readonly library: 'transformers' | 'timm'
  readonly head: TaskHead
  readonly files: CheckpointFiles
  readonly configJson: JsonObject | null
  /** The folder holding the tokenizer files, or null when there are none. */
  readonly tokenizerPath: string | null
  /** The float dtype every parameter tensor had in the file (exports keep it by default), or null when mixed. */
  readonly sourceDtype: FloatDType | null
  readonly warnings: readonly string[]
  readonly assumptions: readonly string[]
}

/** Finds the weights, config.json and tokenizer files for a folder or a single file. */
export async function locateCheckpoint(path: string): Promise<CheckpointFiles> {
  const target = resolve(path)
  if (!existsSync(target)) throw new CheckpointImportError(`${path}: no such file or folder`)
  let weights: string
  let folder: string
  if (statSync(target).isDirectory()) {
    folder = target
    const entries = await readdir(folder)
    const known = WEIGHT_FILE_ORDER.find((name) => entries.includes(name))
    const other = entries.filter((name) => /\.(safetensors|bin|pth|pt)$/i.test(name) && !/^model-\d+-of-\d+\.safetensors$/.test(name)).sort()
    const chosen = known ?? (other.length === 1 ? other[0] : undefined)
    if (!chosen) {
      throw new CheckpointImportError(
        other.length > 1
          ? `${path}: several weight files (${other.join(', ')}) and no model.safetensors; name the file to import`
          : `${path}: no weights found (looked for ${WEIGHT_FILE_ORDER.join(', ')} and any *.safetensors, *.bin, *.pth, *.pt)`,
      )
    }
    weights = join(folder, chosen)
  } else {
    weights = target
    folder = dirname(target)
  }
  const siblings = new Set(await readdir(folder))
  return {
    weights,
    folder,
    configPath: siblings.has('config.json') ? join(folder, 'config.json') : null,
    tokenizerFiles: TOKENIZER_FILES.filter((name) => siblings.has(name)).map((name) => join(folder, name)),
  }
}

async function readConfigJson(path: string | null): Promise<JsonObject | null> {
  if (path === null) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new CheckpointImportError(`${basename(path)}: not valid JSON (${(error as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CheckpointImportError(`${basename(path)}: expected a JSON object`)
  return parsed as JsonObject
}

/** HF LayerNorm legacy names: transformers renames gamma -> weight and beta -> bias on load (never for timm). */
function modernLayerNormName(name: string): string {
  return name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias')
}

/** Reads headers, detects, maps names and builds the config; reads no tensor values. */
export async function openCheckpoint(path: string): Promise<CheckpointPlan> {
  const files = await locateCheckpoint(path)
  const reader = await openCheckpointFile(files.weights)
  const configJson = await readConfigJson(files.configPath)
  const where = basename(files.weights)
  const warnings: string[] = []

  const wrapper = wrapperPrefix([...reader.tensors.keys()])
  if (wrapper) warnings.push(`every tensor name starts with "${wrapper}" (a training wrapper); it was stripped`)
  // name as the class sees it -> name in the file
  const fileNames = new Map<string, string>()
  const shapes = new Map<string, readonly number[]>()
  for (const info of reader.tensors.values()) {
    const name = info.name.slice(wrapper.length)
    fileNames.set(name, info.name)
    shapes.set(name, info.shape)
  }
  const detection = detectArchitecture(shapes, configJson)
  const { layout, family } = detection
  warnings.push(...detection.warnings)
  if (!configJson) warnings.push('no config.json beside the weights: the configuration was inferred from the tensor shapes')

  // Map every tensor to a rule, an ignore reason, or an "unexpected" warning.
  const tensors: FileTensorSummary[] = []
  const bound: BoundRule[] = []
  const canonicalShapes = new Map<string, number[]>()
  const canonicalSource = new Map<string, FileSide>()
  const dtypes: Partial<Record<DType, number>> = {}
  let renamedLegacy = 0
  for (const [name, fileName] of fileNames) {
    const info = reader.tensors.get(fileName)!
    dtypes[info.dtype] = (dtypes[info.dtype] ?? 0) + 1
    let className = name
    if (layout.legacyGammaBeta && /LayerNorm\.(gamma|beta)$/.test(name)) {
      className = modernLayerNormName(name)
      renamedLegacy++
    }
    const ignored = ignoredReason(layout, className)
    const rule = ignored === null ? matchFileName(layout, className) : null
    if (rule) {
      const fileBound: BoundRule = { ...rule, file: fileName }
      importShapes(rule, info.shape).forEach((shape, n) => {
        canonicalShapes.set(rule.canonical[n], shape)
        canonicalSource.set(rule.canonical[n], { bound: fileBound, shape: info.shape })
      })
      bound.push(fileBound)
    } else if (ignored === null) {
      warnings.push(`unexpected tensor ${fileName} ${formatShape(info.shape)}: not part of ${layout.className}; ignored`)
    }
    tensors.push({ name: fileName, dtype: info.dtype, shape: info.shape, canonical: rule?.canonical ?? [], ignored })
  }
  if (renamedLegacy > 0) warnings.push(`${renamedLegacy} legacy LayerNorm gamma/beta names were read as weight/bias`)

  // Ties: transformers re-ties the decoder to the word embeddings unless tie_word_embeddings is false (§1.6).
  const tie = configJson?.tie_word_embeddings !== false
  if (tie && canonicalShapes.has('head.lm.weight')) {
    warnings.push(`${canonicalSource.get('head.lm.weight')!.bound.file} is stored, but the weights are tied (tie_word_embeddings is not false): the word embeddings are used, as transformers does`)
    canonicalShapes.delete('head.lm.weight')
    const index = bound.findIndex((b) => b.canonical[0] === 'head.lm.weight')
    bound.splice(index, 1)
  }

  let built
  try {
    built = buildConfig(family, layout.library, canonicalShapes, configJson, where)
  } catch (error) {
    throw new CheckpointImportError((error as Error).message)
  }
  const { config } = built
  const assumptions = [...built.assumptions]

  checkStatedSizes(config, configJson, canonicalShapes, canonicalSource)
  const initialised = checkShapes(config, layout, canonicalShapes, canonicalSource, where)
  for (const name of initialised) {
    if (family === 'deit' && name.startsWith('head.dist.') && canonicalShapes.has('head.cls.weight')) {
      warnings.push(`${layout.className} has one classifier; the engine's DeiT averages two heads, so ${name} starts as a copy of head.cls and outputs can differ from transformers'`)
    } else {
      warnings.push(`${name} is not in the checkpoint (${layout.className} has no such head): initialised (weights normal(0, ${config.initializerRange}), biases 0)`)
    }
  }
  return { files, reader, configJson, detection, family, layout, head: detection.head, config, tensors, bound, initialised, dtypes, warnings: dedupe(warnings), assumptions }
}

const dedupe = (list: string[]): string[] => [...new Set(list)]

/** Where a canonical parameter comes from: its file tensor (bound rule) and that tensor's shape in the file. */
interface FileSide {
  readonly bound: BoundRule
  readonly shape: readonly number[]
}

/** The file shape a rule's tensor must have when its canonical parts have `expected` shapes. */
function expectedFileShape(side: FileSide, expected: Readonly<Record<string, number[]>>): number[] | null {
  const parts = side.bound.canonical.map((name) => expected[name])
  return parts.every((p) => p !== undefined) ? exportShape(side.bound.rule, parts) : null
}

/** config.json sizes must agree with the tensors; the message names the first tensor that disagrees. */
function checkStatedSizes(config: ModelConfig, json: JsonObject | null, shapes: Map<string, number[]>, source: Map<string, FileSide>): void {
  for (const { field, stated, actual } of statedSizes(config.family, json, config)) {
    if (stated === actual) continue
    const key = Object.keys(config).find((k) => (config as unknown as Record<string, unknown>)[k] === actual && configKeyFor(field) === k)
    let tensorNote = ''
    if (key) {
      const implied = parameterShapes({ ...config, [key]: stated } as ModelConfig)
      // In the family's table order, so the message names the embedding or first block before the head.
      const differing = Object.keys(implied).find((name) => shapes.has(name) && implied[name].join() !== shapes.get(name)!.join())
      const side = differing === undefined ? undefined : source.get(differing)
      const want = side && expectedFileShape(side, implied)
      if (side && want) tensorNote = `: tensor ${side.bound.file} has shape ${formatShape(side.shape)}, config.json implies ${formatShape(want)}`
    }
    throw new CheckpointImportError(`config.json says ${field} ${stated} but the weights have ${actual}${tensorNote}`)
  }
}

const CONFIG_KEYS: Record<string, string> = {
  n_embd: 'hiddenSize', hidden_size: 'hiddenSize', 'model_args.embed_dim': 'hiddenSize',
  n_layer: 'numLayers', num_hidden_layers: 'numLayers', 'model_args.depth': 'numLayers',
  vocab_size: 'vocabSize', n_positions: 'maxPositions', max_position_embeddings: 'maxPositions',
  n_inner: 'intermediateSize', intermediate_size: 'intermediateSize', type_vocab_size: 'typeVocabSize',
  image_size: 'imageSize', 'model_args.img_size': 'imageSize', patch_size: 'patchSize', 'model_args.patch_size': 'patchSize', num_channels: 'numChannels',
}
const configKeyFor = (field: string): string | undefined => CONFIG_KEYS[field]

/**
 * Every tensor must have the shape the config implies (the message names the file tensor and both shapes);
 * missing body tensors are an error; missing head tensors are returned to be initialised.
 */
function checkShapes(config: ModelConfig, layout: ClassLayout, shapes: Map<string, number[]>, source: Map<string, FileSide>, where: string): string[] {
  const expected = parameterShapes(config)
  for (const [name, shape] of shapes) {
    const want = expected[name]
    if (want && want.join() !== shape.join()) {
      const side = source.get(name)!
      throw new CheckpointImportError(
        `${where}: shape mismatch for ${side.bound.file}: the file has ${formatShape(side.shape)}, the ${config.family} config (${describeSizes(config)}) needs ${formatShape(expectedFileShape(side, expected) ?? want)}`,
      )
    }
  }
  const fileOf = new Map(boundRulesFor(layout, config).flatMap((b) => b.canonical.map((c) => [c, b.file] as const)))
  const missing = Object.keys(expected).filter((name) => !shapes.has(name))
  const missingBody = missing.filter((name) => !name.startsWith('head.'))
  if (missingBody.length > 0) {
    const listed = missingBody.map((name) => fileOf.get(name) ?? name)
    throw new CheckpointImportError(
      `${where}: ${missingBody.length} tensor${missingBody.length === 1 ? '' : 's'} missing for ${layout.className}: ${[...new Set(listed)].slice(0, 8).join(', ')}${listed.length > 8 ? ', ...' : ''}`,
    )
  }
  return missing
}

function describeSizes(config: ModelConfig): string {
  return `H ${config.hiddenSize}, L ${config.numLayers}, A ${config.numHeads}, I ${config.intermediateSize}`
}

/** Seeded normal values for initialised heads (mulberry32 + Box–Muller): same numbers on every run. */
function normalValues(count: number, std: number, seed: number): Float32Array {
  let state = seed >>> 0
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297
  }
  const out = new Float32Array(count)
  for (let k = 0; k < count; k++) out[k] = std * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
  return out
}

/** Reads every tensor value and returns canonical parameters (float32). */
export async function importCheckpoint(path: string, options: { seed?: number } = {}): Promise<ImportedCheckpoint> {
  const plan = await openCheckpoint(path)
  const params: Record<string, ShapedArray> = {}
  for (const b of plan.bound) {
    const loaded = await plan.reader.readTensor(b.file)
    const values = toCanonical(b, { shape: loaded.shape, data: loaded.toFloat32() })
    // Own the buffer: F32 data may be a view of a larger read, and callers keep these arrays.
    values.forEach((v, n) => (params[b.canonical[n]] = { shape: v.shape, data: v.data.slice() }))
  }
  await checkTiedCopy(plan, params)
  const shapes = parameterShapes(plan.config)
  for (const name of plan.initialised) {
    const shape = shapes[name]
    const count = shape.reduce((a, b) => a * b, 1)
    const copyOf = name.replace(/^head\.dist\./, 'head.cls.')
    if (copyOf !== name && params[copyOf]) params[name] = { shape, data: params[copyOf].data.slice() }
    else if (name.endsWith('.bias')) params[name] = { shape, data: new Float32Array(count) }
    else params[name] = { shape, data: normalValues(count, plan.config.initializerRange, (options.seed ?? 0) + name.length * 7919) }
  }
  const dtypes = new Set(plan.bound.map((b) => plan.reader.tensors.get(b.file)!.dtype))
  const [only] = dtypes
  const sourceDtype = dtypes.size === 1 && (only === 'F32' || only === 'F16' || only === 'BF16' || only === 'F64') ? only : null
  const tokenizerPath = plan.files.tokenizerFiles.some((f) => !/(preprocessor|generation)_config\.json$/.test(f)) ? plan.files.folder : null
  return {
    family: plan.family,
    config: plan.config,
    params,
    sourceClass: plan.layout.className,
    library: plan.layout.library,
    head: plan.head,
    files: plan.files,
    configJson: plan.configJson,
    tokenizerPath,
    sourceDtype,
    warnings: plan.warnings,
    assumptions: plan.assumptions,
  }
}

/** A stored decoder copy that is tied away must match the word embeddings, else the user is told. */
async function checkTiedCopy(plan: CheckpointPlan, params: Record<string, ShapedArray>): Promise<void> {
  const stored = plan.tensors.find((t) => /(^|\.)(cls\.predictions\.decoder|lm_head\.decoder|lm_head)\.weight$/.test(t.name) && t.canonical.length > 0)
  if (!stored || params['head.lm.weight'] || !params['embed.tok.weight']) return
  const values = (await plan.reader.readTensor(stored.name)).toFloat32()
  const tok = params['embed.tok.weight'].data
  if (values.length === tok.length && values.some((v, k) => v !== tok[k])) {
    ;(plan.warnings as string[]).push(`${stored.name} differs from the word embeddings although the weights are tied; it was not used`)
  }
}
