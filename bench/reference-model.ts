/**
 * The benchmarks' reference model (docs/engine/measurements.md §2: BERT-like, 2 layers, hidden 128, 2 heads, FFN 512,
 * vocab 8000, batch 16 × 128 tokens) and its two loss variants (`full`: logits at all 2048 positions; `mlm15`: at a
 * fixed random 15 %), shared by bench/engine.ts (speed), bench/memory.ts (peak memory) and bench/profile-step.ts.
 * torch_peer.py builds the same model in PyTorch.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as wasm from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import { registerWasmKernels } from '../src/engine/backend/wasm-kernels'
import { makeConfig, type EncoderConfig } from '../src/engine/models/config'
import { encoderHidden, mlmHead } from '../src/engine/models/encoder'
import { getFamily } from '../src/engine/models/registry'
import type { ParamMap } from '../src/engine/models/layers/params'
import { AdamW } from '../src/engine/train/adamw'

export type LossVariant = 'full' | 'mlm15'
export const BATCH = 16
export const SEQ = 128
export const TOKENS = BATCH * SEQ

export const config: EncoderConfig = makeConfig('bert', {
  hiddenSize: 128, numLayers: 2, numHeads: 2, intermediateSize: 512, vocabSize: 8000, maxPositions: SEQ,
  tieWordEmbeddings: false, hiddenDropout: 0, attentionDropout: 0,
})
export const family = getFamily('bert')

/** The wasm backend with the engine's extra kernels (the native ones are the caller's choice). */
export async function useWasm(): Promise<void> {
  const require = createRequire(__filename)
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep)
  registerWasmKernels()
  await tf.setBackend('wasm')
  await tf.ready()
}

/** Fixed inputs, made once the backend is up: ids [B, T], the 15 % rows (sorted flat indices), random targets. */
export interface ReferenceInputs {
  ids: tf.Tensor2D
  mlmRows: tf.Tensor1D
  targets: Record<LossVariant, tf.Tensor1D>
}
export function makeInputs(): ReferenceInputs {
  const ids = tf.randomUniform([BATCH, SEQ], 1, config.vocabSize, 'int32', 7) as tf.Tensor2D
  const shuffled = Array.from(tf.util.createShuffledIndices(TOKENS)).slice(0, Math.round(TOKENS * 0.15))
  const mlmRows = tf.tensor1d(shuffled.sort((a, b) => a - b), 'int32')
  const targets = {
    full: tf.randomUniform([TOKENS], 0, config.vocabSize, 'int32', 8) as tf.Tensor1D,
    mlm15: tf.randomUniform([mlmRows.size], 0, config.vocabSize, 'int32', 9) as tf.Tensor1D,
  }
  return { ids, mlmRows, targets }
}

export type LossFn = (p: ParamMap, variant: LossVariant) => tf.Scalar

/**
 * engine/models' forward and loss (family.loss, i.e. the fused cross-entropy where the native kernels are active).
 * attention 'auto' is what training uses (batched when the native BatchMatMul is active, per-head on plain wasm).
 */
export const engineLossFn = (inputs: ReferenceInputs, attention: 'auto' | 'batched' | 'per-head' = 'auto'): LossFn => (p, variant) => {
  const hidden = tf.reshape(encoderHidden(p, config, { inputIds: inputs.ids }, { training: true, attention }), [TOKENS, config.hiddenSize])
  const rows = variant === 'full' ? hidden : tf.gather(hidden, inputs.mlmRows)
  const logits = mlmHead(p, config, rows) // [N, V]
  return family.loss(tf.reshape(logits, [1, ...logits.shape]), { labels: tf.reshape(inputs.targets[variant], [1, -1]) })
}

/** Trainable variables of the reference model (the pooler is not built: addPooler is off). */
export function makeVariables(prefix: string): Record<string, tf.Variable> {
  const initial = family.init(config, 1)
  const params: Record<string, tf.Variable> = {}
  for (const [name, t] of Object.entries(initial)) params[name] = tf.variable(t, true, `${prefix}/${name}`)
  tf.dispose(Object.values(initial))
  return params
}

/**
 * The trainer's step (engine/train/trainer.ts without clipping and logging): gradients by tf.variableGrads, then
 * the engine's AdamW (weight decay 0, so Adam, as the PyTorch peer), in place where the native kernels are active.
 */
export function engineTrainer(params: Record<string, tf.Variable>, lossFn: LossFn, variant: LossVariant, lr = 1e-3): { step(): number; dispose(): void } {
  const optimizer = new AdamW(params, { weightDecay: 0, epsilon: 1e-8, noDecay: () => true })
  const names = Object.keys(params)
  return {
    step() {
      const { value, grads } = tf.variableGrads(() => lossFn(params, variant), names.map((n) => params[n]))
      optimizer.apply(Object.fromEntries(names.map((n) => [n, grads[params[n].name]])), lr)
      const loss = value.dataSync()[0]
      tf.dispose([value, ...Object.values(grads)])
      return loss
    },
    dispose: () => optimizer.dispose(),
  }
}
