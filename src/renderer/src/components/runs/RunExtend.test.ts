// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../../shared/runs'
import { withI18n } from '../../testing/mount-options'
import RunExtend from './RunExtend.vue'

const finished = { id: 'r1', kind: 'train', status: 'completed', done: 40, total: 40 } as RunSummary

describe('RunExtend', () => {
  it('continues a finished training run only to a later step, saying why otherwise', async () => {
    const wrapper = mount(RunExtend, { ...withI18n(), props: { run: finished } })
    expect((wrapper.get('input[name=steps]').element as HTMLInputElement).value).toBe('80')
    await wrapper.get('input[name=steps]').setValue('40')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('#run-extend-problem').text()).toBe('Must be more than the 40 steps done.')
    await wrapper.get('input[name=steps]').setValue('1.5')
    expect(wrapper.get('#run-extend-problem').text()).toBe('Must be a whole number.')
    expect(wrapper.emitted('extend')).toBeUndefined()
    await wrapper.get('input[name=steps]').setValue('100')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('extend')).toEqual([[100]])
  })
})
