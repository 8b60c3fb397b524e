// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../shared'
import type { DesignConfig, DesignGrowthResult, GrowthOperatorResult } from '../../../shared/growth-design'
import { installStudioClient } from '../composables/client'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { useDesignerStore } from './designer'

let client: FakeStudioClient

beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

// The built-in encoder seed's sizes: 2 layers, hidden 128 in 2 heads of 64, FFN 512.
const seed: DesignConfig = { family: 'bert', numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512, vocabSize: 4000, maxPositions: 128 }
const figures = { parameters: 1, stepFlops: 1, memoryBytes: 1, fits: true, secondsPerStep: null }
const ligoSettings = [{ name: 'operatorSteps', type: 'integer' as const, default: 100, min: 0, help: 'Operator-training steps' }]

function design(target: DesignConfig): DesignGrowthResult {
  return {
    source: { label: 'bert-moby', config: seed, cliRef: '/app/resources/seeds/bert-moby', modelId: 'seed:bert-moby' },
    defaultData: 'moby-dick',
    target: { label: 'x2 depth', config: target },
    problems: [],
    before: figures,
    after: figures,
    growth: { method: 'ligo', steps: 100, flops: 1, secondsEstimate: null },
    plan: null,
    machine: { memoryBytes: 8e9, memoryKind: 'ram', measuredGflops: null },
    quickPicks: [],
    presets: [],
    methods: [{ name: 'ligo', label: 'LiGO', paper: 'Wang et al.', docs: '', functionPreserving: 'no', grows: { depth: true, width: true }, growthPhase: true, settings: ligoSettings, planner: false, supported: true, reason: null },
      { name: 'scratch', label: 'Scratch', paper: '', docs: '', functionPreserving: 'n/a', grows: { depth: true, width: true }, growthPhase: false, settings: [], planner: false, supported: true, reason: null },
      { name: 'net2net', label: 'Net2Net', paper: '', docs: '', functionPreserving: 'exact', grows: { depth: true, width: true }, growthPhase: false, settings: [], planner: false, supported: true, reason: null },
    ],
    sources: [],
  }
}
const operator: GrowthOperatorResult = { method: 'ligo', kind: 'init', smallLayers: 2, largeLayers: 4, depth: null, width: [], mappings: [], notes: [] }

async function loaded() {
  const store = useDesignerStore()
  const done = store.refresh()
  client.calls.designGrowth[0].resolve(design({ ...seed, numLayers: 4 }))
  await flush()
  client.calls.growthOperator[0]?.resolve(operator)
  await done
  return store
}

describe('useDesignerStore', () => {
  it("starts from the built-in seed at the host's default target and asks for its operator", async () => {
    const store = await loaded()
    expect(client.calls.designGrowth[0].args[0]).toMatchObject({ from: 'bert-moby', batchSize: 16, seqLen: 128, method: 'ligo' })
    expect(store.sizes).toEqual({ numLayers: 4, hiddenSize: 128, numHeads: 2, intermediateSize: 512 })
    expect(client.calls.growthOperator[0].args[0]).toMatchObject({ kind: 'init', from: 'bert-moby', to: { sizes: store.sizes }, method: 'ligo' })
    expect(store.operator).toEqual(operator)
  })

  it('gives the reason next to the control as soon as a size is typed, before the host answers', async () => {
    const store = await loaded()
    store.setSize('hiddenSize', 200)
    expect(store.problemsFor('hiddenSize').map((p) => p.code)).toEqual(['hidden-not-multiple-of-head'])
    expect(store.problemsFor('numHeads')).toEqual([])
    expect(store.valid).toBe(false)
    expect(store.recipe).toBeNull()
    store.setSize('hiddenSize', 192)
    expect(store.problemsFor('numHeads').map((p) => p.values.heads)).toEqual([3])
  })

  it('drops an answer that describes sizes the user has changed since', async () => {
    const store = await loaded()
    const pending = store.refresh()
    store.setSize('numLayers', 6)
    client.calls.designGrowth[1].resolve(design({ ...seed, numLayers: 4 }))
    await pending
    expect(store.sizes?.numLayers).toBe(6)
  })

  it("writes the changed settings into the recipe and the CLI line with the method's flags", async () => {
    const store = await loaded()
    store.setSetting('operatorSteps', 5)
    expect(store.recipe?.grow.settings).toEqual({ operatorSteps: 5 })
    expect(store.commands?.grow).toMatch(/^ligo grow --from \/app\/resources\/seeds\/bert-moby --to recipe\.json --method ligo --ligo-operator-steps 5 --batch 16 --seq 128 /)
  })

  it("sends the method's settings and the planner's tokens with every design request", async () => {
    const store = await loaded()
    store.setSetting('operatorSteps', 7)
    store.setPlanTokens(1e9)
    const pending = store.refresh()
    expect(client.calls.designGrowth[1].args[0]).toMatchObject({ method: 'ligo', settings: { operatorSteps: 7 }, planTokens: 1e9 })
    client.calls.designGrowth[1].resolve(design({ ...seed, numLayers: 4 }))
    await flush()
    client.calls.growthOperator[1]?.resolve(operator)
    await pending
  })

  it('starts the design as a grow run with the sizes as its target, and remembers the run', async () => {
    const store = await loaded()
    store.setSetting('operatorSteps', 2)
    const started = store.start('grow')
    expect(client.calls.startGrow[0].args[0]).toEqual({ from: 'seed:bert-moby', to: { sizes: store.sizes }, method: 'ligo', settings: { operatorSteps: 2 }, batchSize: 16, seqLen: 128, name: 'bert-moby → 4L · 128H · 2A · FFN 512 (ligo)' })
    const run = { id: '20261202T100000-grow-abc123', kind: 'grow' } as RunSummary
    client.calls.startGrow[0].resolve(run)
    expect(await started).toBe(run)
    expect(store.started).toBe(run)
  })

  it('starts a comparison: scratch first, the method, the chosen baselines, the budget, seeds and the data the host picked', async () => {
    const store = await loaded()
    store.setCompare({ baselines: ['net2net'], budget: { kind: 'flops', value: 3e14 }, seeds: 2 })
    const started = store.start('compare')
    expect(client.calls.startCompare[0].args[0]).toEqual({
      from: 'seed:bert-moby', to: { sizes: store.sizes }, methods: ['scratch', 'ligo', 'net2net'], data: 'moby-dick', budget: { kind: 'flops', value: 3e14 }, seeds: 2, batchSize: 16, seqLen: 128,
      name: 'bert-moby → 4L · 128H · 2A · FFN 512: scratch vs ligo vs net2net', // named in the window's language
    })
    expect(store.recipe?.compare).toEqual({ methods: ['scratch', 'ligo', 'net2net'], budget: { kind: 'flops', value: 3e14 }, seeds: 2 })
    client.calls.startCompare[0].reject(new Error('Cannot grow with net2net: …'))
    expect(await started).toBeNull()
    expect(store.startError).toContain('Cannot grow with net2net')
  })

  it('starts nothing while the design breaks a rule or the source is not in the zoo', async () => {
    const store = await loaded()
    store.setSize('hiddenSize', 200)
    expect(await store.start('grow')).toBeNull()
    expect(client.calls.startGrow).toEqual([])
  })
})
