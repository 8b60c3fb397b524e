// Comparisons as one kind of run of the one queue: progress read from the experiment folder, series and their
// metrics, one worker for every kind, the path policy, and comparisons written by the old separate queue
// (<workspace>/comparisons/<id>) still listed, opened, resumed in place and deleted.
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RUN_RECORD_FILE } from '../engine/library/run-records'
import type { MetricRecord, RunDetail, RunMetricsChunk, RunSummary } from '../shared'
import { studioRejection as rejection } from '../../test/helpers/studio-rejection'
import { studioHarness, type StudioHarness } from './testing/studio-harness'
import { until } from './testing/until'

const SEEDS = resolve(import.meta.dirname, '../../resources/seeds')
const line = (step: number, loss?: number): string =>
  JSON.stringify({ step, examples: 0, flops: step * 1e9, wallSeconds: step, cpuSeconds: step, trainLoss: 7, trainLossMean: 7, gradNorm: 1, lr: 1e-4, ...(loss ? { eval: { loss, examples: 8 } } : {}) } satisfies MetricRecord) + '\n'
const compare = { from: 'seed:bert-moby', to: 'bert-mini', methods: ['scratch', 'ligo'], data: 'moby-dick', budget: { kind: 'steps' as const, value: 40 }, evalEvery: 10 }

/** What the engine's compare writes into its folder (engine/experiments/README.md): experiment.json, a run folder per method. */
function writeExperiment(out: string, methods: string[], status: Record<string, string> = {}, steps = 10): void {
  writeFileSync(join(out, 'experiment.json'), JSON.stringify({ settings: { methods, seeds: [0] }, runs: Object.fromEntries(Object.entries(status).map(([k, s]) => [k, { status: s }])), sourceLoss: { 0: 6.2 } }))
  for (const m of methods) {
    mkdirSync(join(out, `${m}-seed0`), { recursive: true })
    writeFileSync(join(out, `${m}-seed0`, 'manifest.json'), JSON.stringify({ createdAt: '2026-12-02T07:00:00Z', backend: 'wasm', model: { family: 'bert' }, growth: { initial: { loss: 7, flops: 0, wallSeconds: 0, joules: null } } }))
    writeFileSync(join(out, `${m}-seed0`, 'metrics.jsonl'), line(steps, 6.9))
  }
}

describe('run queue: comparisons are runs of kind compare', () => {
  let h: StudioHarness
  beforeEach(() => {
    h = studioHarness({ seedsDir: SEEDS })
  })
  afterEach(() => h.close())
  const runOf = async (id: string) => (await h.invoke<RunSummary[]>('listRuns')).find((r) => r.id === id)!

  it('lists every kind in one list and runs one job of any kind at a time', async () => {
    const train = await h.invoke<RunSummary>('startTrain', { model: 'preset:bert-mini', data: 'moby-dick', steps: 10 })
    const cmp = await h.invoke<RunSummary>('startCompare', compare)
    await until(() => h.engine.calls.length === 1)
    expect(h.engine.calls[0].method).toBe('train')
    expect((await h.invoke<RunSummary[]>('listRuns')).map((r) => [r.kind, r.status]).sort()).toEqual([
      ['compare', 'queued'],
      ['train', 'running'],
    ])
    h.engine.calls[0].finish({})
    await until(() => h.engine.calls.length === 2) // the comparison waited for the training run
    const call = h.engine.calls[1]
    const out = join(h.workspaceDir, 'runs', cmp.id)
    expect(call).toMatchObject({ method: 'compare', params: { from: join(SEEDS, 'bert-moby'), to: 'bert-mini', methods: ['scratch', 'ligo'], out } })
    expect((await runOf(train.id)).status).toBe('completed')

    // progress over every method and seed, from the folder; the engine's ETA while it runs
    writeExperiment(out, ['scratch', 'ligo'])
    call.options!.onEvent!({ type: 'task.progress', taskId: 'e', done: 10, total: 40, unit: 'steps', elapsedSeconds: 1, etaSeconds: 30, message: '' })
    expect(await runOf(cmp.id)).toMatchObject({ kind: 'compare', status: 'running', done: 20, total: 80, unit: 'steps', etaSeconds: 30, model: 'seed:bert-moby', target: 'bert-mini' })
    const detail = await h.invoke<RunDetail>('getRun', { runId: cmp.id })
    expect(detail.family).toBe('bert')
    expect(detail.sourceLoss).toEqual({ 0: 6.2 })
    expect(detail.series.map((s) => [s.key, s.status])).toEqual([
      ['scratch-seed0', 'running'],
      ['ligo-seed0', 'running'],
    ])
    const chunk = await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: cmp.id, fromOffset: 0, series: 'ligo-seed0' })
    expect(chunk.records.map((r) => r.eval?.loss)).toEqual([6.9])

    writeExperiment(out, ['scratch', 'ligo'], { 'scratch-seed0': 'done', 'ligo-seed0': 'done' }, 40)
    call.finish({})
    await until(() => h.events.some((e) => e.type === 'run.status' && e.run.id === cmp.id && e.run.status === 'completed'))
    expect(await runOf(cmp.id)).toMatchObject({ status: 'completed', done: 80, total: 80, etaSeconds: null })
    expect((await h.invoke<RunDetail>('getRun', { runId: cmp.id })).series.every((s) => s.status === 'done')).toBe(true)
    expect((await rejection(h.invoke('resumeRun', { runId: cmp.id }))).message).toMatch(/has finished; duplicate it to run it again/)
  })

  it('refuses a comparison without scratch, before queueing', async () => {
    expect((await rejection(h.invoke('startCompare', { ...compare, methods: ['ligo'] }))).message).toMatch(/must include scratch/)
    expect(await h.invoke('listRuns')).toEqual([])
  })

  it('reads a metrics log from an offset and from the start after a resume cut it back', async () => {
    const cmp = await h.invoke<RunSummary>('startCompare', compare)
    await until(() => h.engine.calls.length === 1)
    const out = join(h.workspaceDir, 'runs', cmp.id)
    writeExperiment(out, ['scratch', 'ligo'])
    const log = join(out, 'ligo-seed0', 'metrics.jsonl')
    const first = await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: cmp.id, fromOffset: 0, series: 'ligo-seed0' })
    expect(first).toMatchObject({ nextOffset: Buffer.byteLength(line(10, 6.9)), reset: false, final: false })
    appendFileSync(log, line(20) + line(30, 6.5).slice(0, 20)) // a line being written
    const second = await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: cmp.id, fromOffset: first.nextOffset, series: 'ligo-seed0' })
    expect(second.records.map((r) => r.step)).toEqual([20])
    truncateSync(log, first.nextOffset) // the resumed run went back to its checkpoint at step 10
    const third = await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: cmp.id, fromOffset: second.nextOffset, series: 'ligo-seed0' })
    expect(third).toMatchObject({ reset: true, nextOffset: first.nextOffset })
    expect(third.records.map((r) => r.step)).toEqual([10])
    h.engine.calls[0].finish({})
  })

  it('checks paths with the host path policy: behind ligo serve only inside the workspace', async () => {
    const serve = studioHarness({ seedsDir: SEEDS, host: 'serve' })
    try {
      expect((await rejection(serve.invoke('startCompare', { ...compare, data: '/etc' }))).code).toBe('forbidden')
      mkdirSync(join(serve.workspaceDir, 'uploads', 'text'), { recursive: true })
      await serve.invoke('startCompare', { ...compare, data: join(serve.workspaceDir, 'uploads', 'text') })
      await until(() => serve.engine.calls.length === 1)
      expect(serve.engine.calls[0].params).toMatchObject({ data: join(serve.workspaceDir, 'uploads', 'text') })
      serve.engine.calls[0].finish({})
    } finally {
      serve.close()
    }
  })

  it('lists, opens, resumes in place and deletes a comparison the old separate queue wrote', async () => {
    const id = 'cmp-mi4x0a1b-9zq2rt'
    const dir = join(h.workspaceDir, 'comparisons', id)
    mkdirSync(dir, { recursive: true })
    const oldParams = { ...compare, from: join(SEEDS, 'bert-moby') }
    // the old record: same format name, `state` instead of kind/status; it was running when that host stopped
    writeFileSync(join(dir, RUN_RECORD_FILE), JSON.stringify({ format: 'ligo-studio-run', version: 1, id, params: oldParams, state: 'running', createdAt: '2026-12-01T10:00:00.000Z', error: null }))
    writeExperiment(dir, ['scratch', 'ligo'], { 'scratch-seed0': 'done' })

    const [listed] = await h.invoke<RunSummary[]>('listRuns')
    expect(listed).toMatchObject({ id, kind: 'compare', status: 'interrupted', name: 'bert-moby → bert-mini: scratch, ligo', done: 50, total: 80, model: join(SEEDS, 'bert-moby') })
    const detail = await h.invoke<RunDetail>('getRun', { runId: id })
    expect(detail.series.map((s) => [s.key, s.status])).toEqual([
      ['scratch-seed0', 'done'],
      ['ligo-seed0', 'stopped'],
    ])
    expect(detail.facts).toContainEqual(['folder', dir])
    expect((await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: id, fromOffset: 0, series: 'scratch-seed0' })).records).toHaveLength(1)

    await h.invoke('resumeRun', { runId: id })
    await until(() => h.engine.calls.length === 1)
    expect(h.engine.calls[0]).toMatchObject({ method: 'compare', params: { from: join(SEEDS, 'bert-moby'), out: dir } }) // the folder is not moved
    h.engine.calls[0].finish({})
    await until(() => h.events.some((e) => e.type === 'run.status' && e.run.id === id && e.run.status === 'completed'))
    const migrated = JSON.parse(readFileSync(join(dir, RUN_RECORD_FILE), 'utf8'))
    expect(migrated).toMatchObject({ kind: 'compare', status: 'completed', params: oldParams }) // rewritten in the current form
    expect(existsSync(join(h.workspaceDir, 'runs', id))).toBe(false)

    expect(await h.invoke('deleteRun', { runId: id })).toEqual({ deleted: true })
    expect(existsSync(dir)).toBe(false)
    expect(existsSync(join(h.workspaceDir, 'comparisons'))).toBe(true)
  })
})
