/**
 * The files of one training checkpoint (a folder that run-folder.ts writes atomically):
 *   model.safetensors      weights under canonical names (docs/formats/checkpoints.md §5), F32, metadata {format: pt}
 *   optimizer.safetensors  AdamW moments as `<name>.exp_avg` / `<name>.exp_avg_sq` (torch's state names)
 *   trainer-state.json     step, cumulative counters, data iterator position, RNG seeds, optimizer step
 *   config.json            the model config
 * Float32 values round-trip bit for bit, so a resumed run continues exactly where the checkpoint was taken.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs-core'
import type { IteratorState } from '../data'
import { openSafetensors, writeSafetensors, type TensorToWrite } from '../io/formats/safetensors'
import type { ModelConfig } from '../models/config'
import type { AdamWState } from './adamw'

export const MODEL_FILE = 'model.safetensors'
export const OPTIMIZER_FILE = 'optimizer.safetensors'
export const TRAINER_STATE_FILE = 'trainer-state.json'
export const CONFIG_FILE = 'config.json'

/** Cumulative over the whole run, across resumes. */
export interface RunCounters {
  examples: number
  tokens: number
  flops: number
  wallSeconds: number
  cpuSeconds: number
}

export interface TrainerState {
  format: 'ligo-trainer-state'
  version: 1
  /** Optimizer updates done. */
  step: number
  counters: RunCounters
  /** Position of the training batch iterator (its order and MLM masks derive from the seed and this). */
  iterator: IteratorState
  /** The run is a pure function of these: data order/masks from seed, dropout masks from hash32(seed, step). */
  rng: { seed: number; dropoutSeed: 'hash32(seed, step)' }
  optimizer: { step: number; beta1: number; beta2: number; epsilon: number; weightDecay: number }
}

export interface LoadedCheckpoint {
  state: TrainerState
  config: ModelConfig
  /** Canonical name -> values and shape. */
  weights: Record<string, { shape: number[]; data: Float32Array }>
  optimizer: AdamWState
}

export class CheckpointError extends Error {
  constructor(dir: string, problem: string) {
    super(`Checkpoint ${dir}: ${problem}`)
    this.name = 'CheckpointError'
  }
}

async function tensorsToWrite(entries: Array<[string, tf.Tensor]>): Promise<TensorToWrite[]> {
  const out: TensorToWrite[] = []
  for (const [name, t] of entries) out.push({ name, dtype: 'F32', shape: t.shape, data: (await t.data()) as Float32Array })
  return out
}

export async function writeCheckpointFiles(
  dir: string,
  contents: { params: Readonly<Record<string, tf.Tensor>>; config: ModelConfig; optimizer: AdamWState; state: TrainerState },
): Promise<void> {
  await writeSafetensors(join(dir, MODEL_FILE), await tensorsToWrite(Object.entries(contents.params)), { format: 'pt' })
  const moments: TensorToWrite[] = contents.optimizer.slots.flatMap((s) => [
    { name: `${s.name}.exp_avg`, dtype: 'F32' as const, shape: s.shape, data: s.m },
    { name: `${s.name}.exp_avg_sq`, dtype: 'F32' as const, shape: s.shape, data: s.v },
  ])
  await writeSafetensors(join(dir, OPTIMIZER_FILE), moments, { format: 'pt', step: String(contents.optimizer.step) })
  // The folder is renamed into place afterwards and fsync'd as a whole, so plain writes are enough here.
  writeFileSync(join(dir, TRAINER_STATE_FILE), JSON.stringify(contents.state, null, 2) + '\n')
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(contents.config, null, 2) + '\n')
}

function readJson<T>(dir: string, file: string): T {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T
  } catch (error) {
    throw new CheckpointError(dir, `cannot read ${file}: ${(error as Error).message}`)
  }
}

export async function readCheckpointFiles(dir: string): Promise<LoadedCheckpoint> {
  const state = readJson<TrainerState>(dir, TRAINER_STATE_FILE)
  if (state.format !== 'ligo-trainer-state' || state.version !== 1) throw new CheckpointError(dir, `${TRAINER_STATE_FILE} is not a version-1 trainer state`)
  const config = readJson<ModelConfig>(dir, CONFIG_FILE)
  const model = await openSafetensors(join(dir, MODEL_FILE))
  const weights: LoadedCheckpoint['weights'] = {}
  for (const [name, info] of model.tensors) weights[name] = { shape: [...info.shape], data: (await model.readTensor(name)).toFloat32() }
  const moments = await openSafetensors(join(dir, OPTIMIZER_FILE))
  const slots: AdamWState['slots'] = []
  for (const name of Object.keys(weights)) {
    const m = `${name}.exp_avg`
    const v = `${name}.exp_avg_sq`
    if (!moments.tensors.has(m) || !moments.tensors.has(v)) throw new CheckpointError(dir, `${OPTIMIZER_FILE} has no moments for ${name}`)
    slots.push({ name, shape: weights[name].shape, m: (await moments.readTensor(m)).toFloat32(), v: (await moments.readTensor(v)).toFloat32() })
  }
  return { state, config, weights, optimizer: { step: state.optimizer.step, slots } }
}
