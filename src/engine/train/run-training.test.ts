/**
 * Run folders: manifest and metrics log, checkpoints, and resume. A run that crashed (simulated by a throwing
 * metrics callback, so no checkpoint is written at the crash) or was cancelled, then resumed, must log the same
 * losses and exactly the same cumulative FLOPs/tokens as a run that never stopped.
 */
import '@tensorflow/tfjs'
import * as tf from '@tensorflow/tfjs-core'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getCorpus } from '../data'
import { openSafetensors } from '../io/formats/safetensors'
import { makeConfig } from '../models/config'
import { parameterShapes } from '../models/shapes'
import type { MetricRecord, RunManifest } from '../../shared/train'
import { runTraining, type RunTrainingOptions } from './run-training'
import { learningRateAt } from './schedule'
import { useWasmBackend } from './wasm-backend.testing'

let root: string
let dataDir: string
beforeAll(async () => {
  await useWasmBackend()
  root = mkdtempSync(join(tmpdir(), 'ligo-run-'))
  // A folder of .txt files (one document each): a user data path, so a resumed run can reload it.
  dataDir = join(root, 'text')
  mkdirSync(dataDir)
  const corpus = getCorpus('moby-dick')
  if (corpus.kind !== 'text') throw new Error('moby-dick should be text')
  corpus.loadDocuments().slice(3, 9).forEach((d) => writeFileSync(join(dataDir, `${d.id}.txt`), d.text))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const config = makeConfig('bert', { hiddenSize: 16, numHeads: 2, intermediateSize: 32, numLayers: 2, vocabSize: 150, maxPositions: 16, tieWordEmbeddings: false })

function runOptions(name: string, extra: Partial<RunTrainingOptions> = {}): RunTrainingOptions {
  return {
    modelConfig: config,
    data: dataDir,
    steps: 12,
    runDir: join(root, name),
    batchSize: 4,
    seqLen: 16,
    learningRate: 5e-3,
    warmupSteps: 2,
    seed: 3,
    evalEvery: 6,
    evalBatches: 1,
    logEvery: 2,
    checkpointEvery: 4,
    keepCheckpoints: 2,
    backend: tf.getBackend(),
    ...extra,
  }
}

const readMetrics = (dir: string): MetricRecord[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as MetricRecord)

function expectSameRun(resumed: MetricRecord[], reference: MetricRecord[]): void {
  expect(resumed.map((r) => r.step)).toEqual(reference.map((r) => r.step))
  resumed.forEach((r, i) => {
    const ref = reference[i]
    expect(r.trainLoss, `loss at step ${r.step}`).toBeCloseTo(ref.trainLoss, 5)
    expect(r.flops).toBe(ref.flops)
    expect(r.tokens).toBe(ref.tokens)
    expect(r.examples).toBe(ref.examples)
    expect(r.lr).toBe(ref.lr)
    if (ref.eval) expect(r.eval?.loss).toBeCloseTo(ref.eval.loss, 5)
  })
  // Counters only grow, across the resume too.
  for (let i = 1; i < resumed.length; i++) {
    expect(resumed[i].wallSeconds).toBeGreaterThan(resumed[i - 1].wallSeconds)
    expect(resumed[i].cpuSeconds).toBeGreaterThanOrEqual(resumed[i - 1].cpuSeconds)
  }
}

/** A run that crashes when it logs `step` (a throwing metrics callback: nothing is written at the crash). */
const crashAt = (name: string, step: number, extra: Partial<RunTrainingOptions> = {}) =>
  expect(runTraining({ ...runOptions(name, { onMetrics: (r) => { if (r.step === step) throw new Error('simulated crash') } }), ...extra })).rejects.toThrow('simulated crash')

/** Resumes the run in `dir` to its end; what it logged and the sessions' first steps. */
async function resumeToEnd(dir: string): Promise<{ step: number; log: string; fromSteps: number[] }> {
  const logs: string[] = []
  const result = await runTraining({ runDir: dir, resume: true, backend: tf.getBackend(), onLog: (m) => logs.push(m) })
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest
  return { step: result.step, log: logs.join('\n'), fromSteps: manifest.sessions.map((s) => s.fromStep) }
}

describe('runTraining', () => {
  let reference: MetricRecord[]

  it('writes the manifest, an fsync-ed metrics log, the tokenizer and the last K checkpoints', async () => {
    const before = tf.memory().numTensors
    const result = await runTraining(runOptions('full'))
    expect(tf.memory().numTensors).toBe(before)
    const dir = join(root, 'full')
    reference = readMetrics(dir)
    expect(reference.map((r) => r.step)).toEqual([2, 4, 6, 8, 10, 12])
    expect(reference.filter((r) => r.eval).map((r) => r.step)).toEqual([6, 12])
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest
    expect(manifest).toMatchObject({ format: 'ligo-run', seed: 3, backend: 'wasm', model: { family: 'bert', source: 'config' }, data: { source: dataDir, objective: 'masked-lm' } })
    expect(manifest.training).toMatchObject({ steps: 12, batchSize: 4, seqLen: 16, learningRate: 5e-3, schedule: 'linear' })
    expect(reference[0].flops).toBe(2 * manifest.flops.perStep)
    expect(existsSync(join(dir, 'tokenizer.json'))).toBe(true)
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['step-0000008', 'step-0000012'])
    expect(result).toMatchObject({ step: 12, steps: 12, checkpoint: join(dir, 'checkpoints', 'step-0000012') })
    expect(result.throughput.unit).toBe('tokens/s')
    // Weights under canonical names with the config's shapes.
    const weights = await openSafetensors(join(dir, 'checkpoints', 'step-0000012', 'model.safetensors'))
    const shapes = parameterShapes(config)
    expect([...weights.tensors.keys()].sort()).toEqual(Object.keys(shapes).sort())
    for (const [name, info] of weights.tensors) expect(info.shape).toEqual(shapes[name])
  })

  // A crash after the step-4 checkpoint resumes from it; one before the first checkpoint starts over from step 0.
  it.each([
    { crashStep: 6, from: 'from step 4 (dropped 1 metrics line(s) logged after it; 1 torn line of metrics.jsonl left by a crash dropped)', logged: [2, 4, 6], fromSteps: [0, 4] },
    { crashStep: 2, from: 'over from step 0: it stopped before its first checkpoint (dropped 1 metrics line(s) logged after it; 1 torn line', logged: [2], fromSteps: [0, 0] },
  ])('resumes a run that crashed at step $crashStep: same losses, exact counters, log cut back', async ({ crashStep, from, logged, fromSteps }) => {
    const dir = join(root, `crashed-${crashStep}`)
    await crashAt(`crashed-${crashStep}`, crashStep)
    expect(readMetrics(dir).map((r) => r.step)).toEqual(logged)
    writeFileSync(join(dir, 'metrics.jsonl'), readFileSync(join(dir, 'metrics.jsonl'), 'utf8') + '{"step": 7, "tor') // a torn line
    const resumed = await resumeToEnd(dir)
    expect(resumed.log).toContain(from)
    expect(resumed.step).toBe(12)
    expectSameRun(readMetrics(dir), reference)
    expect(resumed.fromSteps).toEqual(fromSteps)
  })

  it('refuses to start over when the checkpoint the run started from is gone, naming it', async () => {
    const source = join(root, 'source-copy')
    cpSync(join(root, 'full'), source, { recursive: true })
    const dir = join(root, 'from-checkpoint')
    await crashAt('from-checkpoint', 2, { modelConfig: undefined, model: source })
    rmSync(source, { recursive: true })
    await expect(runTraining({ runDir: dir, resume: true, backend: tf.getBackend() })).rejects.toThrow(`Unknown model "${source}"`)
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true) // nothing of the run is lost
  })

  it('cancels at a step boundary with a checkpoint, and the resumed run matches', async () => {
    const dir = join(root, 'cancelled')
    const controller = new AbortController()
    const first = await runTraining(runOptions('cancelled', { signal: controller.signal, onMetrics: (r) => r.step === 6 && controller.abort() }))
    expect(first).toMatchObject({ step: 6, checkpoint: join(dir, 'checkpoints', 'step-0000006') })
    await runTraining({ runDir: dir, resume: true, backend: tf.getBackend() })
    expectSameRun(readMetrics(dir), reference)
  })

  it('records a shaped schedule and, cancelled mid-decay, resumes on the same rates', async () => {
    // accelerated (docs/engine/schedules.md §2): 2 warmup updates, then the cosine over round(0.5 * 10) = 5 updates.
    const dir = join(root, 'accelerated')
    const controller = new AbortController()
    await runTraining(runOptions('accelerated', { schedule: 'accelerated', logEvery: 1, signal: controller.signal, onMetrics: (r) => r.step === 4 && controller.abort() }))
    await runTraining({ runDir: dir, resume: true, backend: tf.getBackend() })
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest
    expect(manifest.training.schedule).toBe('accelerated')
    const records = readMetrics(dir)
    expect(records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    // The record of step s logs the rate of update s - 1.
    for (const r of records) expect(r.lr).toBe(learningRateAt(r.step - 1, { peak: 5e-3, warmupSteps: 2, totalSteps: 12, kind: 'accelerated' }))
    expect(records[2].lr).toBe(5e-3)
    expect(records.slice(7).every((r) => r.lr === 0)).toBe(true)
  })

  it('refuses to start over an existing run and to resume a folder without one', async () => {
    await expect(runTraining(runOptions('full'))).rejects.toThrow('already holds a run (manifest.json); resume it or choose another folder')
    await expect(runTraining({ runDir: join(root, 'nothing'), resume: true, backend: 'wasm' })).rejects.toThrow('no manifest.json here, so it is not a run folder')
    await expect(runTraining({ runDir: join(root, 'x'), model: 'bert-huge', data: 'moby-dick', steps: 1, backend: 'wasm' })).rejects.toThrow('Unknown model "bert-huge"')
  })
})
