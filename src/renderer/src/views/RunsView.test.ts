// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunSummary, StartTrainParams } from '../../../shared/runs'
import App from '../App.vue'
import { installRunsSource } from '../stores/runs'
import { fakeClientPerTest, flushTasks } from '../testing/fake-client-per-test'
import { sampleImport, sampleModel } from '../testing/models'
import { withI18n } from '../testing/mount-options'

const client = fakeClientPerTest()
let wrapper: ReturnType<typeof mount> | null = null
afterEach(() => {
  wrapper?.unmount()
  window.location.hash = ''
  installRunsSource(null) // the next test's fake client
})

const DATASETS = [
  { id: 'moby-dick', modality: 'text' as const, title: 'Moby Dick' },
  { id: 'mnist', modality: 'image' as const, title: 'MNIST digits' },
]

/** Answers the zoo and dataset lists the forms read. */
async function answerLists(): Promise<void> {
  await flushPromises()
  for (const call of client().calls.listModels) call.resolve([sampleModel(), sampleImport()])
  for (const call of client().calls.listDatasets) call.resolve(DATASETS)
  for (const call of client().calls.listRuns) call.resolve([])
  await flushPromises()
}

const input = (name: string) => wrapper!.get(`[data-testid=new-train] [name=${name}]`)

describe('RunsView', () => {
  it('"Compare" on a zoo card opens the new-comparison form with that model as the source and the target to choose', async () => {
    window.location.hash = '#/runs?new=compare&from=seed%3Agpt2-moby'
    wrapper = mount(App, { ...withI18n(), attachTo: document.body })
    await answerLists()
    const form = wrapper.get('[data-testid=new-comparison]')
    expect((form.get('select[name=from]').element as HTMLSelectElement).value).toBe('seed:gpt2-moby')
    expect((form.get('input[name=to]').element as HTMLInputElement).value).toBe('')
    expect((form.get('input[name=seeds]').element as HTMLInputElement).value).toBe('3')
    expect(client().calls.listRuns.length).toBeGreaterThan(0) // the list is loaded beside the form
  })

  it('"Train" on a zoo card opens the training form with that model and a dataset of its kind', async () => {
    window.location.hash = '#/runs?new=train&model=lib%3Avit-dummy'
    wrapper = mount(App, { ...withI18n(), attachTo: document.body })
    await answerLists()
    expect((input('model').element as HTMLSelectElement).value).toBe('lib:vit-dummy')
    expect(input('seqLen').isVisible()).toBe(false) // images take the model's image size, not a sequence length
    await wrapper.get('[data-testid=new-train]').trigger('submit')
    const [params] = client().calls.startTrain[0].args as [StartTrainParams]
    expect(params).toMatchObject({ model: 'lib:vit-dummy', data: 'mnist' }) // an image model: image data
    expect(params.settings).not.toHaveProperty('seqLen')
  })

  it('says what is wrong with each field, sends nothing until it is right, then starts the run and opens it', async () => {
    window.location.hash = '#/runs?new=train&model=seed%3Abert-moby'
    wrapper = mount(App, { ...withI18n(), attachTo: document.body })
    await answerLists()
    await input('steps').setValue('0')
    await input('batchSize').setValue('2.5')
    await input('learningRate').setValue('11')
    await wrapper.get('[data-testid=new-train]').trigger('submit')
    expect(wrapper.get('[data-testid=problem-steps]').text()).toBe('Must be between 1 and 1,000,000,000.')
    expect(wrapper.get('[data-testid=problem-batchSize]').text()).toBe('Must be a whole number.')
    expect(wrapper.get('[data-testid=problem-learningRate]').text()).toBe('Must be between 0 and 10.')
    expect(input('steps').attributes('aria-invalid')).toBe('true')
    expect(client().calls.startTrain).toHaveLength(0)

    await input('steps').setValue('30')
    await input('batchSize').setValue('4')
    await input('learningRate').setValue('0.001')
    await input('schedule').setValue('cosine')
    expect(wrapper.get('[data-testid=problem-steps]').text()).toBe('')
    await wrapper.get('[data-testid=new-train]').trigger('submit')
    expect(client().calls.startTrain).toHaveLength(1)
    expect(client().calls.startTrain[0].args[0]).toEqual({
      model: 'seed:bert-moby',
      data: 'moby-dick',
      steps: 30,
      settings: { batchSize: 4, seqLen: 128, learningRate: 0.001, schedule: 'cosine', seed: 0, evalEvery: 100 },
      name: 'bert-moby on moby-dick', // named in the window's language
    })
    client().calls.startTrain[0].resolve({ id: '20261202T100000-train-abc123' } as RunSummary)
    await flushPromises()
    expect(window.location.hash).toBe('#/runs?run=20261202T100000-train-abc123')
  })

  it('"Duplicate with changes" of a training run opens the training form with its settings', async () => {
    window.location.hash = '#/runs'
    wrapper = mount(App, { ...withI18n(), attachTo: document.body })
    await flushPromises()
    const summary = { id: 'r1', kind: 'train', name: 'bert-moby on sotu', status: 'completed', createdAt: '2026-12-02T09:00:00.000Z', done: 40, total: 40, unit: 'steps', etaSeconds: null, queuePosition: null, error: null, model: 'seed:bert-moby' }
    client().calls.listRuns[0].resolve([summary as RunSummary])
    await flushPromises()
    await wrapper.get('[data-testid=run-r1]').findAll('button').find((b) => b.text() === 'Duplicate with changes')!.trigger('click')
    await flushPromises()
    const params = { model: 'seed:bert-moby', data: 'sotu', steps: 40, settings: { batchSize: 8, seqLen: 64, learningRate: 0.001, schedule: 'cosine', seed: 2, evalEvery: 10 } }
    client().calls.getRun[0].resolve({ summary, params, series: [], facts: [], checkpoints: [], outputs: [], manifest: null, family: null, sourceLoss: {}, report: null } as never)
    await flushPromises()
    expect(window.location.hash).toBe('#/runs?new=train')
    await flushTasks() // the hashchange event
    await answerLists()
    expect((input('steps').element as HTMLInputElement).value).toBe('40')
    expect((input('seqLen').element as HTMLInputElement).value).toBe('64')
    await wrapper.get('[data-testid=new-train]').trigger('submit')
    expect(client().calls.startTrain[0].args[0]).toEqual({ ...params, name: 'bert-moby on sotu' })
  })
})
