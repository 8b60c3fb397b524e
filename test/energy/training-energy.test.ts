/**
 * End to end: a short training run (tiny ViT on a few hundred MNIST digits, cpu backend) meters its energy. The
 * sources are injected (an empty powercap tree and no nvidia-smi), so on any runner, with or without RAPL or an
 * NVIDIA GPU, the CPU-time estimate is the source: every metrics line
 * carries estimated joules that grow with the process's CPU time, the manifest records the sources and the carbon
 * assumptions, and a resumed run continues the cumulative joules.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeConfig } from '../../src/engine/models/config'
import { runTraining, type RunTrainingOptions } from '../../src/engine/train/run-training'
import type { MetricRecord, RunManifest } from '../../src/shared/train'

const tinyVit = makeConfig('vit', { hiddenSize: 16, numHeads: 2, intermediateSize: 32, numLayers: 2, imageSize: 28, patchSize: 7, numChannels: 1, numClasses: 10 })

let dir: string
beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = mkdtempSync(join(tmpdir(), 'ligo-energy-run-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const readLines = (runDir: string): MetricRecord[] =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MetricRecord)

function options(runDir: string, overrides: Partial<RunTrainingOptions> = {}): RunTrainingOptions {
  return {
    model: 'tiny-vit',
    modelConfig: tinyVit,
    data: 'mnist',
    maxExamples: 200,
    steps: 12,
    runDir,
    batchSize: 8,
    learningRate: 3e-3,
    evalEvery: 6,
    evalBatches: 1,
    logEvery: 2,
    checkpointEvery: 6,
    backend: 'cpu',
    // No RAPL and no GPU, whatever the runner has: the estimate is the source under test.
    energy: { settings: { gridRegion: 'FR', pue: 1.1 }, intervalMs: 200, setup: { powercapRoot: join(dir, 'no-powercap'), nvidiaSmi: join(dir, 'no-nvidia-smi') } },
    ...overrides,
  }
}

describe('energy of a training run metered by the CPU-time estimate', () => {
  it('records estimated joules on every metrics line, growing with CPU time, and the sources in the manifest', async () => {
    const runDir = join(dir, 'run')
    await runTraining(options(runDir))
    const lines = readLines(runDir)
    expect(lines.map((l) => l.step)).toEqual([2, 4, 6, 8, 10, 12])
    const energies = lines.map((l) => l.energy!)
    for (const [i, energy] of energies.entries()) {
      expect(energy.accuracy).toBe('estimated')
      expect(energy.phase).toBe('main')
      expect(energy.window).toEqual({ fromStep: i * 2 + 1, toStep: i * 2 + 2 })
      expect(energy.samples.every((s) => s.source === 'estimate' && s.method === 'estimate' && s.device === 'cpu-process')).toBe(true)
      if (i > 0) expect(energy.joules).toBeCloseTo(energies[i - 1].joules + energy.windowJoules, 9)
    }
    expect(energies.at(-1)!.joules).toBeGreaterThan(energies[0].joules)
    expect(energies.at(-1)!.byPhase.main).toBeCloseTo(energies.at(-1)!.joules, 9)

    // The estimate is CPU time × watts per thread: between the first and last lines the joules follow the CPU
    // seconds the trainer logged (the meter samples just after the trainer reads its clock; a deferred sample
    // (<100 ms after the previous one) moves at most ~0.1 s of CPU to the next line).
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as RunManifest
    const estimate = manifest.energy!.sources.find((s) => s.id === 'estimate')!
    expect(estimate).toMatchObject({ used: true, accuracy: 'estimated' })
    const wattsPerThread = Number(/× ([\d.]+) W per thread/.exec(estimate.detail)![1])
    const cpu = lines.at(-1)!.cpuSeconds - lines[0].cpuSeconds
    const joules = energies.at(-1)!.joules - energies[0].joules
    expect(cpu).toBeGreaterThan(0)
    expect(Math.abs(joules / wattsPerThread - cpu)).toBeLessThan(0.15 + 0.1 * cpu)
    expect(manifest.energy!.carbon).toMatchObject({ region: 'FR', gramsPerKwh: 56, year: 2023, pue: 1.1, origin: { region: 'params', pue: 'params' } })
    expect(manifest.energy!.scope).toContain("estimate: this process's CPU time")
  }, 60_000)

  it('continues the cumulative joules when the run is resumed', async () => {
    const runDir = join(dir, 'run')
    const before = readLines(runDir).at(-1)!.energy!
    await runTraining(options(runDir, { resume: true, steps: 16 }))
    const lines = readLines(runDir)
    expect(lines.map((l) => l.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16])
    const resumed = lines[6].energy!
    expect(resumed.window).toEqual({ fromStep: 13, toStep: 14 })
    expect(resumed.joules).toBeCloseTo(before.joules + resumed.windowJoules, 9)
    expect(resumed.byMethod.estimate).toBeCloseTo(resumed.joules, 9)
    expect(lines[7].energy!.joules).toBeGreaterThan(before.joules)
  }, 60_000)

  it('refuses a bad carbon setting before creating the run folder', async () => {
    const runDir = join(dir, 'bad')
    await expect(runTraining(options(runDir, { energy: { settings: { pue: 0.5 } } }))).rejects.toThrow('the pue setting must be at least 1, got 0.5')
    expect(() => readFileSync(join(runDir, 'manifest.json'))).toThrow()
  })
})
