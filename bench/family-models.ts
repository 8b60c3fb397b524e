/**
 * Every family at the size the growth benchmark trains (bench/growth.ts grows the built-in seeds in resources/seeds
 * by ×2 depth and ×1.5 width, head width kept): the models `npm run bench:engine -- --family <name>` times against
 * their PyTorch peers (bench/torch_peer_families.py builds the same models from the same sizes).
 *
 *   text (vocabulary 4000, batch 16 × 64 tokens): BERT and RoBERTa 4L/192H/3 heads/FFN 768, masked LM scored at
 *     15 % of the positions (the trainer's outputPositions); GPT-2 the same sizes, causal LM at every position,
 *     LM head tied to the token embedding (the "4 layers, hidden 192, 3 heads, FFN 768");
 *   vision (MNIST 28×28×1, patch 7, 10 classes, batch 32): ViT and distilled DeiT 8L/96H/3 heads/FFN 384 (vit-mnist
 *     4L/64H grown), CaiT 8 SA + 2 CA blocks, 96H, 3 heads, FFN 384, LayerScale 0.1 (cait-mnist grown).
 * Dropout as the family defaults (text 0.1, vision 0), which the seeds use and training applies.
 *
 * The step is the trainer's: family.forward + family.loss, gradients by tf.variableGrads, the engine's AdamW
 * (weight decay 0 = Adam, lr 1e-3, as the peer's torch.optim.Adam).
 */
import * as tf from '@tensorflow/tfjs-core'
import { makeConfig, type FamilyName, type ModelConfig } from '../src/engine/models/config'
import { parameterCount } from '../src/engine/models/param-count'
import { getFamily } from '../src/engine/models/registry'
import type { ForwardOptions, ModelInputs } from '../src/engine/models/types'
import { flopsShapeOf } from '../src/engine/metrics/model-flops'
import { trainingStepFlops } from '../src/engine/metrics/flops'
import { AdamW } from '../src/engine/train/adamw'

export const BENCH_FAMILIES = ['bert', 'roberta', 'gpt2', 'vit', 'deit', 'cait'] as const satisfies readonly FamilyName[]
export type BenchFamily = (typeof BENCH_FAMILIES)[number]

const text = { vocabSize: 4000, maxPositions: 128, numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 } as const
const vision = { imageSize: 28, patchSize: 7, numChannels: 1, numClasses: 10, numLayers: 8, hiddenSize: 96, numHeads: 3, intermediateSize: 384 } as const
export const TEXT_BATCH = { batch: 16, seq: 64 } as const
export const IMAGE_BATCH = 32

/** The benchmark's model of each family (sizes above; the peer reads them from `peerArgs`). */
export const BENCH_CONFIGS: { [F in BenchFamily]: ModelConfig } = {
  bert: makeConfig('bert', { ...text, tieWordEmbeddings: true }),
  roberta: makeConfig('roberta', { ...text, maxPositions: 130, tieWordEmbeddings: true }),
  gpt2: makeConfig('gpt2', text),
  vit: makeConfig('vit', vision),
  deit: makeConfig('deit', vision),
  cait: makeConfig('cait', { ...vision, numClassLayers: 2, layerScaleInit: 0.1 }),
}

export interface FamilyBench {
  family: BenchFamily
  config: ModelConfig
  /** Items per step: tokens (text) or images (vision). */
  items: number
  unit: 'tokens' | 'images'
  /** The FLOPs counter's figure for one training step (engine/metrics/flops.ts). */
  stepFlops: number
  parameters: number
  /** Arguments of bench/torch_peer_families.py for the same model and batch. */
  peerArgs: string[]
}

export function familyBench(family: BenchFamily): FamilyBench {
  const config = BENCH_CONFIGS[family]
  const isText = 'vocabSize' in config
  const batch = isText ? TEXT_BATCH.batch : IMAGE_BATCH
  const seqLen = isText ? TEXT_BATCH.seq : undefined
  const common = ['--family', family, '--layers', String(config.numLayers), '--hidden', String(config.hiddenSize), '--heads', String(config.numHeads), '--ffn', String(config.intermediateSize), '--batch', String(batch), '--eps', String(config.layerNormEps), '--dropout', String(config.hiddenDropout)]
  const peerArgs = isText
    ? [...common, '--vocab', String(config.vocabSize), '--seq', String(TEXT_BATCH.seq), '--positions', String(config.maxPositions)]
    : [...common, '--image', String(config.imageSize), '--patch', String(config.patchSize), '--channels', String(config.numChannels), '--classes', String(config.numClasses), ...('numClassLayers' in config ? ['--class-layers', String(config.numClassLayers)] : [])]
  // The counter's masked-LM default scores 15.6 % of positions (the paper's 20/128); the bench scores 15 %.
  const shape = flopsShapeOf(config, { seqLen })
  const stepFlops = trainingStepFlops(shape.family === 'encoder' ? { ...shape, maskedFraction: MLM_FRACTION } : shape, batch)
  return { family, config, items: isText ? batch * TEXT_BATCH.seq : batch, unit: isText ? 'tokens' : 'images', stepFlops, parameters: parameterCount(config), peerArgs }
}

/** Masked-LM positions scored per step (the trainer's masking rate, data/ masks 15 %). */
export const MLM_FRACTION = 0.15

/** Fixed inputs and targets of one step, made once (the loss then falls over the timed steps, as training's). */
interface StepData {
  inputs: ModelInputs
  targets: { labels: tf.Tensor }
  forward: Partial<ForwardOptions>
}

function stepData(bench: FamilyBench): StepData {
  const { config, family } = bench
  if ('vocabSize' in config) {
    const { batch, seq } = TEXT_BATCH
    // ids from 3 up: never RoBERTa's pad token (1), so every position is real.
    const inputIds = tf.randomUniform([batch, seq], 3, config.vocabSize, 'int32', 7)
    if (family === 'gpt2') return { inputs: { inputIds }, targets: { labels: inputIds }, forward: {} }
    const count = Math.round(batch * seq * MLM_FRACTION)
    const positions = Array.from(tf.util.createShuffledIndices(batch * seq)).slice(0, count).sort((a, b) => a - b)
    return {
      inputs: { inputIds },
      targets: { labels: tf.randomUniform([count], 0, config.vocabSize, 'int32', 9) },
      forward: { outputPositions: tf.tensor1d(positions, 'int32') },
    }
  }
  const pixels = tf.randomNormal([IMAGE_BATCH, config.imageSize, config.imageSize, config.numChannels], 0, 1, 'float32', 7)
  const labels = tf.randomUniform([IMAGE_BATCH], 0, config.numClasses, 'int32', 9)
  return { inputs: { pixels }, targets: { labels }, forward: family === 'deit' ? { deitHeads: 'both' } : {} }
}

/** A trainer for the family's bench model: step() runs one training step and returns its loss. */
export function familyTrainer(bench: FamilyBench, seed = 1, lr = 1e-3): { step(): number; dispose(): void } {
  const family = getFamily(bench.config.family)
  const initial = family.init(bench.config, seed)
  const params: Record<string, tf.Variable> = {}
  for (const [name, t] of Object.entries(initial)) params[name] = tf.variable(t, true, `bench-${bench.family}-${seed}/${name}`)
  tf.dispose(Object.values(initial))
  const data = stepData(bench)
  const optimizer = new AdamW(params, { weightDecay: 0, epsilon: 1e-8, noDecay: () => true })
  const names = Object.keys(params)
  let dropoutSeed = 0
  const lossOf = () => {
    const logits = family.forward(params, bench.config, data.inputs, { training: true, dropoutSeed: dropoutSeed++, ...data.forward })
    return family.loss(logits, data.targets)
  }
  return {
    step() {
      const { value, grads } = tf.variableGrads(lossOf, names.map((n) => params[n]))
      optimizer.apply(Object.fromEntries(names.map((n) => [n, grads[params[n].name]])), lr)
      const loss = value.dataSync()[0]
      tf.dispose([value, ...Object.values(grads)])
      return loss
    },
    dispose() {
      optimizer.dispose()
      tf.dispose([...Object.values(params), ...Object.values(data.inputs), data.targets.labels, ...Object.values(data.forward).filter((v): v is tf.Tensor => v instanceof tf.Tensor)])
    },
  }
}
