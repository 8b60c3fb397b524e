/**
 * Reads what the trainer writes (src/engine/train/run-folder.ts, checkpoint.ts) so `ligo export` can take a run:
 *   <run>/manifest.json                        { model: { config, ... }, ... }
 *   <run>/tokenizer.json, vocab.txt, ...       the tokenizer (text models)
 *   <run>/checkpoints/step-NNNNNNN/            model.safetensors (canonical names, F32), config.json (ModelConfig)
 * A run folder exports its latest checkpoint; a step-NNNNNNN folder exports itself. Anything else goes to
 * importCheckpoint (HF / timm / torch files).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { validateConfig, type ModelConfig } from '../models/config'
import { parameterShapes } from '../models/shapes'
import type { FloatDType } from './formats/dtypes'
import { formatShape } from './formats/errors'
import { openSafetensors } from './formats/safetensors'
import { CheckpointImportError, TOKENIZER_FILES, importCheckpoint } from './import-checkpoint'
import type { ShapedArray } from './names'

const STEP_FOLDER = /^step-(\d{7,})$/

/** What an export needs from any source: a config, canonical params, and what to carry over and protect. */
export interface ExportSource {
  readonly config: ModelConfig
  readonly params: Record<string, ShapedArray>
  readonly sourceClass?: string
  /** Stored dtype of the source weights, kept by default on export. */
  readonly sourceDtype?: FloatDType | null
  readonly configJson: Record<string, unknown> | null
  readonly tokenizerFiles: readonly string[]
  /** Files an export must never overwrite. */
  readonly sourceFiles: readonly string[]
  /** What was read, for messages: "run <dir>, step 1200" or the checkpoint path. */
  readonly description: string
  readonly warnings: readonly string[]
}

/** The newest complete checkpoint folder of a run (partial folders start with "." and are skipped). */
export function latestRunCheckpoint(runDir: string): { step: number; path: string } | null {
  const parent = join(runDir, 'checkpoints')
  if (!existsSync(parent)) return null
  const steps = readdirSync(parent)
    .map((name) => ({ name, match: STEP_FOLDER.exec(name) }))
    .filter((e) => e.match !== null)
    .map((e) => ({ step: Number(e.match![1]), path: join(parent, e.name) }))
    .sort((a, b) => a.step - b.step)
  return steps.at(-1) ?? null
}

const isRunFolder = (path: string): boolean => existsSync(join(path, 'manifest.json')) && existsSync(join(path, 'checkpoints'))
const isTrainingCheckpoint = (path: string): boolean => existsSync(join(path, 'trainer-state.json')) && existsSync(join(path, 'model.safetensors'))

/** A trainer checkpoint folder: canonical-name weights checked against the config's shape table. */
export async function importTrainingCheckpoint(checkpointDir: string, runDir: string | null): Promise<ExportSource> {
  const configPath = join(checkpointDir, 'config.json')
  const manifestPath = runDir === null ? null : join(runDir, 'manifest.json')
  let raw: unknown
  if (existsSync(configPath)) raw = JSON.parse(readFileSync(configPath, 'utf8'))
  else if (manifestPath && existsSync(manifestPath)) raw = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { model?: { config?: unknown } }).model?.config
  if (raw === undefined) throw new CheckpointImportError(`${checkpointDir}: no config.json and no run manifest with the model config`)
  let config: ModelConfig
  try {
    config = validateConfig(raw)
  } catch (error) {
    throw new CheckpointImportError(`${configPath}: ${(error as Error).message}`)
  }
  const weightsPath = join(checkpointDir, 'model.safetensors')
  const reader = await openSafetensors(weightsPath)
  const expected = parameterShapes(config)
  const params: Record<string, ShapedArray> = {}
  const missing = Object.keys(expected).filter((name) => !reader.tensors.has(name))
  if (missing.length > 0) throw new CheckpointImportError(`${weightsPath}: ${missing.length} parameters missing for the ${config.family} config: ${missing.slice(0, 8).join(', ')}`)
  const warnings: string[] = []
  for (const [name, info] of reader.tensors) {
    const want = expected[name]
    if (!want) {
      warnings.push(`unexpected tensor ${name} ${formatShape(info.shape)} in the training checkpoint; ignored`)
      continue
    }
    if (want.join() !== info.shape.join()) throw new CheckpointImportError(`${basename(weightsPath)}: shape mismatch for ${name}: the file has ${formatShape(info.shape)}, the config needs ${formatShape(want)}`)
    params[name] = { shape: [...info.shape], data: (await reader.readTensor(name)).toFloat32().slice() }
  }
  const folder = runDir ?? dirname(dirname(checkpointDir))
  const tokenizerFiles = TOKENIZER_FILES.map((name) => join(folder, name)).filter((path) => existsSync(path))
  return {
    config,
    params,
    configJson: null,
    tokenizerFiles,
    sourceFiles: [weightsPath, configPath, ...tokenizerFiles],
    description: `${runDir ? `run ${runDir}, ` : ''}checkpoint ${basename(checkpointDir)}`,
    warnings,
  }
}

/** Any source `ligo export` accepts: a run folder (latest checkpoint), a trainer checkpoint, or an HF/timm checkpoint. */
export async function importExportSource(path: string): Promise<ExportSource> {
  const target = resolve(path)
  if (existsSync(target) && statSync(target).isDirectory()) {
    if (isRunFolder(target)) {
      const latest = latestRunCheckpoint(target)
      if (!latest) throw new CheckpointImportError(`${path}: this run has no checkpoint yet (checkpoints/step-NNNNNNN); train until one is saved`)
      return importTrainingCheckpoint(latest.path, target)
    }
    if (isTrainingCheckpoint(target)) {
      const parent = dirname(dirname(target))
      return importTrainingCheckpoint(target, isRunFolder(parent) ? parent : null)
    }
  }
  const imported = await importCheckpoint(path)
  const { files } = imported
  return {
    config: imported.config,
    params: imported.params,
    sourceClass: imported.sourceClass,
    sourceDtype: imported.sourceDtype,
    configJson: imported.configJson,
    tokenizerFiles: files.tokenizerFiles,
    // Every weight/config file beside the source (shards of a sharded checkpoint included) is protected.
    sourceFiles: [files.weights, ...readdirSync(files.folder).filter((name) => /\.(safetensors|bin|pth|pt|json)$/i.test(name)).map((name) => join(files.folder, name)), ...files.tokenizerFiles],
    description: `${imported.sourceClass} checkpoint ${files.weights}`,
    warnings: [...imported.assumptions, ...imported.warnings],
  }
}
