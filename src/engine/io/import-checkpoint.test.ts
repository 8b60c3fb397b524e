/**
 * Import: configs read from the fixtures, single files with inferred configs (and what was assumed), legacy
 * gamma/beta names, wrappers and buffers, ties, and the errors for missing tensors, shape mismatches, unknown
 * architectures and forbidden pickles.
 */
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHARED_FIXTURES, op, torchZipBytes } from '../../../test/fixtures/bad-checkpoints/builders'
import { makeConfig } from '../models/config'
import { exportTensors } from './export-checkpoint'
import { writeSafetensors, type TensorToWrite } from './formats/safetensors'
import { importCheckpoint, openCheckpoint } from './import-checkpoint'
import { GPT2_LM_HEAD_MODEL, TIMM_VIT } from './names'
import { deterministicParams, tempDir } from './export-fixtures.testing'

const fixture = (name: string) => join(SHARED_FIXTURES, name)

/** A GPT-2 checkpoint of this config as GPT2LMHeadModel tensors, with edits applied. */
async function gpt2File(edit: (tensors: TensorToWrite[]) => TensorToWrite[], config = makeConfig('gpt2', { hiddenSize: 8, numHeads: 2, numLayers: 2, intermediateSize: 16, vocabSize: 11, maxPositions: 6 })) {
  const folder = tempDir('gpt2file')
  await writeSafetensors(join(folder, 'model.safetensors'), edit(exportTensors(GPT2_LM_HEAD_MODEL, config, deterministicParams(config))), { format: 'pt' })
  return folder
}

describe('importCheckpoint on the shared fixtures', () => {
  it('reads the config from config.json and the sizes from the shapes', async () => {
    const bert = await importCheckpoint(fixture('bert-tiniest-lmhead'))
    expect(bert.config).toMatchObject({ family: 'bert', hiddenSize: 4, numLayers: 1, numHeads: 1, intermediateSize: 8, vocabSize: 30522, maxPositions: 512, typeVocabSize: 2, layerNormEps: 1e-12, tieWordEmbeddings: true, addPooler: false })
    expect(bert.sourceClass).toBe('BertLMHeadModel')
    expect(bert.tokenizerPath).toBe(fixture('bert-tiniest-lmhead'))
    expect(bert.warnings).toEqual([])
    const vit = await importCheckpoint(fixture('vit-dummy-bin/pytorch_model.bin'))
    expect(vit.config).toMatchObject({ family: 'vit', hiddenSize: 5, imageSize: 10, patchSize: 10, numChannels: 3, numClasses: 2, intermediateSize: 1, layerNormEps: 1e-12 })
    expect(vit.tokenizerPath).toBeNull()
  })

  it('splits GPT-2 c_attn [H, 3H] into q, k, v [out, in]', async () => {
    const gpt2 = await importCheckpoint(fixture('gpt2-tiny-model'))
    const reader = (await openCheckpoint(fixture('gpt2-tiny-model'))).reader
    const cAttn = (await reader.readTensor('h.0.attn.c_attn.weight')).toFloat32() // [2, 6], columns q | k | v
    const k = gpt2.params['blocks.0.attn.k.weight'] // [2, 2]: k[out][in] = c_attn[in][2 + out]
    expect(Array.from(k.data)).toEqual([cAttn[2], cAttn[6 + 2], cAttn[3], cAttn[6 + 3]])
  })
})

describe('a single weights file without config.json', () => {
  it('infers the config from the shapes and says what it assumed (the head count)', async () => {
    const folder = tempDir('single')
    copyFileSync(fixture('bert-tiniest-lmhead/model.safetensors'), join(folder, 'weights.safetensors'))
    const bert = await importCheckpoint(join(folder, 'weights.safetensors'))
    expect(bert.config).toMatchObject({ family: 'bert', hiddenSize: 4, numHeads: 1, vocabSize: 30522 })
    expect(bert.assumptions.join('\n')).toMatch(/assumed 1 attention head \(head size 4\)/)
    expect(bert.warnings.join('\n')).toMatch(/no config\.json/)
    const gpt2 = await importCheckpoint(await gpt2File((t) => t, makeConfig('gpt2', { hiddenSize: 128, numHeads: 4, numLayers: 1, intermediateSize: 16, vocabSize: 5, maxPositions: 4 })))
    expect(gpt2.config.numHeads).toBe(2)
    expect(gpt2.assumptions.join()).toMatch(/assumed 2 attention heads \(head size 64\).*n_head/)
  })

  it('takes the head count of a timm model from config.json model_args', async () => {
    const config = makeConfig('vit', { hiddenSize: 8, numHeads: 4, numLayers: 1, intermediateSize: 8, imageSize: 8, patchSize: 4, numClasses: 3 })
    const folder = tempDir('timmvit')
    await writeSafetensors(join(folder, 'model.safetensors'), exportTensors(TIMM_VIT, config, deterministicParams(config)), null)
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ architecture: 'vit_tiny_patch16_224', num_classes: 3, model_args: { embed_dim: 8, depth: 1, num_heads: 4 } }))
    const vit = await importCheckpoint(folder)
    expect(vit.config).toMatchObject({ numHeads: 4, layerNormEps: 1e-6, numClasses: 3 })
    expect(vit.assumptions).toEqual([])
  })
})

describe('names the importer tolerates', () => {
  it('reads legacy LayerNorm gamma/beta for HF keys', async () => {
    const folder = tempDir('legacy')
    const source = await openCheckpoint(fixture('bert-tiniest-lmhead'))
    const tensors: TensorToWrite[] = []
    for (const name of source.reader.tensors.keys()) {
      const t = await source.reader.readTensor(name)
      tensors.push({ name: name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), dtype: t.dtype, shape: t.shape, data: t.data })
    }
    expect(tensors.filter((t) => t.name.endsWith('.gamma')).length).toBe(4)
    await writeSafetensors(join(folder, 'model.safetensors'), tensors, { format: 'pt' })
    copyFileSync(fixture('bert-tiniest-lmhead/config.json'), join(folder, 'config.json'))
    const legacy = await importCheckpoint(folder)
    const modern = await importCheckpoint(fixture('bert-tiniest-lmhead'))
    expect(legacy.params).toEqual(modern.params)
    expect(legacy.warnings.join()).toMatch(/8 legacy LayerNorm gamma\/beta names/)
  })

  it('strips a module. wrapper, skips buffers silently, warns about unexpected tensors, drops a stored tied copy', async () => {
    const folder = await gpt2File((tensors) => [
      ...tensors.map((t) => ({ ...t, name: `module.${t.name}` })),
      { name: 'module.transformer.h.0.attn.bias', dtype: 'F32', shape: [1, 1, 6, 6], data: new Float32Array(36) },
      { name: 'module.transformer.h.1.attn.masked_bias', dtype: 'F32', shape: [], data: new Float32Array(1) },
      { name: 'module.extra.thing', dtype: 'F32', shape: [2], data: new Float32Array(2) },
      { name: 'module.lm_head.weight', dtype: 'F32', shape: [11, 8], data: tensors.find((t) => t.name === 'transformer.wte.weight')!.data },
    ])
    const plan = await openCheckpoint(folder)
    expect(plan.warnings).toEqual([
      'every tensor name starts with "module." (a training wrapper); it was stripped',
      'no config.json beside the weights: the configuration was inferred from the tensor shapes',
      'unexpected tensor module.extra.thing [2]: not part of GPT2LMHeadModel; ignored',
      'module.lm_head.weight is stored, but the weights are tied (tie_word_embeddings is not false): the word embeddings are used, as transformers does',
    ])
    const imported = await importCheckpoint(folder)
    expect(imported.config).toMatchObject({ tieWordEmbeddings: true })
    expect(imported.params['head.lm.weight']).toBeUndefined()
  })

  it('keeps an untied head when config.json says tie_word_embeddings false', async () => {
    const folder = await gpt2File((tensors) => [...tensors, { name: 'lm_head.weight', dtype: 'F32', shape: [11, 8], data: new Float32Array(88).fill(0.25) }])
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_head: 2, tie_word_embeddings: false }))
    const imported = await importCheckpoint(folder)
    expect(imported.config).toMatchObject({ tieWordEmbeddings: false })
    expect(imported.params['head.lm.weight'].data[0]).toBe(0.25)
  })

  it('initialises the head of a bare model and says so', async () => {
    const imported = await importCheckpoint(await gpt2File((t) => t)) // no head needed: GPT-2 ties
    expect(imported.warnings.join()).not.toMatch(/initialised/)
    const config = makeConfig('vit', { hiddenSize: 8, numHeads: 2, numLayers: 1, intermediateSize: 8, imageSize: 8, patchSize: 4, numClasses: 3 })
    const folder = tempDir('vitmodel')
    await writeSafetensors(join(folder, 'model.safetensors'), exportTensors(TIMM_VIT, config, deterministicParams(config)).filter((t) => !t.name.startsWith('head.')), null)
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ architecture: 'vit_tiny_patch16_224', num_classes: 3, model_args: { num_heads: 2 } }))
    const vit = await importCheckpoint(folder)
    expect(vit.warnings.join('\n')).toMatch(/head\.cls\.weight is not in the checkpoint.*initialised/)
    expect(vit.params['head.cls.weight'].shape).toEqual([3, 8])
    expect(vit.params['head.cls.bias'].data.every((v) => v === 0)).toBe(true)
  })
})

describe('import errors', () => {
  it('names missing tensors by their file names', async () => {
    const folder = await gpt2File((tensors) => tensors.filter((t) => !t.name.startsWith('transformer.h.1.mlp.c_fc')))
    await expect(importCheckpoint(folder)).rejects.toThrow('model.safetensors: 2 tensors missing for GPT2LMHeadModel: transformer.h.1.mlp.c_fc.weight, transformer.h.1.mlp.c_fc.bias')
  })

  it('names a misshaped tensor with both shapes', async () => {
    const folder = await gpt2File((tensors) => tensors.map((t) => (t.name === 'transformer.h.1.attn.c_proj.weight' ? { ...t, shape: [8, 4], data: new Float32Array(32) } : t)))
    await expect(importCheckpoint(folder)).rejects.toThrow(/shape mismatch for transformer\.h\.1\.attn\.c_proj\.weight: the file has \[8,4\], .* needs \[8,8\]/)
  })

  it('names the tensor that contradicts config.json, with both shapes', async () => {
    const folder = await gpt2File((t) => t)
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_embd: 16, n_head: 2 }))
    await expect(importCheckpoint(folder)).rejects.toThrow(/config\.json says n_embd 16 but the weights have 8: tensor transformer\.wte\.weight has shape \[11,8\], config\.json implies \[11,16\]/)
  })

  it('refuses an unknown architecture and options the engine does not implement', async () => {
    const folder = tempDir('unknown')
    await writeSafetensors(join(folder, 'model.safetensors'), [{ name: 'conv1.weight', dtype: 'F32', shape: [2, 2], data: new Float32Array(4) }], null)
    await expect(importCheckpoint(folder)).rejects.toThrow(/unknown architecture/)
    const gpt2 = await gpt2File((t) => t)
    writeFileSync(join(gpt2, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_head: 2, activation_function: 'relu' }))
    await expect(importCheckpoint(gpt2)).rejects.toThrow('config.json: activation_function "relu" is not supported')
  })

  it('refuses a pickle with a forbidden global without running it', async () => {
    const folder = tempDir('pickle')
    const evil = torchZipBytes(Uint8Array.from([...op.proto(2), ...op.global('os', 'system'), ...op.unicode('touch /tmp/pwned'), ...op.tuple1(), ...op.reduce(), ...op.stop()]), {})
    writeFileSync(join(folder, 'pytorch_model.bin'), evil)
    await expect(importCheckpoint(folder)).rejects.toThrow(/pytorch_model\.bin: refusing to load global 'os\.system'/)
  })

  it('says what to do with a folder without weights or with several', async () => {
    const empty = tempDir('empty')
    await expect(importCheckpoint(empty)).rejects.toThrow(/no weights found/)
    writeFileSync(join(empty, 'a.pth'), '')
    writeFileSync(join(empty, 'b.pth'), '')
    await expect(importCheckpoint(empty)).rejects.toThrow(/several weight files \(a\.pth, b\.pth\)/)
    await expect(importCheckpoint(join(empty, 'nope'))).rejects.toThrow(/no such file or folder/)
  })
})
