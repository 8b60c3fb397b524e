import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CompareParams, EngineEvent, MetricRecord } from '../shared'
import { ComparisonRuns, RUN_RECORD_FILE } from './comparison-runs'
import type { EngineHost } from './engine-types'

const line = (step: number, loss?: number): string =>
  JSON.stringify({ step, examples: 0, flops: step * 1e9, wallSeconds: step, cpuSeconds: step, trainLoss: 7, trainLossMean: 7, gradNorm: 1, lr: 1e-4, ...(loss ? { eval: { loss, examples: 8 } } : {}) } satisfies MetricRecord) + '\n'

/**
 * An engine whose `compare` writes what the real one writes (experiment.json, a run folder per method with its
 * manifest and metrics log) and then waits until the test finishes it or the host cancels it.
 */
function fakeEngine() {
  const calls: Array<{ params: CompareParams; finish: () => void; fail: (e: Error) => void }> = []
  const engine: EngineHost = {
    call: ((method: string, params: CompareParams, options?: { signal?: AbortSignal; onEvent?: (e: EngineEvent) => void }) => {
      expect(method).toBe('compare')
      const out = params.out
      writeFileSync(join(out, 'experiment.json'), JSON.stringify({ settings: { methods: params.methods, seeds: [0] }, runs: {}, sourceLoss: { 0: 6.2 } }))
      for (const m of params.methods) {
        mkdirSync(join(out, `${m}-seed0`), { recursive: true })
        writeFileSync(join(out, `${m}-seed0`, 'manifest.json'), JSON.stringify({ createdAt: '2026-12-02T07:00:00Z', backend: 'wasm', model: { family: 'bert' }, growth: { initial: { loss: 7, flops: 0, wallSeconds: 0, joules: null } } }))
        appendFileSync(join(out, `${m}-seed0`, 'metrics.jsonl'), line(10, 6.9))
      }
      options?.onEvent?.({ type: 'task.progress', taskId: 'engine-1', done: 10, total: 40, unit: 'steps', elapsedSeconds: 1, etaSeconds: 30, message: '' })
      return new Promise((resolve, reject) => {
        calls.push({
          params,
          finish: () => {
            writeFileSync(join(out, 'experiment.json'), JSON.stringify({ settings: { methods: params.methods, seeds: [0] }, runs: Object.fromEntries(params.methods.map((m) => [`${m}-seed0`, { status: 'done' }])), sourceLoss: { 0: 6.2 } }))
            resolve({ out, report: null, text: '' } as never)
          },
          fail: reject,
        })
        options?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('Comparison cancelled'), { code: 'cancelled' })))
      })
    }) as EngineHost['call'],
    onStatus: () => () => {},
    stop: async () => {},
  }
  return { engine, calls }
}

/** The host finishes its bookkeeping asynchronously; a loaded machine needs more than vi.waitFor's 1 s default. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 })

const params = { from: 'bert-mini', to: 'bert-mini-grown', methods: ['scratch', 'ligo'], data: 'moby-dick', budget: { kind: 'steps' as const, value: 40 }, evalEvery: 10 }

describe('ComparisonRuns', () => {
  let root: string
  let events: EngineEvent[]
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ligo-runs-'))
    events = []
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('starts a comparison in its own folder, lists it with progress, and finishes it', async () => {
    const { engine, calls } = fakeEngine()
    const runs = new ComparisonRuns({ engine, root: () => root, emit: (e) => events.push(e) })
    const { id } = await runs.start(params)
    await until(() => expect(calls).toHaveLength(1))
    expect(calls[0].params.out).toBe(join(root, id))
    const [item] = runs.list()
    expect(item).toMatchObject({ id, state: 'running', done: 20, total: 80, unit: 'steps', etaSeconds: 30 })
    expect(events.some((e) => e.type === 'task.progress' && e.taskId === id)).toBe(true)
    const detail = runs.detail(id)
    expect(detail.family).toBe('bert')
    expect(detail.subRuns.map((s) => [s.key, s.status])).toEqual([
      ['scratch-seed0', 'running'],
      ['ligo-seed0', 'running'],
    ])
    expect(detail.sourceLoss).toEqual({ 0: 6.2 })
    calls[0].finish()
    await until(() => expect(runs.list()[0].state).toBe('finished'))
    expect(runs.detail(id).subRuns.every((s) => s.status === 'done')).toBe(true)
  })

  it('takes zoo model ids ("Compare" on a card) through the resolver it is given', async () => {
    const { engine, calls } = fakeEngine()
    const resolved: string[] = []
    const resolveModel = (id: string) => (resolved.push(id), `/seeds/${id.slice(id.indexOf(':') + 1)}`)
    const runs = new ComparisonRuns({ engine, root: () => root, emit: () => {}, resolveModel })
    await runs.start({ ...params, from: 'seed:bert-moby', to: 'bert-mini' })
    await until(() => expect(calls).toHaveLength(1))
    expect(calls[0].params).toMatchObject({ from: '/seeds/bert-moby', to: 'bert-mini' })
    expect(resolved).toEqual(['seed:bert-moby']) // a preset name is not a zoo id: passed as it is
    calls[0].finish()
    await until(() => expect(runs.list()[0].state).toBe('finished'))
  })

  it('checks paths with the host path policy it is given (behind ligo serve: only inside the workspace)', async () => {
    const { engine, calls } = fakeEngine()
    const checkReadable = async (path: string) => {
      if (!path.startsWith('/workspace/')) throw Object.assign(new Error(`${path} is outside the workspace`), { code: 'forbidden' })
      return path
    }
    const runs = new ComparisonRuns({ engine, root: () => root, emit: () => {}, checkReadable })
    await expect(runs.start({ ...params, from: '/etc/ckpt' })).rejects.toThrow('/etc/ckpt is outside the workspace')
    expect(calls).toHaveLength(0)
    await runs.start({ ...params, from: '/workspace/uploads/ckpt' })
    await until(() => expect(calls).toHaveLength(1))
    expect(calls[0].params.from).toBe('/workspace/uploads/ckpt')
    calls[0].finish()
    await until(() => expect(runs.list()[0].state).toBe('finished'))
  })

  it('reads a metrics log from an offset, whole lines only, and from the start after the log was cut back', async () => {
    const { engine, calls } = fakeEngine()
    const runs = new ComparisonRuns({ engine, root: () => root, emit: () => {} })
    const { id } = await runs.start(params)
    await until(() => expect(calls).toHaveLength(1))
    const log = join(root, id, 'ligo-seed0', 'metrics.jsonl')
    const first = await runs.metrics(id, 'ligo-seed0', 0)
    expect(first.records.map((r) => r.step)).toEqual([10])
    appendFileSync(log, line(20) + line(30, 6.5).slice(0, 20)) // a line being written
    const second = await runs.metrics(id, 'ligo-seed0', first.nextOffset)
    expect(second.records.map((r) => r.step)).toEqual([20])
    truncateSync(log, first.nextOffset - 5)
    const third = await runs.metrics(id, 'ligo-seed0', second.nextOffset)
    expect(third.reset).toBe(true)
    calls[0].finish()
    await until(() => expect(runs.list()[0].state).toBe('finished'))
  })

  it('cancels, shows a run cut off by a restart as interrupted, and resumes it in the same folder', async () => {
    const first = fakeEngine()
    const runs = new ComparisonRuns({ engine: first.engine, root: () => root, emit: () => {} })
    const { id } = await runs.start(params)
    await until(() => expect(first.calls).toHaveLength(1))
    expect(await runs.cancel(id)).toEqual({ state: 'cancelled' })
    await until(() => expect(runs.list()[0].state).toBe('cancelled'))
    expect(runs.detail(id).subRuns[0].status).toBe('stopped')

    // a host that stopped while the comparison ran
    const record = JSON.parse(readFileSync(join(root, id, RUN_RECORD_FILE), 'utf8'))
    writeFileSync(join(root, id, RUN_RECORD_FILE), JSON.stringify({ ...record, state: 'running' }))
    const second = fakeEngine()
    const restarted = new ComparisonRuns({ engine: second.engine, root: () => root, emit: () => {} })
    expect(restarted.list()[0].state).toBe('interrupted')
    expect(await restarted.resume(id)).toEqual({ state: 'queued' })
    await until(() => expect(second.calls).toHaveLength(1))
    expect(second.calls[0].params.out).toBe(join(root, id))
    second.calls[0].finish()
    await until(() => expect(restarted.list()[0].state).toBe('finished'))
  })

  it('runs one comparison at a time: the next waits in the queue', async () => {
    const { engine, calls } = fakeEngine()
    const runs = new ComparisonRuns({ engine, root: () => root, emit: () => {} })
    const a = await runs.start(params)
    const b = await runs.start(params)
    await until(() => expect(calls).toHaveLength(1))
    expect(runs.list().find((i) => i.id === b.id)?.state).toBe('queued')
    calls[0].finish()
    await until(() => expect(calls).toHaveLength(2))
    expect(runs.list().find((i) => i.id === a.id)?.state).toBe('finished')
    calls[1].finish()
  })

  it('deletes only a finished comparison of its own, and refuses bad ids and missing paths', async () => {
    const { engine, calls } = fakeEngine()
    const runs = new ComparisonRuns({ engine, root: () => root, cwd: root, emit: () => {} })
    const { id } = await runs.start(params)
    await until(() => expect(calls).toHaveLength(1))
    await expect(runs.remove(id)).rejects.toThrow(/is running; cancel it before deleting it/)
    calls[0].finish()
    await until(() => expect(runs.list()[0].state).toBe('finished'))
    expect(await runs.remove(id)).toEqual({ deleted: true })
    expect(existsSync(join(root, id))).toBe(false)
    await expect(runs.remove('../etc')).rejects.toThrow(/not a comparison id/)
    await expect(runs.start({ ...params, from: './no-such-seed' })).rejects.toThrow(/No such file or folder/)
    await expect(runs.start({ ...params, methods: ['ligo'] })).rejects.toThrow(/must include scratch/)
  })
})
