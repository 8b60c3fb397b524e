/**
 * One growth, written to disk (`ligo grow`, engine method `grow`): the small model grown into the large config
 * with a named method; for LiGO the operator is first trained (ligo-training.ts, ~100 steps through the large
 * model's loss), then materialised once into a plain large checkpoint (ligo-method.md §4). Output:
 *   <out>/model/       the grown checkpoint in the family's HF layout (timm where HF has no class), with the small
 *                      model's tokenizer: `ligo inspect`, `ligo train --model` and transformers/timm load it
 *   <out>/operator/    LiGO only: operator.safetensors (coefficients) + operator.json (what each one multiplies)
 *   <out>/growth.json  method, source, target, operator-training cost and losses
 */
import { join, resolve } from 'node:path'
import type * as tf from '@tensorflow/tfjs-core'
import { DEFAULT_SPLIT, splitRecord, splitRecordJson, SPLIT_RECORD_FILE, type DataSplit } from '../data'
import { getGrowthOperator, GrowthError } from '../growth'
import { exportCheckpoint, exportOperator } from '../io/export-checkpoint'
import { writeFileAtomic } from '../io/atomic-write'
import { DEFAULT_EXPORT_CLASS, type ShapedArray } from '../io/names'
import type { ModelConfig } from '../models/config'
import { parameterCount } from '../models/param-count'
import { getFamily } from '../models/registry'
import { TRAIN_DEFAULTS } from '../../shared/train'
import type { GrowParams, GrowResult, GrowthPhaseCost } from '../../shared/growth'
import { buildTrainingData } from '../train/training-data'
import { operatorSettings, trainLigoOperator } from './ligo-training'
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
  const operator = getGrowthOperator(params.method)
  const small = await loadSmallModel(params.from, seed)
  const notes: string[] = []
  let grown: Record<string, tf.Tensor> | null = null
  let coefficients: { tensors: Record<string, tf.Tensor>; description: object } | null = null
  try {
    const large = resolveLargeConfig(params.to, small.config)
    const support = operator.supports(small.config, large)
    if (!support.ok) throw new GrowthError(`Cannot grow with ${operator.name}: ${support.reason}`)
    let growth: GrowthPhaseCost = { steps: 0, flops: 0, wallSeconds: 0, lossFirst: null, lossLast: null }
    let split: DataSplit = DEFAULT_SPLIT
    let operatorData: string | null = null
    if (operator.kind === 'learned') {
      const settings = operatorSettings(params.operator)
      const op = operator.createOperator(small.params, small.config, large, { seed, ...(params.parameterization ? { parameterization: params.parameterization } : {}) })
      try {
        if (settings.steps > 0) {
          const source = params.data ?? defaultGrowthData(large)
          callbacks.onLog?.(`Training the LiGO operator (${op.coefficientCount().toLocaleString('en-US')} coefficients) for ${settings.steps} steps on ${source}`)
          const family = getFamily(large.family)
          // The operator trains on the source's training side when it is the source's data (no held-out example leaks in).
          split = typeof small.trainedOn === 'object' && small.trainedOn.data === source ? small.trainedOn.split : DEFAULT_SPLIT
          operatorData = source
          const data = buildTrainingData({ config: large, objective: family.objective, source, batchSize: params.batchSize ?? TRAIN_DEFAULTS.batchSize, seqLen: params.seqLen ?? TRAIN_DEFAULTS.seqLen, seed, split, tokenizer: small.tokenizer })
          notes.push(...(data.description.notes ?? []))
          if (!small.tokenizer && family.modality === 'text') notes.push('the source has no tokenizer: operator training used one trained on the data, so its token ids do not match the embeddings')
          growth = await trainLigoOperator(op, data, settings, { seed, signal: callbacks.signal, onStep: callbacks.onOperatorStep })
        } else notes.push('operator kept at its initialisation (0 steps)')
        grown = op.materializeKept()
        coefficients = op.exportCoefficients()
      } finally {
        op.dispose()
      }
    } else {
      grown = operator.grow(small.params, small.config, large, { seed })
      if (operator.kind === 'distillation') notes.push('KI grows nothing: this is the random init; its distillation happens in training (ligo compare)')
    }

    const format = DEFAULT_EXPORT_CLASS[large.family].hf ? 'hf' : 'timm'
    const provenance = { growth_method: operator.name, grown_from: small.source, operator_steps: String(growth.steps) }
    const checkpointDir = join(out, 'model')
    callbacks.onLog?.(`Writing the grown checkpoint to ${checkpointDir}`)
    await exportCheckpoint({ config: large, params: await shaped(grown), tokenizerFiles: small.tokenizerFiles }, { format, outDir: checkpointDir, force: params.force, provenance })
    // What the grown weights have seen travels with them, so `ligo compare --from <this>` keeps it out of validation.
    const seen = typeof small.trainedOn === 'object' ? small.trainedOn : small.trainedOn === 'untrained' && operatorData !== null ? splitRecord(operatorData, split) : null
    if (seen) await writeFileAtomic(join(checkpointDir, SPLIT_RECORD_FILE), Buffer.from(splitRecordJson(seen)))
    let operatorDir: string | null = null
    if (coefficients) {
      operatorDir = join(out, 'operator')
      await exportOperator(operatorDir, await shaped(coefficients.tensors), { ...coefficients.description, training: { ...operatorSettings(params.operator), ...growth } } as Record<string, unknown>, { force: params.force })
    }
    const result: GrowResult = {
      method: operator.name,
      out,
      checkpointDir,
      operatorDir,
      growth,
      smallParameters: parameterCount(small.config),
      largeParameters: parameterCount(large),
      notes,
    }
    await writeFileAtomic(join(out, 'growth.json'), Buffer.from(JSON.stringify({ format: 'ligo-growth', version: 1, from: small.source, to: params.to, smallConfig: small.config, largeConfig: large, seed, ...result }, null, 2) + '\n'))
    return result
  } finally {
    if (grown) for (const t of Object.values(grown)) t.dispose()
    if (coefficients) for (const t of Object.values(coefficients.tensors)) t.dispose()
    disposeSmall(small)
  }
}
