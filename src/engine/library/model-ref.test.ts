import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli/main'
import { captureIo } from '../../cli/commands/cli-test-io.testing'
import { writeSafetensors } from '../io/formats/safetensors'
import { importExportSource } from '../io/run-checkpoint'
import { parameterCount } from '../models/param-count'
import { parameterShapes } from '../models/shapes'
import { tinyConfig } from '../models/tiny-configs'
import { TRAINING_CHECKPOINT_CLASS, readCheckpointHeaders } from './checkpoint-headers'
import { modelArgument, resolveModelRef } from './model-ref'

const SEEDS = resolve(import.meta.dirname, '../../../resources/seeds')

describe('the one model resolver', () => {
  let root: string
  let run: string
  let step: string
  const config = tinyConfig('bert')
  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-ref-')))
    // A run folder as the trainer writes it: manifest.json, checkpoints/step-NNNNNNN with canonical names.
    run = join(root, 'run')
    step = join(run, 'checkpoints', 'step-0000005')
    mkdirSync(step, { recursive: true })
    writeFileSync(join(run, 'manifest.json'), JSON.stringify({ model: { config } }))
    writeFileSync(join(step, 'config.json'), JSON.stringify(config))
    writeFileSync(join(step, 'trainer-state.json'), '{}')
    const tensors = Object.entries(parameterShapes(config)).map(([name, shape], i) => ({ name, dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(i) }))
    await writeSafetensors(join(step, 'model.safetensors'), tensors, { format: 'pt' })
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('names presets, seeds, paths, run folders and their checkpoints, and config files', () => {
    expect(resolveModelRef('bert-mini')).toMatchObject({ kind: 'preset', presetId: 'bert-mini' })
    expect(modelArgument(resolveModelRef('preset:bert-mini'))).toBe('bert-mini')
    expect(resolveModelRef('bert-moby', { seedsDir: SEEDS })).toEqual({ kind: 'checkpoint', layout: 'hf', path: join(SEEDS, 'bert-moby'), name: 'bert-moby' })
    expect(resolveModelRef(run)).toMatchObject({ kind: 'checkpoint', layout: 'run', path: run })
    expect(resolveModelRef('run/checkpoints/step-0000005', { cwd: root })).toMatchObject({ kind: 'checkpoint', layout: 'training-checkpoint', path: step })
    expect(resolveModelRef(join(step, 'config.json'))).toMatchObject({ kind: 'config' })
    expect(() => resolveModelRef('no-such-model', { cwd: root })).toThrow(/Unknown model "no-such-model": not a model preset .* no file or folder at/)
  })

  it('reads a run and its checkpoint header-only, and loads their weights (what ligo train --model and ligo export take)', async () => {
    for (const path of [run, step]) {
      const location = resolveModelRef(path)
      if (location.kind !== 'checkpoint') throw new Error('expected a checkpoint')
      const headers = await readCheckpointHeaders(location.path, location.layout)
      expect(headers.sourceClass).toBe(TRAINING_CHECKPOINT_CLASS)
      expect(headers.config).toEqual(config)
      expect(headers.tensors.map((t) => t.name).sort()).toEqual(Object.keys(parameterShapes(config)).sort())
      const loaded = await importExportSource(modelArgument(location))
      expect(Object.keys(loaded.params).length).toBe(headers.tensors.length)
    }
  })

  it('ligo inspect takes a run folder and a run checkpoint (the canonical names are not an "unknown architecture")', async () => {
    for (const path of [run, step]) {
      const { io, out } = captureIo()
      await main(['inspect', path], io)
      expect(out.stderr).toBe('')
      expect(out.stdout).toContain(TRAINING_CHECKPOINT_CLASS)
      expect(out.stdout).toContain(`Parameters    ${parameterCount(config).toLocaleString('en-US')}`)
    }
  })
})
