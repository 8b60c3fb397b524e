// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import App from '../App.vue'
import { APPEARANCE_STORAGE_KEY } from '../stores/appearance'
import { fakeClientPerTest } from '../testing/fake-client-per-test'
import { sampleDetail, sampleImport, sampleModel, samplePlan, samplePreset } from '../testing/models'
import { withI18n } from '../testing/mount-options'

const client = fakeClientPerTest()
let wrapper: ReturnType<typeof mount> | null = null
afterEach(() => {
  wrapper?.unmount()
  window.location.hash = ''
})

async function mountZoo(hash = '#/zoo') {
  window.location.hash = hash
  wrapper = mount(App, { ...withI18n(), attachTo: document.body })
  await flushPromises()
  const models = [sampleModel(), samplePreset(), sampleImport()]
  client().calls.listModels.forEach((call) => call.resolve(models))
  await flushPromises()
  return wrapper
}

describe('ZooView', () => {
  it('is the first view, and each card shows sizes, parameters, FLOPs, size on disk, source and the memory fit', async () => {
    const app = await mountZoo('')
    expect(app.get('nav a').attributes('href')).toBe('#/zoo')
    expect(app.get('h1').text()).toBe('Model zoo')
    expect(app.get('[data-testid=zoo-count]').text()).toBe('3 models')
    const seed = app.get('[data-testid="model-seed:bert-moby"]').text()
    for (const part of ['bert-moby', 'BERT', 'Built-in seed', 'layers 2 · hidden 128 · heads 2 · FFN 512', '4.39M', '2.21 MFLOPs', 'FLOPs per token', '16.7 MiB', 'Built-in seed, pretrained on moby-dick']) {
      expect(seed).toContain(part)
    }
    expect(app.get('[data-testid="model-seed:bert-moby"] [data-testid=model-fit]').text()).toBe('Training fits: about 600 MiB at batch 16 (this machine has 8.00 GiB)')
    const preset = app.get('[data-testid="model-preset:bert-base"]')
    expect(preset.text()).toContain('no weights yet')
    expect(preset.get('[data-testid=model-fit]').text()).toBe('Training may not fit: about 40.0 GiB at batch 256, this machine has 8.00 GiB')
    expect(preset.find('[data-testid=model-export]').exists()).toBe(false)
    const imported = app.get('[data-testid="model-lib:vit-dummy"]')
    expect(imported.text()).toContain('Imported from /models/vit-dummy-bin/pytorch_model.bin')
    expect(imported.text()).toContain('FLOPs per image')
    expect(imported.text()).toContain('config.json assumed 1 head')
    expect(imported.find('[data-testid=model-remove]').exists()).toBe(true)
    expect(app.get('[data-testid="model-seed:bert-moby"]').find('[data-testid=model-remove]').exists()).toBe(false)
  })

  it('opens a model page with its configuration, lineage and a filterable tensor table', async () => {
    const app = await mountZoo('#/zoo?model=seed%3Abert-moby')
    expect(client().calls.getModel[0].args[0]).toEqual({ id: 'seed:bert-moby' })
    client().calls.getModel[0].resolve(sampleDetail())
    await flushPromises()
    expect(app.get('h1').text()).toBe('bert-moby')
    expect(app.get('[data-testid=model-config]').text()).toContain('BertForMaskedLM')
    expect(app.get('[data-testid=tensor-count]').text()).toBe('3 of 3 tensors')
    expect(app.get('[data-testid=tensor-table]').text()).toContain('ignored: the pooler is not used')
    await app.get('[data-testid=tensor-filter]').setValue('layernorm')
    expect(app.get('[data-testid=tensor-count]').text()).toBe('1 of 3 tensors')
    const lineage = app.get('[data-testid=lineage]').text()
    expect(lineage).toContain('trained to step 300 in run run-7')
    expect(lineage).toContain('no longer in the zoo')
  })

  it('asks before removing, says the file stays where it is, and removes on confirmation', async () => {
    const app = await mountZoo()
    await app.get('[data-testid="model-lib:vit-dummy"] [data-testid=model-remove]').trigger('click')
    const dialog = app.get('dialog')
    expect(dialog.text()).toContain('Remove vit-dummy from the library?')
    expect(dialog.text()).toContain('The file stays where it is: /models/vit-dummy-bin/pytorch_model.bin')
    expect(client().calls.removeModel).toHaveLength(0)
    await app.get('[data-testid=remove-confirm]').trigger('click')
    expect(client().calls.removeModel[0].args[0]).toEqual({ id: 'lib:vit-dummy' })
  })

  it('goes back to the list after removing the model whose page is open', async () => {
    const app = await mountZoo('#/zoo?model=lib%3Avit-dummy')
    client().calls.getModel[0].resolve(sampleDetail(sampleImport()))
    await flushPromises()
    await app.get('[data-testid=model-remove]').trigger('click')
    await app.get('[data-testid=remove-confirm]').trigger('click')
    client().calls.removeModel[0].resolve({ removed: true, deletedFiles: [] })
    await flushPromises()
    client().calls.listModels.slice(2).forEach((call) => call.resolve([sampleModel()]))
    await flushPromises()
    expect(window.location.hash).toBe('#/zoo')
  })

  it('speaks Vietnamese with Vietnamese number formats', async () => {
    window.location.hash = '#/zoo'
    localStorage.setItem(APPEARANCE_STORAGE_KEY, JSON.stringify({ language: 'vi', theme: 'system' }))
    wrapper = mount(App, { ...withI18n(), attachTo: document.body })
    await flushPromises()
    client().calls.listModels.forEach((call) => call.resolve([sampleModel()]))
    await flushPromises()
    const card = wrapper.get('[data-testid="model-seed:bert-moby"]').text()
    expect(wrapper.get('h1').text()).toBe('Kho mô hình')
    expect(card).toContain('2 lớp · ẩn 128 · 2 đầu chú ý · FFN 512')
    expect(card).toContain('2,21 MFLOPs')
    expect(card).toContain('16,7 MiB')
    localStorage.clear()
    withI18n('en')
  })

  it('exports from a card: the plan with sizes and the cluster recipe, a question before replacing, then the download link', async () => {
    const app = await mountZoo()
    await app.get('[data-testid="model-seed:bert-moby"] [data-testid=model-export]').trigger('click')
    expect(client().calls.planExport[0].args[0]).toEqual({ model: 'seed:bert-moby', format: 'hf' })
    client().calls.planExport[0].resolve(samplePlan(true))
    await flushPromises()
    const dialog = app.get('[data-testid=export-dialog]')
    const plan = dialog.get('[data-testid=export-plan]').text()
    expect(plan).toContain('model.safetensors (exists, will be replaced)')
    expect(plan).toContain('16.7 MiB')
    expect(dialog.get('[data-testid=export-recipe]').text()).toContain('torchrun --nproc_per_node 8 train.py')
    await app.get('[data-testid=export-start]').trigger('click')
    expect(app.get('[data-testid=export-confirm]').text()).toBe('1 file already exists there. Replace it?')
    await app.get('[data-testid=export-replace]').trigger('click')
    expect(client().calls.exportModel[0].args[0]).toMatchObject({ overwrite: true })
    client().calls.exportModel[0].resolve({ destination: '/work/exports/bert-moby-hf', className: 'BertForMaskedLM', files: [{ path: 'a', bytes: 1 }, { path: 'b', bytes: 2 }], downloadUrl: '/download/bert-moby-hf.zip', warnings: [] })
    await flushPromises()
    expect(app.get('[data-testid=export-done]').text()).toContain('Exported 2 files to /work/exports/bert-moby-hf.')
    expect(app.get('[data-testid=export-download]').attributes('href')).toBe('/download/bert-moby-hf.zip')
  })
})
