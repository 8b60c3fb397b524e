// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MetricRecord } from '../../../shared/train'
import { applyLocale } from '../i18n'
import { installRunsSource, useRunsStore } from './runs'
import { OWN_SERIES } from '../../../shared/runs'
import { concernsRuns, type RunDetail, type RunStatus, type RunSummary, type RunsSource } from './runs-source'

const record = (step: number): MetricRecord => ({ step, examples: 0, flops: step, wallSeconds: step, cpuSeconds: step, trainLoss: 1, trainLossMean: 1, gradNorm: 1, lr: 1, eval: { loss: 7 - step / 100, examples: 1 } })

/** A host with one comparison whose metrics logs grow as the test writes lines. */
function fakeSource() {
  const logs: Record<string, MetricRecord[]> = { 'scratch-seed0': [], 'ligo-seed0': [] }
  let state: RunStatus = 'running'
  const listeners = new Set<() => void>()
  const item = (): RunSummary => ({
    id: 'cmp-c1',
    kind: 'compare',
    name: 'c1',
    status: state,
    done: 0,
    total: 10,
    unit: 'steps',
    etaSeconds: null,
    createdAt: '',
    updatedAt: '',
    model: 'seed:s',
    target: 't',
    method: 'scratch',
    lastCheckpointStep: null,
    error: null,
    queuePosition: null,
  })
  const reads: Array<[string, number]> = []
  const resumes: Array<number | undefined> = []
  const source: RunsSource = {
    list: async () => [item()],
    detail: async (): Promise<RunDetail> => ({
      summary: item(),
      family: 'bert',
      facts: [],
      params: { from: 'seed:s', to: 't', methods: ['scratch'], data: 'd', budget: { kind: 'steps', value: 10 } },
      manifest: null,
      checkpoints: [],
      outputs: [],
      series: Object.keys(logs).map((key) => ({ key, method: key.split('-')[0], seed: 0, status: 'running', initial: null, createdAt: null })),
      sourceLoss: {},
      report: null,
    }),
    metrics: async (_id, key, offset) => {
      reads.push([key, offset])
      return { records: logs[key].slice(offset), nextOffset: logs[key].length, reset: false, final: false }
    },
    startTrain: async () => ({ ...item(), id: 't2', kind: 'train' }),
    startCompare: async () => ({ ...item(), id: 'c2' }),
    datasets: async () => [],
    cancel: async () => void (state = 'cancelled'),
    resume: async (_id, steps) => void ((state = 'running'), resumes.push(steps)),
    remove: async () => undefined,
    onChange: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  }
  return { source, logs, reads, resumes, setState: (s: RunStatus) => (state = s), changed: () => listeners.forEach((l) => l()) }
}

describe('runs store', () => {
  beforeEach(() => {
    applyLocale('en')
    setActivePinia(createPinia())
    vi.useFakeTimers()
  })
  afterEach(() => {
    useRunsStore().close()
    vi.useRealTimers()
  })

  it('catches up from every metrics log, then reads only what was written since', async () => {
    const host = fakeSource()
    host.logs['scratch-seed0'].push(record(10), record(20))
    installRunsSource(host.source)
    const runs = useRunsStore()
    await runs.open('cmp-c1')
    expect(runs.records['scratch-seed0'].map((r) => r.step)).toEqual([10, 20])
    host.logs['scratch-seed0'].push(record(30))
    host.logs['ligo-seed0'].push(record(10))
    await vi.advanceTimersByTimeAsync(1000)
    expect(runs.records['scratch-seed0'].map((r) => r.step)).toEqual([10, 20, 30])
    expect(runs.records['ligo-seed0'].map((r) => r.step)).toEqual([10])
    expect(host.reads.filter(([k]) => k === 'scratch-seed0').map(([, o]) => o)).toEqual([0, 2])
  })

  it('follows changes the host reports, and stops polling once the run has ended', async () => {
    const host = fakeSource()
    installRunsSource(host.source)
    const runs = useRunsStore()
    await runs.open('cmp-c1')
    host.logs['ligo-seed0'].push(record(10))
    host.setState('completed')
    host.changed()
    await vi.waitFor(() => expect(runs.records['ligo-seed0']?.length).toBe(1))
    await vi.waitFor(() => expect(runs.detail?.summary.status).toBe('completed'))
    const before = host.reads.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(host.reads.length).toBe(before)
  })

  it('cancels and resumes, keeping what it has read', async () => {
    const host = fakeSource()
    host.logs['scratch-seed0'].push(record(10))
    installRunsSource(host.source)
    const runs = useRunsStore()
    await runs.open('cmp-c1')
    expect(await runs.act('cmp-c1', 'cancel')).toBe(true)
    expect(runs.items[0].status).toBe('cancelled')
    host.logs['scratch-seed0'].push(record(20))
    expect(await runs.act('cmp-c1', 'resume')).toBe(true)
    expect(runs.records['scratch-seed0'].map((r) => r.step)).toEqual([10, 20])
    expect(await runs.act('cmp-c1', 'resume', 50)).toBe(true) // a training run continued to a later step
    expect(host.resumes).toEqual([undefined, 50])
  })

  it("reads a training run's own log as one series, and says why the host refused a start", async () => {
    const host = fakeSource()
    const own: MetricRecord[] = [record(10), record(20)]
    const source: RunsSource = {
      ...host.source,
      detail: async () => ({ ...(await host.source.detail('t1')), summary: { ...(await host.source.list())[0], id: 't1', kind: 'train' }, series: [{ key: OWN_SERIES, method: 'bert', seed: 0, status: 'running', initial: null, createdAt: null }] }),
      metrics: async (_id, key, offset) => {
        expect(key).toBe(OWN_SERIES)
        return { records: own.slice(offset), nextOffset: own.length, reset: false, final: false }
      },
      startTrain: async () => {
        throw new Error('Unknown model "preset:nope"')
      },
    }
    installRunsSource(source)
    const runs = useRunsStore()
    await runs.open('t1')
    expect(runs.records[OWN_SERIES].map((r) => r.step)).toEqual([10, 20])
    expect(await runs.start({ kind: 'train', params: { model: 'preset:nope', data: 'moby-dick', steps: 5 } })).toBeNull()
    expect(runs.startError).toMatch(/Unknown model "preset:nope"/)
    expect(await runs.start({ kind: 'compare', params: { from: 'seed:s', to: 't', methods: ['scratch'], data: 'd', budget: { kind: 'steps', value: 5 } } })).toBe('c2')
    expect(runs.startError).toBeNull()
  })
})

describe('concernsRuns', () => {
  it('wakes the runs view for run status, removals and events of known runs only', () => {
    const isRun = (id: string) => id === 'r1'
    expect(concernsRuns([{ type: 'run.removed', runId: 'x' }], isRun)).toBe(true)
    expect(concernsRuns([{ type: 'task.log', taskId: 'r1', level: 'info', message: '' }], isRun)).toBe(true)
    expect(concernsRuns([{ type: 'task.log', taskId: 'export-7', level: 'info', message: '' }], isRun)).toBe(false)
  })
})
