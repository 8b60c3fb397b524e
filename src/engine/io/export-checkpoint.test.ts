/**
 * Exports: exact key sets and shapes per target class against hand-written lists from docs/formats/checkpoints.md §2
 * (test/reference/expected-keys.ts, independent of the name maps), round trips on every shared fixture (same
 * keys, shapes and bytes), re-import of exported models, sharding, safety rules, and LiGO operator export.
 */
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as expected from '../../../test/reference/expected-keys'
import { SHARED_FIXTURES } from '../../../test/fixtures/bad-checkpoints/builders'
import { makeConfig, type ModelConfig } from '../models/config'
import { TINY_CONFIGS } from '../models/tiny-configs'
import { exportCheckpoint, exportOperator, planCheckpointExport, type ExportOptions } from './export-checkpoint'
import { bytesOf } from './formats/dtypes'
import { openCheckpointFile } from './formats/open-checkpoint'
import { openSafetensors } from './formats/safetensors'
import { importCheckpoint } from './import-checkpoint'
import { deterministicParams, tempDir } from './export-fixtures.testing'

async function headerShapes(path: string): Promise<Record<string, number[]>> {
  const reader = await openCheckpointFile(path)
  return Object.fromEntries([...reader.tensors].map(([name, info]) => [name, [...info.shape]]))
}

async function exportModel(config: ModelConfig, options: Omit<ExportOptions, 'outDir'>) {
  const outDir = join(tempDir('export'), 'out')
  const result = await exportCheckpoint({ config, params: deterministicParams(config) }, { ...options, outDir })
  return { outDir, result }
}

const tiny = (family: keyof typeof TINY_CONFIGS) => TINY_CONFIGS[family]
const text = { H: 8, L: 2, I: 12 }
const image = { H: 8, L: 2, I: 12, C: 2, p: 4, N: 4, K: 3 }

describe('exported key sets equal what the target class expects (section 2 tables)', () => {
  it.each([
    ['BertForMaskedLM (tied: decoder omitted, pooler dropped)', tiny('bert'), 'hf', undefined, expected.bertForMaskedLM({ ...text, V: 13, P: 6, T: 2 })],
    ['RobertaForMaskedLM (untied: decoder written)', tiny('roberta'), 'hf', undefined, expected.robertaForMaskedLM({ ...text, V: 13, P: 8, T: 1 }, false)],
    ['GPT2LMHeadModel (tied: lm_head omitted)', tiny('gpt2'), 'hf', undefined, expected.gpt2LMHeadModel({ ...text, V: 11, P: 6 })],
    ['GPT2LMHeadModel (untied)', { ...tiny('gpt2'), tieWordEmbeddings: false }, 'hf', undefined, expected.gpt2LMHeadModel({ ...text, V: 11, P: 6 }, false)],
    ['ViTForImageClassification', tiny('vit'), 'hf', undefined, expected.vitForImageClassification(image)],
    ['DeiTForImageClassificationWithTeacher', tiny('deit'), 'hf', undefined, expected.deitForImageClassificationWithTeacher(image)],
    ['DeiTForImageClassification', tiny('deit'), 'hf', 'DeiTForImageClassification', expected.deitForImageClassification(image)],
    ['timm vit_*', tiny('vit'), 'timm', undefined, expected.timmVit(image, false)],
    ['timm deit_*_distilled_*', tiny('deit'), 'timm', undefined, expected.timmVit(image, true)],
    ['timm cait_*', tiny('cait'), 'timm', undefined, expected.timmCait({ ...image, A: 2, LT: 2 })],
  ] as const)('%s', async (_name, config, format, className, keys) => {
    const { outDir, result } = await exportModel(config as ModelConfig, { format, className })
    const written = await headerShapes(join(outDir, 'model.safetensors'))
    expect(Object.keys(written).sort()).toEqual(Object.keys(keys).sort())
    expect(written).toEqual(keys)
    expect(Object.fromEntries(result.keys)).toEqual(keys)
    // transformers refuses a file whose metadata format is not pt (§1.5).
    expect((await openSafetensors(join(outDir, 'model.safetensors'))).metadata).toEqual({ format: 'pt' })
    expect(readdirSync(outDir).sort()).toEqual(['README.md', 'config.json', 'model.safetensors'])
  })

  it('writes config.json with the sizes (transformers) and model_args (timm)', async () => {
    const grown = makeConfig('bert', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 40, vocabSize: 13, maxPositions: 6 })
    const bert = JSON.parse(readFileSync(join((await exportModel(grown, { format: 'hf' })).outDir, 'config.json'), 'utf8'))
    expect(bert).toMatchObject({ architectures: ['BertForMaskedLM'], model_type: 'bert', hidden_size: 16, num_attention_heads: 4, num_hidden_layers: 3, intermediate_size: 40, vocab_size: 13, max_position_embeddings: 6, type_vocab_size: 2, tie_word_embeddings: true, layer_norm_eps: 1e-12 })
    const gpt2 = JSON.parse(readFileSync(join((await exportModel(makeConfig('gpt2', { hiddenSize: 8, numHeads: 2, numLayers: 1, intermediateSize: 32, vocabSize: 11, maxPositions: 6 }), { format: 'hf' })).outDir, 'config.json'), 'utf8'))
    expect(gpt2).toMatchObject({ architectures: ['GPT2LMHeadModel'], n_embd: 8, n_head: 2, n_layer: 1, n_inner: null, n_positions: 6, activation_function: 'gelu_new' })
    const cait = JSON.parse(readFileSync(join((await exportModel(tiny('cait'), { format: 'timm' })).outDir, 'config.json'), 'utf8'))
    expect(cait).toMatchObject({ architecture: 'cait_xs24_384', num_classes: 3, model_args: { embed_dim: 8, depth: 2, num_heads: 2, img_size: 8, patch_size: 4, in_chans: 2, depth_token_only: 2, mlp_ratio: 1.5 } })
    const vit = JSON.parse(readFileSync(join((await exportModel(tiny('vit'), { format: 'hf' })).outDir, 'config.json'), 'utf8'))
    expect(vit).toMatchObject({ model_type: 'vit', image_size: 8, patch_size: 4, num_channels: 2, id2label: { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' } })
  })

  it('the README says how to load the export and continue training on several GPUs', async () => {
    const hf = readFileSync(join((await exportModel(tiny('gpt2'), { format: 'hf' })).outDir, 'README.md'), 'utf8')
    expect(hf).toMatch(/AutoModelForCausalLM\.from_pretrained/)
    expect(hf).toMatch(/accelerate launch/)
    expect(hf).toMatch(/torchrun --nproc_per_node/)
    const timm = readFileSync(join((await exportModel(tiny('cait'), { format: 'timm' })).outDir, 'README.md'), 'utf8')
    expect(timm).toMatch(/timm\.create_model\("local-dir:/)
    expect(timm).toMatch(/torchrun/)
  })
})

describe('round trip on every shared fixture: import, export, same keys, shapes and bytes', () => {
  it.each([
    ['bert-tiniest-lmhead', 'model.safetensors'],
    ['gpt2-tiny-model', 'model.safetensors'],
    ['gpt2-fake-lmhead', 'model.safetensors'],
    ['vit-dummy-bin', 'pytorch_model.bin'],
  ])('%s', async (fixture, weights) => {
    const source = join(SHARED_FIXTURES, fixture)
    const imported = await importCheckpoint(source)
    const outDir = join(tempDir('roundtrip'), fixture)
    const result = await exportCheckpoint({ ...imported, tokenizerFiles: imported.files.tokenizerFiles, sourceFiles: [imported.files.weights] }, { format: 'hf', outDir })
    expect(result.warnings).toEqual([])
    const before = await openCheckpointFile(join(source, weights))
    const after = await openSafetensors(join(outDir, 'model.safetensors'))
    expect([...after.tensors.keys()].sort()).toEqual([...before.tensors.keys()].sort())
    for (const [name, info] of before.tensors) {
      expect(after.tensors.get(name)!.shape, name).toEqual(info.shape)
      expect(Buffer.from(bytesOf((await after.readTensor(name)).data)).equals(Buffer.from(bytesOf((await before.readTensor(name)).data))), name).toBe(true)
    }
    if (weights === 'model.safetensors') {
      // Our writer lays files out as the reference writer does: the whole file is byte-identical.
      expect(readFileSync(join(outDir, 'model.safetensors')).equals(readFileSync(join(source, weights)))).toBe(true)
    }
    const config = JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8'))
    const original = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8'))
    expect(config.architectures).toEqual(original.architectures)
    for (const file of imported.files.tokenizerFiles) {
      expect(readFileSync(join(outDir, file.split('/').pop()!)).equals(readFileSync(file))).toBe(true)
    }
  })
})

describe('stored dtypes', () => {
  it('keeps a half-precision source half precision, byte for byte', async () => {
    const config = makeConfig('gpt2', { hiddenSize: 8, numHeads: 2, numLayers: 1, intermediateSize: 16, vocabSize: 11, maxPositions: 6 })
    const first = join(tempDir('f16'), 'a')
    await exportCheckpoint({ config, params: deterministicParams(config) }, { format: 'hf', outDir: first, dtype: 'F16' })
    expect(JSON.parse(readFileSync(join(first, 'config.json'), 'utf8')).torch_dtype).toBe('float16')
    const imported = await importCheckpoint(first)
    expect(imported.sourceDtype).toBe('F16')
    const second = join(tempDir('f16'), 'b')
    await exportCheckpoint(imported, { format: 'hf', outDir: second })
    expect(readFileSync(join(second, 'model.safetensors')).equals(readFileSync(join(first, 'model.safetensors')))).toBe(true)
    expect((await headerDtypes(join(second, 'model.safetensors'))).every((d) => d === 'F16')).toBe(true)
  })
})

async function headerDtypes(path: string): Promise<string[]> {
  return [...(await openSafetensors(path)).tensors.values()].map((t) => t.dtype)
}

describe('export of a re-imported model gives back the same parameters', () => {
  it.each(['bert', 'roberta', 'gpt2', 'vit', 'deit', 'cait'] as const)('%s', async (family) => {
    const config = TINY_CONFIGS[family]
    const params = deterministicParams(config)
    const format = family === 'cait' ? 'timm' : 'hf'
    const outDir = join(tempDir('reimport'), 'out')
    await exportCheckpoint({ config, params }, { format, outDir })
    const back = await importCheckpoint(outDir)
    expect(back.family).toBe(family)
    expect(back.assumptions).toEqual([])
    // BERT's tiny config has a pooler, which BertForMaskedLM does not hold.
    const expectedConfig = family === 'bert' ? { ...config, addPooler: false } : config
    expect(back.config).toEqual(expectedConfig)
    for (const [name, value] of Object.entries(back.params)) expect(Array.from(value.data), name).toEqual(Array.from(params[name].data))
  })
})

describe('export safety and errors', () => {
  it('refuses a non-empty folder unless forced, and then replaces only its own files', async () => {
    const outDir = tempDir('nonempty')
    writeFileSync(join(outDir, 'notes.txt'), 'mine')
    const model = { config: tiny('gpt2'), params: deterministicParams(tiny('gpt2')) }
    await expect(exportCheckpoint(model, { format: 'hf', outDir })).rejects.toThrow(/is not empty \(notes\.txt\).*`force`/)
    await exportCheckpoint(model, { format: 'hf', outDir, force: true })
    expect(readFileSync(join(outDir, 'notes.txt'), 'utf8')).toBe('mine')
    expect(existsSync(join(outDir, 'model.safetensors'))).toBe(true)
  })

  it('never overwrites the source checkpoint, even with --force into its own folder', async () => {
    const folder = join(tempDir('source'), 'ckpt')
    cpSync(join(SHARED_FIXTURES, 'gpt2-tiny-model'), folder, { recursive: true })
    const before = readFileSync(join(folder, 'model.safetensors'))
    const imported = await importCheckpoint(folder)
    const model = { ...imported, sourceFiles: [imported.files.weights, imported.files.configPath!], tokenizerFiles: imported.files.tokenizerFiles }
    await expect(exportCheckpoint(model, { format: 'hf', outDir: folder, force: true })).rejects.toThrow(/refusing to overwrite .*model\.safetensors/)
    expect(readFileSync(join(folder, 'model.safetensors')).equals(before)).toBe(true)
  })

  it('names a misshaped parameter with both shapes, and refuses impossible formats and classes', async () => {
    const config = tiny('gpt2')
    const params = deterministicParams(config)
    params['blocks.0.attn.q.weight'] = { shape: [8, 7], data: new Float32Array(56) }
    await expect(exportCheckpoint({ config, params }, { format: 'hf', outDir: join(tempDir('bad'), 'o') })).rejects.toThrow('blocks.0.attn.q.weight has shape [8,7], the config needs [8,8]')
    const cait = { config: tiny('cait'), params: deterministicParams(tiny('cait')) }
    await expect(exportCheckpoint(cait, { format: 'hf', outDir: join(tempDir('bad'), 'o') })).rejects.toThrow(/cannot be exported in hf format.*`format` timm/)
    await expect(exportCheckpoint({ config, params: deterministicParams(config) }, { format: 'hf', className: 'BertForMaskedLM', outDir: join(tempDir('bad'), 'o') })).rejects.toThrow(/BertForMaskedLM cannot hold a gpt2 model/)
    await expect(exportCheckpoint({ config, params: deterministicParams(config) }, { format: 'timm', outDir: join(tempDir('bad'), 'o') })).rejects.toThrow(/cannot be exported in timm format/)
  })

  it('shards above the size limit with an index, and the shards import back', async () => {
    const config = tiny('bert')
    const outDir = join(tempDir('shards'), 'out')
    const result = await exportCheckpoint({ config, params: deterministicParams(config) }, { format: 'hf', outDir, maxShardBytes: 2000 })
    const names = readdirSync(outDir).sort()
    expect(names).toContain('model.safetensors.index.json')
    expect(names.filter((n) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(n)).length).toBeGreaterThan(1)
    expect(names).not.toContain('model.safetensors')
    const index = JSON.parse(readFileSync(join(outDir, 'model.safetensors.index.json'), 'utf8'))
    expect(Object.keys(index.weight_map).sort()).toEqual([...result.keys.keys()].sort())
    const back = await importCheckpoint(outDir)
    expect(Object.keys(back.params).length).toBe(Object.keys(deterministicParams({ ...config, addPooler: false } as ModelConfig)).length)
  })
})

describe('the export plan', () => {
  // The plan lists every file with its size without writing (the export dialog); it must be exactly what the export
  // then writes: same paths in the same order, same byte counts, same README.
  const cases: Array<[string, ModelConfig, Omit<ExportOptions, 'outDir'>, boolean]> = [
    ['bert, hf, f32, with tokenizer files', tiny('bert'), { format: 'hf' }, true],
    ['gpt2, hf, f16', tiny('gpt2'), { format: 'hf', dtype: 'F16' }, false],
    ['bert, hf, bf16, sharded', tiny('bert'), { format: 'hf', dtype: 'BF16', maxShardBytes: 2000 }, false],
    ['vit, timm', tiny('vit'), { format: 'timm', provenance: { source: 'a test' } }, false],
    ['cait, timm, sharded', tiny('cait'), { format: 'timm', maxShardBytes: 1500 }, false],
  ]
  for (const [label, config, options, withTokenizer] of cases) {
    it(`${label}: equals the files a real export writes, and writes nothing itself`, async () => {
      const outDir = join(tempDir('plan'), 'out')
      const tokenizerFiles = withTokenizer ? ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json'].map((f) => join(SHARED_FIXTURES, 'bert-tiniest-lmhead', f)) : undefined
      const model = { config, params: deterministicParams(config), tokenizerFiles }
      const plan = await planCheckpointExport(model, { ...options, outDir })
      expect(existsSync(outDir)).toBe(false)
      const result = await exportCheckpoint(model, { ...options, outDir })
      expect(plan.files.map((f) => f.path)).toEqual(result.files)
      expect(plan.files.map((f) => f.bytes)).toEqual(result.files.map((f) => statSync(f).size))
      expect(plan.readme).toBe(readFileSync(join(outDir, 'README.md'), 'utf8'))
      expect(plan.className).toBe(result.className)
      expect(plan.warnings).toEqual(result.warnings)
    })
  }
})

describe('exportOperator', () => {
  it('writes the coefficients as safetensors and a JSON description listing them', async () => {
    const dir = join(tempDir('operator'), 'op')
    const tensors = { 'width.B_embed': { shape: [16, 8], data: Float32Array.from({ length: 128 }, (_, k) => k / 7) }, 'depth.w': { shape: [4, 2], data: new Float32Array(8).fill(0.5) } }
    const { files } = await exportOperator(dir, tensors, { kind: 'ligo', from: 'bert-6L-512', to: 'bert-12L-768' })
    expect(files.map((f) => f.split('/').pop())).toEqual(['operator.safetensors', 'operator.json'])
    const reader = await openSafetensors(files[0])
    expect(Array.from((await reader.readTensor('width.B_embed')).toFloat32())).toEqual(Array.from(tensors['width.B_embed'].data))
    expect(JSON.parse(readFileSync(files[1], 'utf8'))).toEqual({ kind: 'ligo', from: 'bert-6L-512', to: 'bert-12L-768', tensors: { 'width.B_embed': { shape: [16, 8], dtype: 'F32' }, 'depth.w': { shape: [4, 2], dtype: 'F32' } } })
    await expect(exportOperator(dir, tensors, {})).rejects.toThrow(/is not empty/)
  })
})
