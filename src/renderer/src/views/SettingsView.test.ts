// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { fakeClientPerTest } from '../testing/fake-client-per-test'
import { withI18n } from '../testing/mount-options'
import SettingsView from './SettingsView.vue'

const client = fakeClientPerTest('desktop')

const settings = (over: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, energy: { ...DEFAULT_SETTINGS.energy }, ...over })

async function mountSettings() {
  const wrapper = mount(SettingsView, withI18n())
  client().calls.getSettings[0].resolve(settings())
  await flushPromises()
  return wrapper
}

describe('SettingsView', () => {
  it('saves the backend and says it applies at the next engine start', async () => {
    const wrapper = await mountSettings()
    await wrapper.get('[data-testid=settings-backend]').setValue('wasm')
    expect(client().calls.updateSettings[0].args[0]).toEqual({ patch: { backend: 'wasm' } })
    client().calls.updateSettings[0].resolve({ settings: settings({ backend: 'wasm' }), pendingRestart: ['backend'] })
    await flushPromises()
    expect(wrapper.get('[data-testid=settings-message]').text()).toBe('Saved. These apply when the engine next starts: backend.')
  })

  it('saves the energy settings, empty fields as defaults', async () => {
    const wrapper = await mountSettings()
    await wrapper.get('#settings-grid-region').setValue(' vn ')
    await wrapper.get('#settings-pue').setValue('1.2')
    await wrapper.get('[data-testid=settings-energy] form').trigger('submit')
    expect(client().calls.updateSettings[0].args[0]).toEqual({ patch: { energy: { gridRegion: 'VN', pue: 1.2, gridIntensity: null } } })
    client().calls.updateSettings[0].reject(FakeStudioClient.error('invalid_request', 'energy.pue must be at least 1'))
    await flushPromises()
    expect(wrapper.get('[data-testid=settings-message]').text()).toBe('Could not save the settings: energy.pue must be at least 1')
  })

  it('chooses the workspace in a folder dialog on the desktop', async () => {
    const wrapper = await mountSettings()
    await wrapper.get('[data-testid=settings-engine]').findAll('button')[0].trigger('click')
    expect(client().calls.pickFolder[0].args[0]).toEqual({ purpose: 'workspace' })
    client().calls.pickFolder[0].resolve({ path: '/data/ligo' })
    await flushPromises()
    expect(client().calls.updateSettings[0].args[0]).toEqual({ patch: { workspace: '/data/ligo' } })
  })
})
