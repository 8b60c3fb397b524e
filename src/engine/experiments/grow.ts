/**
 * One growth, written to disk (`ligo grow`, engine method `grow`): the small model grown into the large config
 * with a named method: its descriptor's prepare() (growth/methods/<name>.ts; LiGO first trains its operator
 * ~100 steps through the large model's loss with the trainer, then materialises it once, docs/growth/ligo.md),
 * then the files. Output:
 *   <out>/model/       the grown checkpoint in the family's HF layout (timm where HF has no class), with the small
 *                      model's tokenizer: `ligo inspect`, `ligo train --model` and transformers/timm load it
 *   <out>/operator/    LiGO only: operator.safetensors (coefficients) + operator.json (what each one multiplies)
 *   <out>/growth.json  method, source, target, operator-training cost and losses
 */
import { join, resolve } from 'node:path'
import type * as tf from '@tensorflow/tfjs-core'
import { DEFAULT_SPLIT, splitRecord, splitRecordJson, SPLIT_RECORD_FILE, type DataSplit } from '../data'
import { getGrowthMethod, GrowthError, growthTarget, resolveSettings, type PreparedGrowth } from '../growth'
import { exportCheckpoint, exportOperator } from '../io/export-checkpoint'
import { writeFileAtomic } from '../io/atomic-write'
import { DEFAULT_EXPORT_CLASS, type ShapedArray } from '../io/names'
import type { ModelConfig } from '../models/config'
import { parameterCount } from '../models/param-count'
import { getFamily } from '../models/registry'
import { TRAIN_DEFAULTS } from '../../shared/train'
import type { GrowParams, GrowResult, GrowthPhaseCost } from '../../shared/growth'
import { buildTrainingData, type TrainingData } from '../train/training-data'
import { disposePrepared, prepareMethod } from './method-plan'
import { disposeSmall, loadSmallModel, resolveLargeConfig } from './source'

export interface GrowCallbacks {
  signal?: AbortSignal
  onLog?(message: string): void
  onOperatorStep?(step: number, steps: number): void
}

/** Default data for operator training: the embedded text corpus, or MNIST for the vision families. */
export const defaultGrowthData = (config: ModelConfig): string => (getFamily(config.family).modality === 'text' ? 'moby-dick' : 'mnist')

async function shaped(params: Readonly<Record<string, tf.Tensor>>): Promise<Record<string, ShapedArray>> {
  const out: Record<string, ShapedArray> = {}
  for (const [name, t] of Object.entries(params)) out[name] = { shape: [...t.shape], data: (await t.data()) as Float32Array }
  return out
}

export async function growCheckpoint(params: GrowParams, callbacks: GrowCallbacks = {}): Promise<GrowResult> {
  const seed = params.seed ?? TRAIN_DEFAULTS.seed
  const out = resolve(params.out)
  const method = getGrowthMethod(params.method)
  const settings = resolveSettings(method, params.settings)
  const small = await loadSmallModel(params.from, seed)
  let prepared: PreparedGrowth | null = null
  try {
    // The method may adjust the config it grows into (LEMON's LayerNorm eps); the written config is that one.
    const large = growthTarget(method, small.config, resolveLargeConfig(params.to, small.config), settings)
    const support = method.supports(small.config, large)
    if (!support.ok) throw new GrowthError(`Cannot grow with ${method.name}: ${support.reason}`)
    const notes: string[] = []
    let split: DataSplit = DEFAULT_SPLIT
    let data: TrainingData | undefined
    const source = params.data ?? defaultGrowthData(large)
    if (method.growthPhase) {
      // The phase trains on the source's training side when it is the source's data (no held-out example leaks in).
      split = typeof small.trainedOn === 'object' && small.trainedOn.data === source ? small.trainedOn.split : DEFAULT_SPLIT
      const family = getFamily(large.family)
      data = buildTrainingData({ config: large, objective: family.objective, source, batchSize: params.batchSize ?? TRAIN_DEFAULTS.batchSize, seqLen: params.seqLen ?? TRAIN_DEFAULTS.seqLen, seed, split, tokenizer: small.tokenizer })
      notes.push(...(data.description.notes ?? []))
      if (!small.tokenizer && family.modality === 'text') notes.push('the source has no tokenizer: the growth phase used one trained on the data, so its token ids do not match the embeddings')
      callbacks.onLog?.(`Preparing ${method.name} (growth phase on ${source})`)
    }
    prepared = await prepareMethod(method, small.params, small.config, large, { seed, settings, data, signal: callbacks.signal, onStep: callbacks.onOperatorStep })
    notes.push(...prepared.notes)
    const growth: GrowthPhaseCost = prepared.growth

    const format = DEFAULT_EXPORT_CLASS[large.family].hf ? 'hf' : 'timm'
    const provenance = { growth_method: method.name, grown_from: small.source, operator_steps: String(growth.steps) }
    const checkpointDir = join(out, 'model')
    callbacks.onLog?.(`Writing the grown checkpoint to ${checkpointDir}`)
    await exportCheckpoint({ config: large, params: await shaped(prepared.initialParams), tokenizerFiles: small.tokenizerFiles }, { format, outDir: checkpointDir, force: params.force, provenance })
    // What the grown weights have seen travels with them, so `ligo compare --from <this>` keeps it out of validation.
    const seen = typeof small.trainedOn === 'object' ? small.trainedOn : small.trainedOn === 'untrained' && growth.steps > 0 ? splitRecord(source, split) : null
    if (seen) await writeFileAtomic(join(checkpointDir, SPLIT_RECORD_FILE), Buffer.from(splitRecordJson(seen)))
    let operatorDir: string | null = null
    if (prepared.operator) {
      operatorDir = join(out, 'operator')
      await exportOperator(operatorDir, await shaped(prepared.operator.tensors), { ...prepared.operator.description, training: { settings, ...growth } } as Record<string, unknown>, { force: params.force })
    }
    const result: GrowResult = {
      method: method.name,
      out,
      checkpointDir,
      operatorDir,
      growth,
      smallParameters: parameterCount(small.config),
      largeParameters: parameterCount(large),
      notes,
    }
    await writeFileAtomic(join(out, 'growth.json'), Buffer.from(JSON.stringify({ format: 'ligo-growth', version: 1, from: small.source, to: params.to, smallConfig: small.config, largeConfig: large, seed, settings, ...result }, null, 2) + '\n'))
    return result
  } finally {
    if (prepared) disposePrepared(prepared)
    disposeSmall(small)
  }
}
