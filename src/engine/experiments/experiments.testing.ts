/**
 * Test fixtures for growth experiments: a tiny BERT small model written as an HF checkpoint, a larger config file
 * (depth ×2, width ×1.5, one more head at the same head size), and a folder of text documents.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { DEFAULT_SPLIT, getCorpus, splitRecord, splitRecordJson, SPLIT_RECORD_FILE } from '../data'
import { exportCheckpoint } from '../io/export-checkpoint'
import { makeConfig } from '../models/config'
import { getFamily } from '../models/registry'

export const TINY_SMALL = makeConfig('bert', { hiddenSize: 16, numHeads: 2, intermediateSize: 32, numLayers: 1, vocabSize: 120, maxPositions: 16, tieWordEmbeddings: false })
export const TINY_LARGE = { ...TINY_SMALL, hiddenSize: 24, numHeads: 3, intermediateSize: 48, numLayers: 2 }

/** Writes <root>/small (HF checkpoint), <root>/large.json and <root>/text (6 documents); returns their paths. */
export async function writeGrowthFixtures(root: string): Promise<{ small: string; large: string; data: string }> {
  const small = join(root, 'small')
  const params = getFamily('bert').init(TINY_SMALL, 11)
  const shaped = Object.fromEntries(Object.entries(params).map(([name, t]) => [name, { shape: [...t.shape], data: t.dataSync() as Float32Array }]))
  tf.dispose(Object.values(params))
  await exportCheckpoint({ config: TINY_SMALL, params: shaped }, { format: 'hf', outDir: small })
  const large = join(root, 'large.json')
  writeFileSync(large, JSON.stringify(TINY_LARGE))
  const data = join(root, 'text')
  mkdirSync(data, { recursive: true })
  const corpus = getCorpus('moby-dick')
  if (corpus.kind !== 'text') throw new Error('moby-dick should be text')
  corpus.loadDocuments().slice(3, 9).forEach((d) => writeFileSync(join(data, `${d.id}.txt`), d.text))
  // As if the small model had trained on the text folder's default split (ligo compare refuses an unknown split).
  writeFileSync(join(small, SPLIT_RECORD_FILE), splitRecordJson(splitRecord(data, DEFAULT_SPLIT)))
  return { small, large, data }
}
