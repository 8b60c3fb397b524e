// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MetricRecord } from '../../../shared/train'
import { applyLocale } from '../i18n'
import { installRunsSource, useRunsStore } from './runs'
import type { ComparisonDetail, ComparisonListItem, RunsSource } from './runs-source'

const record = (step: number): MetricRecord => ({ step, examples: 0, flops: step, wallSeconds: step, cpuSeconds: step, trainLoss: 1, trainLossMean: 1, gradNorm: 1, lr: 1, eval: { loss: 7 - step / 100, examples: 1 } })

/** A host with one comparison whose metrics logs grow as the test writes lines. */
function fakeSource() {
  const logs: Record<string, MetricRecord[]> = { 'scratch-seed0': [], 'ligo-seed0': [] }
  let state: ComparisonListItem['state'] = 'running'
  const listeners = new Set<() => void>()
  const item = (): ComparisonListItem => ({ id: 'cmp-c1', kind: 'compare', name: 'c1', state, done: 0, total: 10, unit: 'steps', etaSeconds: null, createdAt: '', error: null })
  const reads: Array<[string, number]> = []
  const source: RunsSource = {
    list: async () => [item()],
    detail: async (): Promise<ComparisonDetail> => ({
      item: item(),
      family: 'bert',
      facts: [],
      params: { from: 's', to: 't', methods: ['scratch'], data: 'd', budget: { kind: 'steps', value: 10 } },
      subRuns: Object.keys(logs).map((key) => ({ key, method: key.split('-')[0], seed: 0, status: 'running', initial: null, createdAt: null })),
      sourceLoss: {},
      report: null,
    }),
    metrics: async (_id, key, offset) => {
      reads.push([key, offset])
      return { records: logs[key].slice(offset), nextOffset: logs[key].length, reset: false }
    },
    startComparison: async () => ({ id: 'c2' }),
    cancel: async () => void (state = 'cancelled'),
    resume: async () => void (state = 'running'),
    remove: async () => undefined,
    onChange: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  }
  return { source, logs, reads, setState: (s: ComparisonListItem['state']) => (state = s), changed: () => listeners.forEach((l) => l()) }
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
    host.setState('finished')
    host.changed()
    await vi.waitFor(() => expect(runs.records['ligo-seed0']?.length).toBe(1))
    await vi.waitFor(() => expect(runs.detail?.item.state).toBe('finished'))
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
    expect(runs.items[0].state).toBe('cancelled')
    host.logs['scratch-seed0'].push(record(20))
    expect(await runs.act('cmp-c1', 'resume')).toBe(true)
    expect(runs.records['scratch-seed0'].map((r) => r.step)).toEqual([10, 20])
  })
})
