// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../../shared/runs'
import { withI18n } from '../../testing/mount-options'
import RunsList from './RunsList.vue'

const run = (id: string, kind: RunSummary['kind'], status: RunSummary['status'], over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  kind,
  name: `${kind} run`,
  status,
  createdAt: '2026-12-02T09:00:00.000Z',
  updatedAt: '2026-12-02T09:00:00.000Z',
  model: 'seed:bert-moby',
  target: null,
  method: null,
  done: 5,
  total: 20,
  unit: 'steps',
  etaSeconds: 90,
  lastCheckpointStep: null,
  error: null,
  queuePosition: null,
  ...over,
})

const ITEMS = [run('t1', 'train', 'running'), run('g1', 'grow', 'completed'), run('c1', 'compare', 'queued', { queuePosition: 0 })]

describe('RunsList', () => {
  it('lists every kind with model, progress, ETA and queue place, and filters by kind', async () => {
    const wrapper = mount(RunsList, { ...withI18n(), props: { items: ITEMS } })
    expect(wrapper.findAll('li.runs-list__item').map((li) => li.attributes('data-kind'))).toEqual(['train', 'grow', 'compare'])
    const train = wrapper.get('[data-testid=run-t1]').text()
    expect(train).toContain('Model: bert-moby')
    expect(train).toContain('5 of 20 steps')
    expect(train).toContain('about 1 min 30 s left')
    expect(wrapper.get('[data-testid=run-c1]').text()).toContain('number 1 in the queue')
    await wrapper.get('[data-testid=runs-kind-filter]').setValue('grow')
    expect(wrapper.findAll('li.runs-list__item').map((li) => li.attributes('data-kind'))).toEqual(['grow'])
    await wrapper.setProps({ items: ITEMS.filter((i) => i.kind !== 'grow') })
    expect(wrapper.get('[data-testid=runs-empty]').text()).toBe('No runs of this kind.')
  })

  it('offers cancel while a run is active, and deletes a stopped one only after confirmation', async () => {
    const wrapper = mount(RunsList, { ...withI18n(), props: { items: ITEMS } })
    expect(wrapper.find('[data-testid=cancel-t1]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=remove-t1]').exists()).toBe(false) // not while it runs
    await wrapper.get('[data-testid=remove-g1]').trigger('click')
    expect(wrapper.emitted('action')).toBeUndefined()
    await wrapper.get('[data-testid=remove-yes-g1]').trigger('click')
    expect(wrapper.emitted('action')).toEqual([['g1', 'remove']])
  })
})
