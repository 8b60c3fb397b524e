import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { validateStudioParams } from '../../shared'
import type { DesignGrowthParams, DesignGrowthResult, GrowthOperatorParams, GrowthOperatorResult } from '../../shared/growth-design'
import { studioRejection } from '../../../test/helpers/studio-rejection'
import { studioHarness } from '../testing/studio-harness'

const FIXTURES = '/work/shared/fixtures'
const SEEDS = join(resolve(import.meta.dirname, '../../..'), 'resources/seeds')
// Desktop host: paths outside the workspace are readable (serve mode would refuse them, as for every path).
const h = studioHarness({ seedsDir: SEEDS })
// Only what the designer reads of the engine's hardware record: the backend, RAM and GPUs.
h.engine.hardware = { backend: 'wasm', memory: { totalBytes: 8 * 1024 ** 3, freeBytes: 1024 ** 3 }, gpus: [] } as never
afterAll(() => h.close())
const handlers = {
  designGrowth: (params: DesignGrowthParams) => h.invoke<DesignGrowthResult>('designGrowth', params),
  growthOperator: (params: GrowthOperatorParams) => h.invoke<GrowthOperatorResult>('growthOperator', params),
}

describe('designGrowth on the host', () => {
  it('opens a built-in seed header-only and designs a custom target with its figures', async () => {
    const design = await handlers.designGrowth({ from: 'bert-moby', to: { sizes: { numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 } }, batchSize: 16, seqLen: 64 })
    expect(design.source).toMatchObject({ label: 'bert-moby', config: { family: 'bert', numLayers: 2, hiddenSize: 128 } })
    expect(design.source.cliRef).toBe(join(SEEDS, 'bert-moby')) // what `ligo grow --from` takes
    expect(design.source.modelId).toBe('seed:bert-moby') // what startGrow / startCompare take
    expect(design.defaultData).toBe('moby-dick')
    expect((await handlers.designGrowth({ from: 'bert-mini', batchSize: 4 })).source.modelId).toBe('preset:bert-mini')
    expect(design.problems).toEqual([])
    expect(design.after!.parameters).toBeGreaterThan(design.before.parameters)
    expect(design.machine).toEqual({ memoryBytes: 8 * 1024 ** 3, memoryKind: 'ram', measuredGflops: null })
    expect(design.growth).toMatchObject({ method: 'ligo', steps: 100 })
  })

  it('shows an invalid size with its reason instead of refusing the request', async () => {
    const design = await handlers.designGrowth({ from: 'bert-moby', to: { sizes: { numLayers: 1, hiddenSize: 128, numHeads: 2, intermediateSize: 512 } }, batchSize: 16 })
    expect(design.problems).toEqual([{ control: 'numLayers', code: 'shrinks', values: { source: 2, target: 1 } }])
    expect(design.after).toBeNull()
  })

  it('takes a HuggingFace config.json as the target and a checkpoint folder as the source', async () => {
    const design = await handlers.designGrowth({ from: join(FIXTURES, 'gpt2-tiny-model'), to: { configPath: join(FIXTURES, 'gpt2-fake-lmhead', 'config.json') }, batchSize: 2, seqLen: 8 })
    expect(design.source.label).toBe('gpt2-tiny-model')
    // the fake GPT-2 has the full 50257-token vocabulary: not a growth of the 21-token tiny one
    expect(design.problems.map((p) => p.control)).toEqual(['vocabSize'])
  })

  it('defaults the target to twice the depth, takes a picked config.json by content and lists the sources', async () => {
    const design = await handlers.designGrowth({ from: 'vit-mnist', batchSize: 8 })
    expect(design.target.config).toMatchObject({ numLayers: 8, hiddenSize: 64 })
    expect(design.sources.filter((s) => s.kind === 'seed').map((s) => s.id)).toEqual(['bert-moby', 'gpt2-moby', 'vit-mnist', 'cait-mnist'])
    const picked = await handlers.designGrowth({ from: 'bert-moby', to: { configJson: { model_type: 'bert', num_hidden_layers: 4, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024 }, name: 'config.json' }, batchSize: 8 })
    expect([picked.target.label, picked.problems, picked.target.config.hiddenSize]).toEqual(['config.json', [], 256])
  })

  it('refuses unknown presets and missing paths with a clear error', async () => {
    expect((await studioRejection(handlers.designGrowth({ from: 'bert-moby', to: { preset: 'bert-huge' }, batchSize: 1 }))).message).toMatch(/^Unknown model preset "bert-huge"/)
    expect((await studioRejection(handlers.designGrowth({ from: '/no/such/model', to: { preset: 'bert-base' }, batchSize: 1 }))).code).toBe('not_found')
    expect(() => validateStudioParams('designGrowth', { from: 'x', to: { sizes: { numLayers: 2 } }, batchSize: 1 })).toThrow('designGrowth params.to.sizes.hiddenSize must be a finite number')
  })

  it("draws a method's initial operator for the design", async () => {
    const op = await handlers.growthOperator({ kind: 'init', from: 'bert-moby', to: { sizes: { numLayers: 4, hiddenSize: 128, numHeads: 2, intermediateSize: 512 } }, method: 'stackbert' })
    expect(op.depth).toMatchObject({ rows: 4, cols: 2, values: [1, 0, 0, 1, 1, 0, 0, 1] })
    expect((await studioRejection(handlers.growthOperator({ kind: 'learned', from: FIXTURES }))).code).toBe('not_found')
  })
})
