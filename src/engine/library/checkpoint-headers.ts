/**
 * What a checkpoint holds, from its headers only (no tensor values are read, so a 500 MB file is described in
 * milliseconds): config, class, tensor table and bytes on disk, for every layout the resolver knows (HF / timm /
 * torch files through openCheckpoint; a run or trainer checkpoint through its canonical-name safetensors header).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { TensorRow } from '../../shared/models'
import { CheckpointImportError, openCheckpoint } from '../io/import-checkpoint'
import { openSafetensors } from '../io/formats/safetensors'
import { latestRunCheckpoint } from '../io/run-checkpoint'
import { validateConfig, type ModelConfig } from '../models/config'
import { parameterShapes } from '../models/shapes'
import type { CheckpointLayout } from './model-ref'

export interface CheckpointHeaders {
  config: ModelConfig
  /** The class the file was saved as, or "ligo training checkpoint" for canonical names. */
  sourceClass: string
  weightsPath: string
  tensors: TensorRow[]
  /** Bytes of the files read for the weights (all shards of a sharded checkpoint). */
  sizeBytes: number
  warnings: string[]
}

export const TRAINING_CHECKPOINT_CLASS = 'LiGO training checkpoint (canonical names)'

async function bytesOfFiles(paths: readonly string[]): Promise<number> {
  let total = 0
  for (const path of new Set(paths)) total += (await stat(path)).size
  return total
}

/** The shard files a sharded index points to, else the file itself. */
async function weightFiles(weightsPath: string): Promise<string[]> {
  if (!/\.index\.json$/i.test(weightsPath)) return [weightsPath]
  const index = JSON.parse(readFileSync(weightsPath, 'utf8')) as { weight_map?: Record<string, string> }
  const shards = [...new Set(Object.values(index.weight_map ?? {}))].map((name) => join(dirname(weightsPath), name))
  return [weightsPath, ...shards.filter((path) => existsSync(path))]
}

async function trainingCheckpointHeaders(checkpointDir: string, runDir: string | null): Promise<CheckpointHeaders> {
  const configPath = join(checkpointDir, 'config.json')
  let raw: unknown
  if (existsSync(configPath)) raw = JSON.parse(readFileSync(configPath, 'utf8'))
  else if (runDir) raw = (JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { model?: { config?: unknown } }).model?.config
  if (raw === undefined) throw new CheckpointImportError(`${checkpointDir}: no config.json and no run manifest with the model config`)
  const config = validateConfig(raw)
  const weightsPath = join(checkpointDir, 'model.safetensors')
  const reader = await openSafetensors(weightsPath)
  const expected = parameterShapes(config)
  const tensors: TensorRow[] = [...reader.tensors.values()].map((t) => ({
    name: t.name,
    shape: [...t.shape],
    dtype: t.dtype,
    bytes: t.byteLength,
    canonical: expected[t.name] ? [t.name] : [],
    ignored: expected[t.name] ? null : 'not a parameter of this config',
  }))
  const missing = Object.keys(expected).filter((name) => !reader.tensors.has(name))
  if (missing.length > 0) throw new CheckpointImportError(`${weightsPath}: ${missing.length} parameters missing for the ${config.family} config: ${missing.slice(0, 8).join(', ')}`)
  return { config, sourceClass: TRAINING_CHECKPOINT_CLASS, weightsPath, tensors, sizeBytes: statSync(weightsPath).size, warnings: [] }
}

export async function readCheckpointHeaders(path: string, layout: CheckpointLayout): Promise<CheckpointHeaders> {
  if (layout === 'run') {
    const latest = latestRunCheckpoint(path)
    if (!latest) throw new CheckpointImportError(`${path}: this run has no checkpoint yet (checkpoints/step-NNNNNNN)`)
    return trainingCheckpointHeaders(latest.path, path)
  }
  if (layout === 'training-checkpoint') {
    const runDir = dirname(dirname(path))
    return trainingCheckpointHeaders(path, existsSync(join(runDir, 'manifest.json')) ? runDir : null)
  }
  const plan = await openCheckpoint(path)
  const tensors: TensorRow[] = plan.tensors.map((t) => {
    const info = plan.reader.tensors.get(t.name)
    return { name: t.name, shape: [...t.shape], dtype: t.dtype, bytes: info?.byteLength ?? 0, canonical: [...t.canonical], ignored: t.ignored }
  })
  return {
    config: plan.config,
    sourceClass: plan.layout.className,
    weightsPath: plan.files.weights,
    tensors,
    sizeBytes: await bytesOfFiles(await weightFiles(plan.files.weights)),
    warnings: [...plan.assumptions, ...plan.warnings],
  }
}

/** Bytes of the regular files directly inside a folder (a card's "size on disk" for a folder import). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir)) {
    const info = await stat(join(dir, name))
    if (info.isFile()) total += info.size
  }
  return total
}
