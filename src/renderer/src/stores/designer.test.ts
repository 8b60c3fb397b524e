// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
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
    source: { label: 'bert-moby', config: seed, cliRef: '/app/resources/seeds/bert-moby' },
    target: { label: 'x2 depth', config: target },
    problems: [],
    before: figures,
    after: figures,
    growth: { method: 'ligo', steps: 100, flops: 1, secondsEstimate: null },
    machine: { memoryBytes: 8e9, memoryKind: 'ram', measuredGflops: null },
    quickPicks: [],
    presets: [],
    methods: [{ name: 'ligo', label: 'LiGO', paper: 'Wang et al.', docs: '', functionPreserving: 'no', grows: { depth: true, width: true }, growthPhase: true, settings: ligoSettings, supported: true, reason: null }],
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
})
