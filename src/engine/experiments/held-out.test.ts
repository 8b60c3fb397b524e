/**
 * The comparison's validation examples are held out from the source model (issue 13 §1): for every run seed 0..2,
 * no validation document or image `ligo compare` evaluates on is one the built-in seed trained on. The source's
 * training examples are rebuilt independently of the comparison code: the seeds were trained by `ligo train --seed 0`
 * (resources/seeds/<name>/TRAINING.md), whose split was then drawn from the run seed, i.e. splitIndices(count, seed 0).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getCorpus, loadTokenizer, splitIndices } from '../data'
import { getPreset } from '../models/presets'
import { buildData, comparisonSettings, comparisonSplit } from './compare'
import { sourceSplitRecord, type SmallModel } from './source'

const SEEDS_DIR = join(__dirname, '..', '..', '..', 'resources', 'seeds')
const RUN_SEEDS = [0, 1, 2]

function contentKeys(data: string, indices: readonly number[]): string[] {
  const corpus = getCorpus(data)
  if (corpus.kind === 'text') {
    const docs = corpus.loadDocuments()
    return indices.map((i) => docs[i].text)
  }
  const images = corpus.loadImages()
  const size = images.height * images.width * images.channels
  return indices.map((i) => Buffer.from(images.pixels.buffer, images.pixels.byteOffset + i * size * 4, size * 4).toString('base64'))
}

describe('comparisonSplit', () => {
  const record = { format: 'ligo-data-split', version: 1, data: 'moby-dick', split: { seed: 4, validationFraction: 0.05 } } as const
  const from = 'seeds/x'
  it("uses the source's recorded split, or the default for a random init or other data", () => {
    expect(comparisonSplit(record, 'moby-dick', { from })).toEqual({ seed: 4, validationFraction: 0.05 })
    expect(comparisonSplit(record, 'moby-dick', { from, splitSeed: 4 })).toEqual({ seed: 4, validationFraction: 0.05 })
    expect(comparisonSplit('untrained', 'moby-dick', { from, splitSeed: 9 })).toEqual({ seed: 9, validationFraction: 0.05 })
    expect(comparisonSplit(record, 'mnist', { from })).toEqual({ seed: 0, validationFraction: 0.05 })
  })
  it('refuses an unknown or different split unless acceptSourceSplit', () => {
    expect(() => comparisonSplit('unknown', 'moby-dick', { from })).toThrow(/seeds\/x does not record the data split .* set `acceptSourceSplit`/)
    expect(() => comparisonSplit(record, 'moby-dick', { from, splitSeed: 1 })).toThrow('`splitSeed` 1 differs from the split the source model seeds/x was trained with on moby-dick (seed 4)')
    expect(comparisonSplit('unknown', 'moby-dick', { from, acceptSourceSplit: true })).toEqual({ seed: 0, validationFraction: 0.05 })
    expect(comparisonSplit(record, 'moby-dick', { from, splitSeed: 1, acceptSourceSplit: true })).toEqual({ seed: 1, validationFraction: 0.05 })
  })
})

describe.each([
  ['bert-moby', 'moby-dick', 'bert-seed', 'text'],
  ['vit-mnist', 'mnist', 'vit-mini', 'images'],
] as const)('%s compared on %s', (seedName, data, preset, kind) => {
  const from = join(SEEDS_DIR, seedName)
  const trainedOn = sourceSplitRecord(from)
  const count = getCorpus(data).kind === 'text' ? (getCorpus(data) as { loadDocuments(): unknown[] }).loadDocuments().length : (getCorpus(data) as { loadImages(): { count: number } }).loadImages().count
  const sourceTrain = new Set(splitIndices(count, { seed: 0 }).train)
  const sourceTrainContent = new Set(contentKeys(data, [...sourceTrain]))
  const small = { tokenizer: kind === 'text' ? loadTokenizer(from) : undefined } as SmallModel
  const large = getPreset(preset).config

  it('records the split it trained on (seed 0)', () => {
    expect(trainedOn).toEqual({ format: 'ligo-data-split', version: 1, data, split: { seed: 0, validationFraction: 0.05 } })
  })

  it.each(RUN_SEEDS)(`run seed %i: no validation ${kind === 'text' ? 'document' : 'image'} is one the source trained on`, (seed) => {
    const params = { from, to: preset, methods: ['scratch'], data, budget: { kind: 'steps', value: 1 } as const, out: '/unused', seed, seeds: 1, seqLen: 64, batchSize: 4, maxExamples: kind === 'images' ? 2000 : undefined }
    const settings = comparisonSettings(params, comparisonSplit(trainedOn ?? 'unknown', data, params))
    const built = buildData(settings, large, small, seed)
    expect(built.examples.validation.length).toBeGreaterThan(kind === 'text' ? 2 : 50)
    expect(built.examples.validation.filter((i) => sourceTrain.has(i))).toEqual([])
    expect(contentKeys(data, built.examples.validation).filter((c) => sourceTrainContent.has(c))).toEqual([])
  })
})
