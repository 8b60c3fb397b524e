/**
 * HF/timm config.json -> engine config. Independent truth: the real HF checkpoints in /work/shared/fixtures (their
 * config read alone must equal the config the importer builds from the weights' shapes), and round trips through
 * the export direction (hf-config.ts) for every family and paper preset.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getPreset, PRESETS } from '../models/presets'
import type { VisionConfig } from '../models/config'
import { resolveLargeConfig } from '../experiments/source'
import { resolveModel } from '../train/run-training'
import { readConfigFile } from './config-file'
import { configFromHfJson } from './config-from-hf'
import { hfConfigJson, timmConfigJson, type JsonObject } from './hf-config'
import { openCheckpoint } from './import-checkpoint'

const FIXTURES = '/work/shared/fixtures'
const readJson = (path: string): JsonObject => JSON.parse(readFileSync(path, 'utf8'))

describe('config.json -> engine config', () => {
  it("equals what the importer reads from each real checkpoint's weights", async () => {
    for (const name of ['bert-tiniest-lmhead', 'gpt2-fake-lmhead', 'gpt2-tiny-model', 'vit-dummy-bin']) {
      const dir = join(FIXTURES, name)
      const imported = (await openCheckpoint(dir)).config
      const { config } = configFromHfJson(readJson(join(dir, 'config.json')), `${name}/config.json`)
      // Ties and the pooler live in the weights (a bare GPT2Model has no head to tie); the sizes must agree exactly.
      expect({ ...config, tieWordEmbeddings: undefined, addPooler: undefined }, name).toEqual({ ...imported, tieWordEmbeddings: undefined, addPooler: undefined })
    }
  })

  it('round-trips the config.json the engine exports, for every preset', () => {
    for (const preset of PRESETS) {
      const c = preset.config
      const json = c.family === 'cait' ? timmConfigJson(c as VisionConfig) : hfConfigJson(c, 'X')
      expect(configFromHfJson(json, preset.id).config, preset.id).toEqual(c)
    }
  })

  it('takes what a target leaves out from the source and says which defaults it assumed', () => {
    const source = getPreset('gpt2-seed').config
    const { config, assumptions } = configFromHfJson({ model_type: 'gpt2', n_layer: 4, n_embd: 192, n_head: 3 }, 'big.json', source)
    expect(config).toMatchObject({ numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768, vocabSize: 4000, maxPositions: 128 })
    expect(assumptions).toEqual([])
    const alone = configFromHfJson({ model_type: 'bert', vocab_size: 100 }, 'a.json')
    expect(alone.assumptions).toContain('a.json: no hidden_size; assumed 768 (the library default)')
  })

  it('refuses what it cannot build, naming the file and the field', () => {
    expect(() => configFromHfJson({ model_type: 'llama' }, 'c.json')).toThrow('c.json: model_type "llama" is not a family this engine grows')
    expect(() => configFromHfJson({ model_type: 'gpt2', n_embd: 64 }, 'c.json')).toThrow('c.json: vocab_size is missing')
    expect(() => configFromHfJson({ model_type: 'bert', vocab_size: 10, hidden_act: 'relu' }, 'c.json')).toThrow('c.json: hidden_act "relu" is not supported')
    expect(() => configFromHfJson({ model_type: 'bert', vocab_size: 10, hidden_size: 100, num_attention_heads: 3 }, 'c.json')).toThrow('c.json: Model config (bert): hidden size 100 is not divisible by 3 heads')
    expect(() => configFromHfJson({ architecture: 'resnet50' }, 'c.json')).toThrow(/c\.json: neither a transformers config/)
  })
})

describe('config files as --to / --model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ligo-config-file-'))
  const write = (name: string, value: unknown): string => {
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify(value))
    return path
  }
  const source = getPreset('bert-seed').config

  it('reads an HF config.json, the engine config and a designer recipe', () => {
    const hf = readConfigFile(write('config.json', { model_type: 'bert', num_hidden_layers: 4, hidden_size: 192, num_attention_heads: 3, intermediate_size: 768 }), '--to', source)
    expect(hf).toMatchObject({ kind: 'hf', config: { ...source, numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 } })
    const engine = readConfigFile(write('engine.json', { numLayers: 4 }), '--to', source)
    expect(engine).toMatchObject({ kind: 'engine', config: { ...source, numLayers: 4 } })
    const recipe = { format: 'ligo-growth-recipe', version: 1, from: 'bert-moby', to: { sizes: { numLayers: 3, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 } }, method: 'ligo', grow: {} }
    expect(readConfigFile(write('recipe.json', recipe), '--to', source)).toMatchObject({ kind: 'recipe', config: { ...source, numLayers: 3, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 } })
    expect(() => readConfigFile(join(dir, 'recipe.json'), '--model')).toThrow('--model recipe.json: a growth recipe gives sizes relative to its source model')
  })

  it('is what ligo grow/compare --to and ligo train --model resolve (the message "unknown field model_type" is gone)', async () => {
    const hf = write('hf-target.json', { model_type: 'bert', num_hidden_layers: 4, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024, vocab_size: 4000, max_position_embeddings: 128 })
    expect(resolveLargeConfig(hf, source)).toEqual({ ...source, numLayers: 4, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 })
    expect(() => resolveLargeConfig(write('gpt.json', { model_type: 'gpt2', vocab_size: 4000 }), source)).toThrow('Cannot grow a bert model into a gpt2 config')
    const model = await resolveModel(join(FIXTURES, 'vit-dummy-bin', 'config.json'))
    expect(model.weights).toBeUndefined() // a config file trains from a random init
    expect(model.config).toEqual((await openCheckpoint(join(FIXTURES, 'vit-dummy-bin'))).config)
  })

  it('names the flag and the file in errors', () => {
    writeFileSync(join(dir, 'broken.json'), '{ nope')
    expect(() => readConfigFile(join(dir, 'broken.json'), '--to', source)).toThrow(/^--to broken\.json: not valid JSON/)
    expect(() => readConfigFile(write('odd.json', { numLayers: 4, colour: 'red' }), '--to', source)).toThrow('--to odd.json: Model config (bert): unknown field "colour"')
  })
})
