/**
 * The shipped seeds (resources/seeds): every entry of index.json loads through the checkpoint importer, its config
 * and files match the index, its forward pass runs, and it has learned something, on held-out data it never saw
 * (the validation split of its training run, same split seed):
 *  - encoder: masked-LM cross-entropy well below ln(V), the loss of a uniform guess (and of a fresh model), and
 *    below the unigram cross-entropy of the same masked tokens;
 *  - decoder: perplexity below 0.9 x the unigram perplexity (token frequencies of the training split, add-one smoothed);
 *  - ViT / CaiT: accuracy on held-out MNIST digits far above the 10% of chance.
 * Losses are computed here from the logits (log-softmax at the labels), not with the engine's loss functions.
 */
import * as tf from '@tensorflow/tfjs-core'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { findSeedsDir, loadSeedIndex, resolveSeed, type SeedEntry } from '../../src/engine/seeds'
import { importCheckpoint, type ImportedCheckpoint } from '../../src/engine/io/import-checkpoint'
import { getFamily } from '../../src/engine/models/registry'
import { parameterCount } from '../../src/engine/models/param-count'
import type { ParamMap } from '../../src/engine/models/layers/params'
import { getCorpus, type ImageCorpus, type TextCorpus } from '../../src/engine/data/corpora'
import { splitIndices, splitItems } from '../../src/engine/data/splits'
import { causalLmBatches, maskedLmBatches, packForCausalLm, packForMaskedLm, tokenizeDocuments } from '../../src/engine/data/batching'
import { loadTokenizer } from '../../src/engine/data/tokenizers/load-tokenizer'
import { useWasmBackend } from '../../src/engine/train/wasm-backend.testing'

const SPLIT_SEED = 0 // make-seeds.ts trains every seed with --seed 0, which also seeds the train/validation split
const MB = 1_000_000

const seedsDir = findSeedsDir()
const { seeds } = loadSeedIndex(seedsDir)

beforeAll(useWasmBackend)

function asTensors(imported: ImportedCheckpoint): ParamMap {
  return Object.fromEntries(Object.entries(imported.params).map(([name, p]) => [name, tf.tensor(p.data, [...p.shape], 'float32')]))
}

/** Mean of -log softmax(logits)[label] over rows: logits [N, V], labels [N]. */
function crossEntropy(logits: tf.Tensor2D, labels: number[]): number {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits)
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1])), 1)
    return -tf.mean(picked).dataSync()[0]
  })
}

/**
 * Cross-entropy of `labels` under a unigram model of the training documents (a slice of the training split; add-one
 * smoothing keeps tokens it never saw finite).
 */
function unigramLoss(trainingDocs: number[][], vocabSize: number, labels: number[]): number {
  const counts = new Float64Array(vocabSize).fill(1)
  for (const ids of trainingDocs) for (const id of ids) counts[id]++
  const total = counts.reduce((a, c) => a + c, 0)
  return -labels.reduce((sum, id) => sum + Math.log(counts[id] / total), 0) / labels.length
}

async function withModel<T>(entry: SeedEntry, use: (imported: ImportedCheckpoint, params: ParamMap) => T): Promise<T> {
  const imported = await importCheckpoint(resolveSeed(entry.name, seedsDir).dir)
  const before = tf.memory().numTensors
  const params = asTensors(imported)
  try {
    return use(imported, params)
  } finally {
    tf.dispose(Object.values(params))
    expect(tf.memory().numTensors).toBe(before)
  }
}

describe('resources/seeds', () => {
  it('has the four day-one seeds within the size budget', () => {
    expect(seeds.map((s) => s.family).sort()).toEqual(['bert', 'cait', 'gpt2', 'vit'])
    for (const s of seeds) expect(s.bytes, s.name).toBeLessThan(4.2 * MB)
    expect(seeds.reduce((n, s) => n + s.bytes, 0)).toBeLessThan(12 * MB)
  })

  it.each(seeds.map((s) => [s.name, s] as const))('%s: files, config and parameter count match index.json', async (_name, entry) => {
    const { dir } = resolveSeed(entry.name, seedsDir)
    const files = readdirSync(dir).sort()
    expect(files).toEqual(entry.files)
    expect(files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'TRAINING.md', 'metrics.jsonl']))
    if (entry.task !== 'image-classification') expect(files).toContain('tokenizer.json')
    expect(files.reduce((n, f) => n + statSync(join(dir, f)).size, 0)).toBe(entry.bytes)
    const imported = await importCheckpoint(dir)
    expect(imported.family).toBe(entry.family)
    expect(imported.library).toBe(entry.format === 'hf' ? 'transformers' : 'timm')
    const config = imported.config as unknown as Record<string, number>
    for (const [key, value] of Object.entries(entry.sizes)) expect(config[key], `${entry.name} ${key}`).toBe(value)
    expect(parameterCount(imported.config)).toBe(entry.parameters)
    expect(Object.values(imported.params).reduce((n, p) => n + p.data.length, 0)).toBe(entry.parameters)
  })
})

describe('seed quality on held-out data', () => {
  const byTask = (task: SeedEntry['task']) => seeds.filter((s) => s.task === task).map((s) => [s.name, s] as const)
  const heldOutDocs = (corpus: string) => splitItems((getCorpus(corpus) as TextCorpus).loadDocuments(), { seed: SPLIT_SEED })

  it.each(byTask('masked-lm'))('%s: masked-LM loss is far below ln(vocabulary) and below the unigram loss', async (_name, entry) => {
    const tokenizer = loadTokenizer(resolveSeed(entry.name, seedsDir).dir)
    const ids = tokenizer.specialIds
    const split = heldOutDocs(entry.data)
    const sequences = packForMaskedLm(tokenizeDocuments(split.validation.slice(0, 3), tokenizer), 128, ids)
    const masking = { vocabSize: tokenizer.vocabSize, maskId: ids.mask!, specialIds: [ids.pad, ids.cls, ids.sep, ids.mask, ids.unk].filter((id): id is number => id !== undefined) }
    const batch = maskedLmBatches(sequences, { batchSize: 16, seed: SPLIT_SEED, masking, shuffle: false }).next()
    // BERT's loss counts only the masked positions: gather them (flat b·T + t) and their original tokens.
    const positions: number[] = []
    const labels: number[] = []
    batch.labelWeights.forEach((w, i) => {
      if (w > 0) {
        positions.push(i)
        labels.push(batch.labels[i])
      }
    })
    expect(positions.length).toBeGreaterThan(100)
    const loss = await withModel(entry, (imported, params) =>
      tf.tidy(() => {
        const [b, t] = batch.shape
        const logits = getFamily(imported.family).forward(params, imported.config, { inputIds: tf.tensor2d(batch.inputIds, [b, t], 'int32') }, { training: false, outputPositions: tf.tensor1d(positions, 'int32') })
        return crossEntropy(logits as tf.Tensor2D, labels)
      }),
    )
    // A uniform guess over the vocabulary (what an untrained model is close to) scores ln(V); a model that ignores
    // the context can do no better than the token frequencies.
    expect(loss).toBeLessThan(Math.log(entry.sizes.vocabSize) - 1.5)
    expect(loss).toBeLessThan(unigramLoss(tokenizeDocuments(split.train.slice(0, 40), tokenizer), tokenizer.vocabSize, labels))
  })

  it.each(byTask('causal-lm'))('%s: perplexity is below the unigram perplexity', async (_name, entry) => {
    const tokenizer = loadTokenizer(resolveSeed(entry.name, seedsDir).dir)
    const split = heldOutDocs(entry.data)
    const windows = packForCausalLm(tokenizeDocuments(split.validation.slice(0, 3), tokenizer), 128, tokenizer.specialIds)
    const batch = causalLmBatches(windows, { batchSize: 8, seed: SPLIT_SEED, shuffle: false }).next()
    const [b, t] = batch.shape
    // Next-token targets: position j predicts the token at j + 1 of the same window.
    const rows: number[] = []
    const labels: number[] = []
    for (let i = 0; i < b; i++) for (let j = 0; j + 1 < t; j++) {
      rows.push(i * t + j)
      labels.push(batch.inputIds[i * t + j + 1])
    }
    const unigram = unigramLoss(tokenizeDocuments(split.train.slice(0, 40), tokenizer), tokenizer.vocabSize, labels)
    const loss = await withModel(entry, (imported, params) =>
      tf.tidy(() => {
        const logits = getFamily(imported.family).forward(params, imported.config, { inputIds: tf.tensor2d(batch.inputIds, [b, t], 'int32') }, { training: false })
        return crossEntropy(tf.gather(tf.reshape(logits, [b * t, -1]), tf.tensor1d(rows, 'int32')) as tf.Tensor2D, labels)
      }),
    )
    expect(Math.exp(loss)).toBeLessThan(Math.exp(unigram) * 0.9)
  })

  it.each(byTask('image-classification'))('%s: accuracy on held-out digits is far above chance', async (_name, entry) => {
    const images = (getCorpus(entry.data) as ImageCorpus).loadImages()
    const held = splitIndices(images.count, { seed: SPLIT_SEED }).validation.slice(0, 200)
    const side = images.height * images.width * images.channels
    const pixels = new Float32Array(held.length * side)
    held.forEach((index, k) => pixels.set(images.pixels.subarray(index * side, (index + 1) * side), k * side))
    const predictions = await withModel(entry, (imported, params) =>
      tf.tidy(() => {
        const logits = getFamily(imported.family).forward(params, imported.config, { pixels: tf.tensor4d(pixels, [held.length, images.height, images.width, images.channels]) }, { training: false })
        return Array.from(tf.argMax(logits, -1).dataSync())
      }),
    )
    const accuracy = predictions.filter((p, k) => p === images.labels[held[k]]).length / held.length
    expect(accuracy).toBeGreaterThan(0.8)
  })
})

