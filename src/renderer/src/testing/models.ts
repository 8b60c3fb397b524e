/** Zoo records as the host sends them (tests only): a BERT seed, a preset without weights, an import. */
import type { ExportPlan } from '../../../shared/export'
import type { ModelDetail, ModelSummary } from '../../../shared/models'

export function sampleModel(over: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id: 'seed:bert-moby',
    name: 'bert-moby',
    family: 'bert',
    modality: 'text',
    sizes: { layers: 2, hidden: 128, heads: 2, ffn: 512, vocabSize: 8000, maxPositions: 128 },
    parameters: 4_385_920,
    forwardFlops: 2.21e6,
    forwardFlopsUnit: 'token',
    sizeBytes: 17_543_680,
    source: { kind: 'builtin', seed: 'bert-moby', preset: 'bert-mini', data: 'moby-dick' },
    addedAt: null,
    training: { batchSize: 16, tokensPerExample: 128, estimatedBytes: 600 * 1024 ** 2, availableBytes: 8 * 1024 ** 3, fits: true },
    warnings: [],
    ...over,
  }
}

export function samplePreset(): ModelSummary {
  return sampleModel({
    id: 'preset:bert-base',
    name: 'bert-base',
    sizes: { layers: 12, hidden: 768, heads: 12, ffn: 3072 },
    parameters: 110_106_428,
    forwardFlops: 2.2e8,
    sizeBytes: null,
    source: { kind: 'preset', presetId: 'bert-base', paper: true },
    training: { batchSize: 256, tokensPerExample: 128, estimatedBytes: 40 * 1024 ** 3, availableBytes: 8 * 1024 ** 3, fits: false },
  })
}

export function sampleImport(): ModelSummary {
  return sampleModel({
    id: 'lib:vit-dummy',
    name: 'vit-dummy',
    family: 'vit',
    modality: 'image',
    forwardFlopsUnit: 'image',
    source: { kind: 'imported', path: '/models/vit-dummy-bin/pytorch_model.bin' },
    addedAt: '2026-12-02T07:00:00.000Z',
    warnings: ['config.json assumed 1 head'],
  })
}

export function sampleDetail(summary: ModelSummary = sampleModel()): ModelDetail {
  return {
    summary,
    config: { family: summary.family, hidden: summary.sizes.hidden, layers: summary.sizes.layers },
    weightsPath: '/app/resources/seeds/bert-moby/model.safetensors',
    sourceClass: 'BertForMaskedLM',
    tensors: [
      { name: 'bert.embeddings.word_embeddings.weight', shape: [8000, 128], dtype: 'F32', bytes: 4_096_000, canonical: ['embeddings.word'], ignored: null },
      { name: 'bert.embeddings.LayerNorm.weight', shape: [128], dtype: 'F32', bytes: 512, canonical: ['embeddings.ln.gamma'], ignored: null },
      { name: 'bert.pooler.dense.weight', shape: [128, 128], dtype: 'F32', bytes: 65_536, canonical: [], ignored: 'the pooler is not used' },
    ],
    lineage: [
      { modelId: summary.id, name: summary.name, made: { kind: 'trained', runId: 'run-7', step: 300 } },
      { modelId: null, name: 'bert-mini', made: null },
    ],
  }
}

export function samplePlan(exists = false): ExportPlan {
  const destination = '/work/exports/bert-moby-hf'
  return {
    destination,
    className: 'BertForMaskedLM',
    format: 'hf',
    dtype: 'f32',
    files: [
      { path: `${destination}/model.safetensors`, bytes: 17_543_680, exists },
      { path: `${destination}/config.json`, bytes: 612, exists: false },
    ],
    totalBytes: 17_544_292,
    recipe: { accelerate: 'accelerate launch train.py', torchrun: 'torchrun --nproc_per_node 8 train.py', readme: '# bert-moby' },
    warnings: [],
  }
}
