// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { installStudioClient } from '../../composables/client'
import { FakeStudioClient } from '../../testing/fake-studio-client'
import DropPanel from './DropPanel.vue'
import { withI18n } from '../../testing/mount-options'

let client: FakeStudioClient
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

function pick(wrapper: ReturnType<typeof mount>, file: File) {
  const input = wrapper.get('[data-testid=file-input]')
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  return input.trigger('change')
}

describe('DropPanel', () => {
  it('shows the kind, size and detail of a file picked with "Open a file…"', async () => {
    const wrapper = mount(DropPanel, withI18n())
    const file = new File([new Uint8Array(3000)], 'tiny.safetensors')
    await pick(wrapper, file)
    expect(wrapper.text()).toContain('Reading tiny.safetensors…')
    expect(client.calls.inspectDroppedFile[0].args[0]).toBe(file)
    client.calls.inspectDroppedFile[0].resolve({
      path: 'tiny.safetensors',
      name: 'tiny.safetensors',
      isDirectory: false,
      sizeBytes: 3000,
      kind: 'safetensors',
      detail: 'safetensors header of 1 tensor (F32)',
      source: 'upload',
    })
    await flushPromises()
    expect(wrapper.get('[data-testid=drop-kind]').text()).toBe('safetensors weights')
    const text = wrapper.get('[data-testid=drop-report]').text()
    expect(text).toContain('2.93 KiB')
    expect(text).toContain('safetensors header of 1 tensor (F32)')
    expect(text).toContain('Name')
  })

  it('shows why an item could not be inspected', async () => {
    const wrapper = mount(DropPanel, withI18n())
    await pick(wrapper, new File([], 'photos'))
    client.calls.inspectDroppedFile[0].reject(FakeStudioClient.error('unsupported', '"photos" is a folder. A browser page cannot read folders.'))
    await flushPromises()
    expect(wrapper.get('[data-testid=drop-error]').text()).toBe('Could not inspect photos. "photos" is a folder. A browser page cannot read folders.')
  })
})
