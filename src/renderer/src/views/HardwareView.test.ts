// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { BACKEND_LABELS } from '../../../shared/hardware'
import { installStudioClient } from '../composables/client'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { sampleHardwareRecord } from '../testing/hardware-record'
import HardwareView from './HardwareView.vue'
import { withI18n } from '../testing/mount-options'

let client: FakeStudioClient
beforeEach(() => {
  client = new FakeStudioClient()
  installStudioClient(client)
  setActivePinia(createPinia())
})

async function mountWithRecord() {
  const wrapper = mount(HardwareView, withI18n())
  await nextTick()
  expect(wrapper.text()).toContain('Asking the engine about this machine')
  client.calls.getHardware[0].resolve(sampleHardwareRecord())
  await flushPromises()
  return wrapper
}

describe('HardwareView', () => {
  it('shows the backend in use with its label, and why each candidate was skipped', async () => {
    const wrapper = await mountWithRecord()
    expect(wrapper.get('[data-testid=backend-in-use]').text()).toBe(`wasm — ${BACKEND_LABELS.wasm}`)
    const gpuRow = wrapper.get('[data-testid=candidate-tensorflow-gpu]').text()
    expect(gpuRow).toContain('Not available')
    expect(gpuRow).toContain('package @tensorflow/tfjs-node-gpu is not installed')
    expect(wrapper.get('[data-testid=candidate-wasm]').text()).toContain('In use')
    expect(wrapper.get('[data-testid=candidate-cpu]').text()).toContain('Not tried')
    expect(wrapper.get('[data-testid=gpus]').text()).toBe('None listed: nvidia-smi was not found')
    const text = wrapper.text()
    expect(text).toContain('AMD EPYC 7B13')
    expect(text).toContain('sse4_2, avx2, fma')
    expect(text).toContain('8.00 GiB (3.00 GiB free)')
    expect(text).toContain('Chosen automatically')
    expect(wrapper.get('[data-testid=advice]').text()).toBe('Install @tensorflow/tfjs-node for the native TensorFlow CPU backend.')
    expect(text).toContain('LIGO_BACKEND')
  })

  it('says when the backend was forced by the environment', async () => {
    const wrapper = mount(HardwareView, withI18n())
    client.calls.getHardware[0].resolve({ ...sampleHardwareRecord(), backend: 'cpu', selection: { mode: 'forced', source: 'environment', requested: 'cpu' } })
    await flushPromises()
    expect(wrapper.text()).toContain('Forced to cpu by the LIGO_BACKEND environment variable.')
  })

  it('measures speed with a progress bar, then shows GFLOP/s per size', async () => {
    const wrapper = await mountWithRecord()
    await wrapper.get('button.button--primary').trigger('click')
    const { taskId } = client.calls.benchmarkMatmul[0].args[0] as { taskId: string }
    client.emit({ type: 'task.progress', taskId, done: 1, total: 3, unit: 'sizes', elapsedSeconds: 2, etaSeconds: 65, message: 'n=256' })
    await flushPromises()
    const bar = wrapper.get('[role=progressbar]')
    expect(bar.attributes()).toMatchObject({ 'aria-valuemin': '0', 'aria-valuemax': '3', 'aria-valuenow': '1' })
    expect(bar.attributes('aria-valuetext')).toBe('1 of 3 sizes, 2 s elapsed, about 1 min 05 s left')
    expect(wrapper.get('button.button--primary').attributes('disabled')).toBeDefined()

    client.calls.benchmarkMatmul[0].resolve({ backend: 'wasm', path: 'backend', rows: [{ size: 256, gflops: 12.345, milliseconds: 2.72, repeats: 8 }] })
    await flushPromises()
    expect(wrapper.find('[role=progressbar]').exists()).toBe(false)
    const cells = wrapper.get('[data-testid=speed-result] tbody tr').findAll('th, td').map((cell) => cell.text())
    expect(cells).toEqual(['256', '12.35', '2.72 ms', '8'])
  })

  it('shows "cancelled" after Cancel, without an error', async () => {
    const wrapper = await mountWithRecord()
    await wrapper.get('button.button--primary').trigger('click')
    const cancel = wrapper.findAll('button').find((button) => button.text() === 'Cancel')!
    await cancel.trigger('click')
    const { taskId } = client.calls.benchmarkMatmul[0].args[0] as { taskId: string }
    expect(client.calls.cancelTask[0].args).toEqual([taskId])
    client.calls.cancelTask[0].resolve({ cancelled: true })
    client.calls.benchmarkMatmul[0].reject(FakeStudioClient.error('cancelled', 'cancelled'))
    await flushPromises()
    expect(wrapper.get('[data-testid=speed-cancelled]').text()).toBe('Measurement cancelled.')
    expect(wrapper.find('.notice--error').exists()).toBe(false)
  })

  it('offers to try again when the hardware record cannot be read', async () => {
    const wrapper = mount(HardwareView, withI18n())
    client.calls.getHardware[0].reject(FakeStudioClient.error('engine_crashed', 'engine exited with code 1'))
    await flushPromises()
    expect(wrapper.get('[role=alert]').text()).toContain('Could not read the hardware record: engine exited with code 1')
    await wrapper.get('[role=alert] button').trigger('click')
    expect(client.calls.getHardware).toHaveLength(2)
  })
})

describe('HardwareView native kernels', () => {
  const native = { active: true, kernels: ['BatchMatMul', 'LigoSoftmaxCrossEntropy'], blas: 'OpenBLAS 0.3.21 Zen', threads: 2, reason: 'addon loaded' }

  it('shows the addon in use with its BLAS, threads and kernels', async () => {
    const wrapper = mount(HardwareView, withI18n())
    client.calls.getHardware[0].resolve({ ...sampleHardwareRecord(), nativeKernels: native })
    await flushPromises()
    const card = wrapper.get('[data-testid=native-kernels]')
    expect(card.get('[data-testid=native-state]').text()).toContain('on 2 threads')
    expect(card.get('[data-testid=native-blas]').text()).toBe('OpenBLAS 0.3.21 Zen')
    expect(card.text()).toContain('BatchMatMul, LigoSoftmaxCrossEntropy')
    expect(card.text()).not.toContain('How to get them')
  })

  it('says why the addon is absent and how to get it, in Vietnamese too', async () => {
    const wrapper = mount(HardwareView, withI18n('vi'))
    const absent = { active: false, kernels: [], blas: null, threads: null, reason: 'native/build/ligo_native.node was not built' }
    client.calls.getHardware[0].resolve({ ...sampleHardwareRecord(), nativeKernels: absent })
    await flushPromises()
    const card = wrapper.get('[data-testid=native-kernels]')
    expect(card.get('h2').text()).toBe('Kernel gốc (native)')
    expect(card.get('[data-testid=native-reason]').text()).toBe(absent.reason)
    expect(card.text()).toContain('libopenblas-dev')
    expect(wrapper.get('h1').text()).toBe('Phần cứng')
    expect(wrapper.text()).toContain('8,00 GiB (còn trống 3,00 GiB)')
    withI18n('en')
  })
})
