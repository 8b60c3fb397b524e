/**
 * Growths and comparisons of a designed size (startGrow / startCompare with `to: { sizes }`): the host checks the
 * sizes with the designer's rules, writes the target config into the run folder, and the engine grows into it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readConfigFile } from '../engine/io/config-file'
import { readCheckpointHeaders } from '../engine/library/checkpoint-headers'
import { validateConfig } from '../engine/models/config'
import type { RunDetail, RunSummary } from '../shared'
import { studioRejection as rejection } from '../../test/helpers/studio-rejection'
import { TARGET_CONFIG_FILE } from './target-config'
import { studioHarness, type StudioHarness } from './testing/studio-harness'
import { until } from './testing/until'

const SEEDS = resolve(import.meta.dirname, '../../resources/seeds')
const sizes = { numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 }

describe('runs of a designed target size', () => {
  let h: StudioHarness
  beforeEach(() => {
    h = studioHarness({ seedsDir: SEEDS })
  })
  afterEach(() => h.close())

  it("writes the seed's config with the designed sizes into the run folder and hands that file to the engine", async () => {
    const run = await h.invoke<RunSummary>('startGrow', { from: 'seed:bert-moby', to: { sizes }, method: 'ligo', settings: { operatorSteps: 2 }, batchSize: 2, seqLen: 16 })
    expect(run).toMatchObject({ kind: 'grow', status: 'queued', target: '4L · 192H · 3A · FFN 768', name: 'bert-moby → 4L · 192H · 3A · FFN 768 (ligo)' })
    const dir = join(h.workspaceDir, 'runs', run.id)
    const file = join(dir, TARGET_CONFIG_FILE)
    const seed = (await readCheckpointHeaders(join(SEEDS, 'bert-moby'), 'hf')).config
    // The engine reads the file back (as `ligo grow --to` does) into the seed with exactly the designed sizes.
    expect(readConfigFile(file, '`to`', seed).config).toEqual(validateConfig({ ...seed, ...sizes }))
    await until(() => h.engine.calls.length === 1)
    expect(h.engine.calls[0]).toMatchObject({ method: 'grow', params: { from: join(SEEDS, 'bert-moby'), to: file, method: 'ligo', out: dir, settings: { operatorSteps: 2 } } })
    // the run keeps the sizes as given (a duplicate starts the same design)
    expect((await h.invoke<RunDetail>('getRun', { runId: run.id })).params).toMatchObject({ to: { sizes } })
  })

  it('does the same for a comparison', async () => {
    const run = await h.invoke<RunSummary>('startCompare', { from: 'seed:gpt2-moby', to: { sizes: { ...sizes, numLayers: 2 } }, methods: ['scratch', 'net2net'], data: 'moby-dick', budget: { kind: 'steps', value: 4 }, seeds: 1 })
    const file = join(h.workspaceDir, 'runs', run.id, TARGET_CONFIG_FILE)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ family: 'gpt2', numLayers: 2, hiddenSize: 192, numHeads: 3, intermediateSize: 768 })
    await until(() => h.engine.calls.length === 1)
    expect(h.engine.calls[0]).toMatchObject({ method: 'compare', params: { to: file, methods: ['scratch', 'net2net'] } })
  })

  it("refuses sizes the designer's rules refuse, before any folder is made", async () => {
    const bad = await rejection(h.invoke('startGrow', { from: 'seed:bert-moby', to: { sizes: { ...sizes, hiddenSize: 200 } }, method: 'ligo' }))
    expect(bad).toMatchObject({ code: 'invalid_request', message: 'startGrow.to: hidden size 200 is not a multiple of the head size 64: growth keeps the head size and adds heads (try 192 or 256)' })
    const shrinks = await rejection(h.invoke('startCompare', { from: 'seed:bert-moby', to: { sizes: { ...sizes, numLayers: 1 } }, methods: ['scratch'], data: 'moby-dick', budget: { kind: 'steps', value: 4 } }))
    expect(shrinks.message).toBe("startCompare.to: layers 1 is below the source's 2: growth only deepens")
    expect((await rejection(h.invoke('startGrow', { from: 'seed:nope', to: { sizes }, method: 'ligo' }))).code).toBe('not_found')
    expect(await h.invoke('listRuns')).toEqual([])
    const runs = join(h.workspaceDir, 'runs')
    expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([])
  })
})
