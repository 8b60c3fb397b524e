// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { installStudioClient } from '../../composables/client'
import { FakeStudioClient } from '../../testing/fake-studio-client'
import { withI18n } from '../../testing/mount-options'
import DropPanel from './DropPanel.vue'

let client: FakeStudioClient
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

describe('DropPanel', () => {
  it('stays hidden until the app opens something, then shows its kind, size and detail', async () => {
    const wrapper = mount(DropPanel, withI18n())
    expect(wrapper.find('[data-testid=drop-panel]').exists()).toBe(false)
    client.emit({
      type: 'app.opened',
      report: { path: '/m/tiny.safetensors', name: 'tiny.safetensors', isDirectory: false, sizeBytes: 3000, kind: 'safetensors', detail: 'safetensors header of 1 tensor (F32)', source: 'path' },
    })
    await flushPromises()
    expect(wrapper.get('[data-testid=drop-kind]').text()).toBe('safetensors weights')
    const text = wrapper.get('[data-testid=drop-report]').text()
    expect(text).toContain('2.93 KiB')
    expect(text).toContain('/m/tiny.safetensors')
    expect(text).toContain('Path')
  })

  it('shows why an opened item could not be read', async () => {
    const wrapper = mount(DropPanel, withI18n('vi'))
    client.emit({ type: 'app.error', message: '/m/gone does not exist' })
    await flushPromises()
    expect(wrapper.get('[data-testid=drop-error]').text()).toBe('Không đọc được mục này. /m/gone does not exist')
    withI18n('en')
  })
})
