/** Export sources: trainer checkpoints (canonical names + ModelConfig) and run folders, and their errors. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../../../test/fixtures/bad-checkpoints/builders'
import { makeConfig } from '../models/config'
import { writeSafetensors } from './formats/safetensors'
import { importExportSource, latestRunCheckpoint } from './run-checkpoint'
import { deterministicParams, tempDir } from './export-fixtures.testing'

const config = makeConfig('vit', { hiddenSize: 8, numHeads: 2, numLayers: 1, intermediateSize: 8, imageSize: 8, patchSize: 4, numClasses: 3 })

async function trainerCheckpoint(dir: string, edit: (names: string[]) => string[] = (n) => n): Promise<void> {
  mkdirSync(dir, { recursive: true })
  const params = deterministicParams(config)
  const kept = new Set(edit(Object.keys(params)))
  await writeSafetensors(join(dir, 'model.safetensors'), Object.entries(params).filter(([n]) => kept.has(n)).map(([name, p]) => ({ name, dtype: 'F32', shape: p.shape, data: p.data })), { format: 'pt' })
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  writeFileSync(join(dir, 'trainer-state.json'), '{}')
}

describe('importExportSource', () => {
  it('reads a trainer checkpoint by itself and the newest one of a run (partial folders skipped)', async () => {
    const run = tempDir('run-src')
    writeFileSync(join(run, 'manifest.json'), JSON.stringify({ model: { config } }))
    await trainerCheckpoint(join(run, 'checkpoints', 'step-0000005'))
    await trainerCheckpoint(join(run, 'checkpoints', 'step-0000012'))
    mkdirSync(join(run, 'checkpoints', '.step-0000013.partial-1'))
    expect(latestRunCheckpoint(run)?.step).toBe(12)
    const source = await importExportSource(run)
    expect(source.description).toMatch(/step-0000012$/)
    expect(source.config).toEqual(config)
    expect(Object.keys(source.params).sort()).toEqual(Object.keys(deterministicParams(config)).sort())
    expect((await importExportSource(join(run, 'checkpoints', 'step-0000005'))).description).toMatch(/step-0000005$/)
  })

  it('says what is wrong with a run without checkpoints or a checkpoint missing parameters', async () => {
    const run = tempDir('run-empty')
    writeFileSync(join(run, 'manifest.json'), '{}')
    mkdirSync(join(run, 'checkpoints'))
    await expect(importExportSource(run)).rejects.toThrow(/this run has no checkpoint yet/)
    const broken = join(tempDir('run-broken'), 'step-0000001')
    await trainerCheckpoint(broken, (names) => names.filter((n) => n !== 'head.cls.bias'))
    await expect(importExportSource(broken)).rejects.toThrow(/1 parameters missing for the vit config: head\.cls\.bias/)
  })

  it('protects every weight and config file of an HF checkpoint', async () => {
    const source = await importExportSource(join(SHARED_FIXTURES, 'gpt2-fake-lmhead'))
    expect(source.sourceFiles.map((f) => f.split('/').pop())).toEqual(expect.arrayContaining(['model.safetensors', 'config.json', 'tokenizer.json', 'vocab.json']))
  })
})
