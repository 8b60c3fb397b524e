import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeRunRecord, type RunRecord } from '../engine/library/run-records'
import { StudioError, type GrowthMethodInfo, type RunDetail, type RunMetricsChunk, type RunSummary } from '../shared'
import { studioRejection as rejection } from '../../test/helpers/studio-rejection'
import { studioHarness, type StudioHarness } from './testing/studio-harness'
import { until } from './testing/until'

const SEEDS = resolve(import.meta.dirname, '../../resources/seeds')

describe('runs: queue, status, metrics, cancel, resume, delete', () => {
  let h: StudioHarness
  beforeEach(() => {
    h = studioHarness({ seedsDir: SEEDS })
  })
  afterEach(() => h.close())

  const runOf = async (id: string) => (await h.invoke<RunSummary[]>('listRuns')).find((r) => r.id === id)!

  it('runs one job at a time, in order, in a folder of the workspace, with the zoo id resolved for the engine', async () => {
    const first = await h.invoke<RunSummary>('startTrain', { model: 'seed:bert-moby', data: 'moby-dick', steps: 20, settings: { batchSize: 4 } })
    const second = await h.invoke<RunSummary>('startGrow', { from: 'seed:bert-moby', to: 'bert-mini-grown', method: 'net2net' })
    expect(first).toMatchObject({ kind: 'train', status: 'queued', name: 'bert-moby on moby-dick', model: 'seed:bert-moby' })
    await until(() => h.engine.calls.length === 1)
    const train = h.engine.calls[0]
    expect(train.method).toBe('train')
    expect(train.params).toEqual({ model: join(SEEDS, 'bert-moby'), data: 'moby-dick', steps: 20, batchSize: 4, runDir: join(h.workspaceDir, 'runs', first.id) })
    expect((await runOf(first.id)).status).toBe('running')
    expect(await runOf(second.id)).toMatchObject({ status: 'queued', queuePosition: 0 })

    // progress and metrics reach the renderer tagged with the run id
    train.options!.onEvent!({ type: 'task.progress', taskId: '9', done: 5, total: 20, unit: 'steps', elapsedSeconds: 1, etaSeconds: 3, message: 'step 5/20' })
    await h.waitForEvent((e) => e.type === 'task.progress' && e.taskId === first.id)
    train.finish({})
    await until(() => h.engine.calls.length === 2)
    expect((await runOf(first.id)).status).toBe('completed')
    expect(h.engine.calls[1]).toMatchObject({ method: 'grow', params: { from: join(SEEDS, 'bert-moby'), to: 'bert-mini-grown', method: 'net2net', out: join(h.workspaceDir, 'runs', second.id), force: false } })
    await h.waitForEvent((e) => e.type === 'run.status' && e.run.id === first.id && e.run.status === 'completed')
  })

  it('refuses a start the engine would refuse, before queueing anything', async () => {
    expect((await rejection(h.invoke('startTrain', { model: 'seed:nope', data: 'moby-dick', steps: 5 }))).code).toBe('not_found')
    const bad = await rejection(h.invoke('startTrain', { model: 'preset:bert-mini', data: 'moby-dick', steps: 5, settings: { batchSize: 0 } }))
    expect(bad.message).toMatch(/batchSize must be between 1/)
    expect((await rejection(h.invoke('startGrow', { from: 'preset:bert-mini', to: 'bert-base', method: 'ligo', out: '/tmp/x' }))).message).toMatch(/the host chooses the run folder/)
    expect(await h.invoke('listRuns')).toEqual([])
  })

  it('reads metrics from an offset, whole lines only, so a reopened window catches up', async () => {
    const run = await h.invoke<RunSummary>('startTrain', { model: 'preset:bert-mini', data: 'moby-dick', steps: 10 })
    await until(() => h.engine.calls.length === 1)
    const dir = join(h.workspaceDir, 'runs', run.id)
    const line = (step: number) => `${JSON.stringify({ step, trainLoss: 10 - step })}\n`
    appendFileSync(join(dir, 'metrics.jsonl'), line(1) + line(2) + '{"step": 3, "trainL')
    const first = await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: run.id, fromOffset: 0 })
    expect(first.records.map((r) => r.step)).toEqual([1, 2])
    expect(first.nextOffset).toBe(Buffer.byteLength(line(1) + line(2)))
    expect(first.final).toBe(false)
    appendFileSync(join(dir, 'metrics.jsonl'), 'oss": 7}\n' + line(4))
    const next = await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: run.id, fromOffset: first.nextOffset })
    expect(next.records.map((r) => r.step)).toEqual([3, 4])
    expect((await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: run.id, fromOffset: next.nextOffset })).records).toEqual([])
    h.engine.calls[0].finish({})
    await until(() => h.events.some((e) => e.type === 'run.status' && e.run.status === 'completed'))
    expect((await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: run.id, fromOffset: next.nextOffset })).final).toBe(true)
    expect((await rejection(h.invoke('readRunMetrics', { runId: run.id, fromOffset: 0, series: '../../x' }))).code).toBe('invalid_request')
  })

  it('cancels a running run (the engine checkpoints) and a queued one; an engine crash leaves the run interrupted', async () => {
    const a = await h.invoke<RunSummary>('startTrain', { model: 'preset:bert-mini', data: 'moby-dick', steps: 10 })
    const b = await h.invoke<RunSummary>('startTrain', { model: 'preset:bert-mini', data: 'moby-dick', steps: 10 })
    const c = await h.invoke<RunSummary>('startTrain', { model: 'preset:bert-mini', data: 'moby-dick', steps: 10 })
    await until(() => h.engine.calls.length === 1)
    expect(await h.invoke('cancelRun', { runId: b.id })).toMatchObject({ status: 'cancelled' })
    await h.invoke('cancelRun', { runId: a.id })
    await until(() => h.engine.calls.length === 2) // a stopped, b skipped, c started
    expect((await runOf(a.id)).status).toBe('cancelled')
    expect(h.engine.calls[1].params).toMatchObject({ runDir: join(h.workspaceDir, 'runs', c.id) })
    h.engine.calls[1].fail(new StudioError('engine_crashed', 'The engine process (pid 7) exited unexpectedly (killed by signal SIGKILL) while handling train;'))
    await until(() => h.events.some((e) => e.type === 'run.status' && e.run.id === c.id && e.run.status === 'interrupted'))
    expect((await runOf(c.id)).error).toMatch(/SIGKILL.*Resume the run to continue from its last checkpoint/)
  })

  it('a run that was running when the app stopped shows as interrupted and resumes from its last checkpoint', async () => {
    const id = '20261202T080000-train-abc123'
    const runs = join(h.workspaceDir, 'runs')
    const checkpoint = join(runs, id, 'checkpoints', 'step-0000010')
    mkdirSync(checkpoint, { recursive: true })
    writeFileSync(join(runs, id, 'manifest.json'), '{}')
    writeFileSync(join(runs, id, 'metrics.jsonl'), `${JSON.stringify({ step: 10, trainLoss: 6 })}\n`)
    writeFileSync(join(checkpoint, 'trainer-state.json'), '{}')
    writeFileSync(join(checkpoint, 'model.safetensors'), '')
    const record: RunRecord = {
      format: 'ligo-studio-run',
      version: 1,
      id,
      kind: 'train',
      params: { model: 'preset:bert-mini', data: 'moby-dick', steps: 40 },
      name: 'left running',
      status: 'running',
      createdAt: '2026-12-02T08:00:00.000Z',
      updatedAt: '2026-12-02T08:00:00.000Z',
      done: 12,
      total: 40,
      lastCheckpointStep: null,
      error: null,
    }
    await writeRunRecord(runs, record)
    const [listed] = await h.invoke<RunSummary[]>('listRuns')
    expect(listed).toMatchObject({ id, status: 'interrupted', lastCheckpointStep: 10 })
    expect(listed.error).toMatch(/resume it from step 10/)
    expect(h.engine.calls).toEqual([])
    const detail = await h.invoke<RunDetail>('getRun', { runId: id })
    expect(detail.checkpoints).toEqual([{ step: 10, modelId: `run:${id}/step-10` }])
    // its own metrics log is the one series to draw, read without a series name
    expect(detail.series).toEqual([{ key: '', method: 'train', seed: 0, status: 'stopped', initial: null, createdAt: null }])
    expect(detail.facts).toContainEqual(['model', 'preset:bert-mini'])
    expect((await h.invoke<RunMetricsChunk>('readRunMetrics', { runId: id, fromOffset: 0 })).records).toEqual([{ step: 10, trainLoss: 6 }])
    await h.invoke('resumeRun', { runId: id, steps: 60 })
    await until(() => h.engine.calls.length === 1)
    expect(h.engine.calls[0]).toMatchObject({ method: 'train', params: { runDir: join(runs, id), resume: true, steps: 60 } })
    expect((await rejection(h.invoke('resumeRun', { runId: id }))).message).toMatch(/only a stopped run can be resumed/)
    expect((await rejection(h.invoke('deleteRun', { runId: id }))).message).toMatch(/cancel it before deleting it/)
    h.engine.calls[0].finish({})
    await until(() => h.events.some((e) => e.type === 'run.status' && e.run.id === id && e.run.status === 'completed'))
    expect(await h.invoke('deleteRun', { runId: id })).toEqual({ deleted: true })
    expect(existsSync(join(runs, id))).toBe(false)
    expect((await rejection(h.invoke('getRun', { runId: id }))).code).toBe('not_found')
    expect((await rejection(h.invoke('deleteRun', { runId: '..' }))).code).toBe('invalid_request')
    expect((await rejection(h.invoke('deleteRun', { runId: 'no-such-run' }))).code).toBe('not_found')
  })

  it('lists the growth methods of the engine registry with their settings', async () => {
    const methods = await h.invoke<GrowthMethodInfo[]>('listGrowthMethods')
    const ligo = methods.find((m) => m.name === 'ligo')!
    expect(ligo).toMatchObject({ trainsOperator: true, grows: { depth: true, width: true } })
    expect(ligo.settings.length).toBeGreaterThan(0)
    expect(methods.find((m) => m.name === 'net2net')?.trainsOperator).toBe(false)
  })
})
