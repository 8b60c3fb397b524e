// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import App from './App.vue'
import { installStudioClient } from './composables/client'
import { FakeStudioClient } from './testing/fake-studio-client'
import { sampleHardwareRecord } from './testing/hardware-record'
import { VIEWS } from './views'
import { i18n } from './i18n'
import { withI18n } from './testing/mount-options'

let client: FakeStudioClient
let wrapper: ReturnType<typeof mount> | null = null
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})
afterEach(() => wrapper?.unmount())

async function mountApp() {
  wrapper = mount(App, { ...withI18n(), attachTo: document.body })
  client.calls.getAppInfo[0]?.resolve({ name: 'LiGO Studio', version: '0.1.0', host: 'serve', features: [], workspace: '/home/user/.ligo-studio', systemLocale: 'en-US', maxUploadBytes: 4294967296 })
  client.calls.getHardware[0]?.resolve(sampleHardwareRecord())
  await flushPromises()
  return wrapper
}

describe('App', () => {
  it('has a skip link to main, landmarks, and a navigation built from the views table', async () => {
    const app = await mountApp()
    expect(app.get('a.skip-link').attributes('href')).toBe('#main')
    expect(app.get('main').attributes('id')).toBe('main')
    expect(app.find('header').exists()).toBe(true)
    const links = app.get('nav[aria-label=Views]').findAll('a')
    expect(links.map((link) => link.text())).toEqual(VIEWS.map((view) => i18n.global.t(view.labelKey)))
    expect(links[0].attributes()).toMatchObject({ href: '#/hardware', 'aria-current': 'page' })
    expect(app.get('[data-testid=connection-status]').text()).toBe('Connected to ligo serve')
    expect(app.get('[data-testid=engine-status]').text()).toBe('Engine ready')
  })

  it('inspects a file dropped anywhere on the window and announces the result', async () => {
    const app = await mountApp()
    const file = new File(['{}'], 'config.json')
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file], items: [] } })
    app.get('main').element.dispatchEvent(drop)
    expect(client.calls.inspectDroppedFile[0].args).toEqual([file, { isDirectory: false }])
    client.calls.inspectDroppedFile[0].resolve({
      path: 'config.json',
      name: 'config.json',
      isDirectory: false,
      sizeBytes: 2,
      kind: 'hf-config',
      detail: 'bert, 12 layers',
      source: 'upload',
    })
    await flushPromises()
    expect(app.get('[data-testid=drop-kind]').text()).toBe('HuggingFace config.json')
    expect(app.get('[data-testid=live-region]').text()).toBe('config.json: HuggingFace config.json. bert, 12 layers')
  })

  it('shows a lost connection and an engine crash as banners without hiding the view', async () => {
    const app = await mountApp()
    client.setConnection({ status: 'disconnected', attempt: 1, retryInMs: 500, detail: 'connection closed (code 1006)' })
    client.emit({ type: 'engine.status', status: 'crashed', detail: 'exit code 1' })
    await flushPromises()
    expect(app.get('[data-testid=disconnected-notice]').text()).toContain('Disconnected from ligo serve: connection closed (code 1006).')
    expect(app.get('[data-testid=connection-status]').text()).toBe('Disconnected, retrying in 1 s')
    expect(app.get('[data-testid=engine-status]').text()).toBe('Engine status unknown')
    expect(app.get('[data-testid=engine-notice]').text()).toContain('The engine stopped unexpectedly: exit code 1')
    expect(app.find('[data-testid=backend-in-use]').exists()).toBe(true)
    await app.get('[data-testid=engine-notice] button').trigger('click')
    expect(app.find('[data-testid=engine-notice]').exists()).toBe(false)
  })

  it('switches the whole window to Vietnamese from Settings, and sets the theme', async () => {
    window.location.hash = '#/settings'
    const app = await mountApp()
    expect(app.get('h1').text()).toBe('Settings')
    await app.get('[data-testid=settings-language]').setValue('vi')
    expect(document.documentElement.lang).toBe('vi')
    expect(app.get('h1').text()).toBe('Cài đặt')
    expect(app.get('a.skip-link').text()).toBe('Bỏ qua đến nội dung')
    expect(app.get('nav').findAll('a').map((link) => link.text())).toEqual(['Phần cứng', 'Thiết kế tăng trưởng', 'Cài đặt'])
    expect(app.get('[data-testid=connection-status]').text()).toBe('Đã kết nối với ligo serve')
    await app.get('[data-testid=settings-theme-dark]').setValue(true)
    expect(document.documentElement.dataset.theme).toBe('dark')
    await app.get('[data-testid=settings-language]').setValue('en')
    await app.get('[data-testid=settings-theme-system]').setValue(true)
    expect(document.documentElement.dataset.theme).toBeUndefined()
    window.location.hash = ''
  })
})
