// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { FakeStudioClient } from '../testing/fake-studio-client'
import { fakeClientPerTest, flushTasks } from '../testing/fake-client-per-test'
import { sampleModel, samplePlan } from '../testing/models'
import { useExportStore } from './export'

const client = fakeClientPerTest()

describe('useExportStore', () => {
  it('plans, asks before replacing an existing file, then exports with overwrite and a task id', async () => {
    const exporter = useExportStore()
    const starting = exporter.start(sampleModel())
    expect(client().calls.planExport[0].args[0]).toEqual({ model: 'seed:bert-moby', format: 'hf' })
    client().calls.planExport[0].resolve(samplePlan(true))
    await starting
    await exporter.run()
    expect(exporter.phase).toBe('confirming')
    expect(client().calls.exportModel).toHaveLength(0)
    const running = exporter.run(true)
    const params = client().calls.exportModel[0].args[0] as { taskId: string; overwrite: boolean; model: string }
    expect(params).toMatchObject({ model: 'seed:bert-moby', format: 'hf', overwrite: true })
    expect(params.taskId).toMatch(/^export-/)
    expect(exporter.phase).toBe('exporting')
    client().calls.exportModel[0].resolve({ destination: '/work/exports/bert-moby-hf', className: 'BertForMaskedLM', files: [{ path: '/x', bytes: 1 }], downloadUrl: '/api/download/x.zip', warnings: [] })
    await running
    expect(exporter.phase).toBe('done')
    expect(exporter.outcome?.downloadUrl).toBe('/api/download/x.zip')
  })

  it('plans again with the chosen dtype, and shows why a plan is refused', async () => {
    const exporter = useExportStore()
    void exporter.start(sampleModel())
    client().calls.planExport[0].resolve(samplePlan())
    await flushTasks()
    exporter.dtype = 'bf16'
    exporter.format = 'timm'
    const replanning = exporter.replan()
    expect(client().calls.planExport[1].args[0]).toEqual({ model: 'seed:bert-moby', format: 'timm', dtype: 'bf16' })
    client().calls.planExport[1].reject(FakeStudioClient.error('invalid_request', 'timm export holds ViT, DeiT and CaiT; bert-moby is bert'))
    await replanning
    expect(exporter.plan).toBeNull()
    expect(exporter.planError).toBe('Cannot export this way: timm export holds ViT, DeiT and CaiT; bert-moby is bert')
  })

  it('ends as cancelled when the task is cancelled', async () => {
    const exporter = useExportStore()
    void exporter.start(sampleModel())
    client().calls.planExport[0].resolve(samplePlan())
    await flushTasks()
    const running = exporter.run()
    const cancelling = exporter.cancel()
    expect(client().calls.cancelTask[0].args[0]).toMatch(/^export-/)
    client().calls.cancelTask[0].resolve({ cancelled: true })
    await cancelling
    client().calls.exportModel[0].reject(FakeStudioClient.error('cancelled', 'cancelled'))
    await running
    expect(exporter.phase).toBe('cancelled')
  })
})
