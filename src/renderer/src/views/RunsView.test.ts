// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import App from '../App.vue'
import { fakeClientPerTest } from '../testing/fake-client-per-test'
import { withI18n } from '../testing/mount-options'

const client = fakeClientPerTest()
let wrapper: ReturnType<typeof mount> | null = null
afterEach(() => {
  wrapper?.unmount()
  window.location.hash = ''
})

describe('RunsView', () => {
  it('"Compare" on a zoo card opens the new-comparison form with that model as the source and the target to choose', async () => {
    window.location.hash = '#/runs?new=compare&from=seed%3Agpt2-moby'
    wrapper = mount(App, { ...withI18n(), attachTo: document.body })
    await flushPromises()
    const form = wrapper.get('[data-testid=new-comparison]')
    expect((form.get('input[name=from]').element as HTMLInputElement).value).toBe('seed:gpt2-moby')
    expect((form.get('input[name=to]').element as HTMLInputElement).value).toBe('')
    expect((form.get('input[name=seeds]').element as HTMLInputElement).value).toBe('3')
    expect(client().calls.listComparisons.length).toBeGreaterThan(0) // the list is loaded beside the form
  })
})
