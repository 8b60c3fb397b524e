/**
 * A tiny comparison end to end: run folders per method, a report with savings, every method charged its own work
 * (checked against the FLOPs counter), and an interrupted comparison that resumes without redoing finished methods
 * and ends with exactly the losses and FLOPs of an uninterrupted one.
 */
import '@tensorflow/tfjs'
import * as tf from '@tensorflow/tfjs-core'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frozenLayersStepFlops, kiStepFlops, ligoGrowthStepFlops, trainingStepFlops } from '../metrics/flops'
import { openSafetensors } from '../io/formats/safetensors'
import { flopsShapeOf } from '../metrics/model-flops'
import type { CompareParams, ComparisonReport } from '../../shared/growth'
import type { MetricRecord } from '../../shared/train'
import { useWasmBackend } from '../train/wasm-backend.testing'
import { runComparison, type CompareProgress } from './compare'
import { TINY_LARGE, TINY_SMALL, writeGrowthFixtures } from './experiments.testing'

let root: string
let fixtures: Awaited<ReturnType<typeof writeGrowthFixtures>>
beforeAll(async () => {
  await useWasmBackend()
  root = mkdtempSync(join(tmpdir(), 'ligo-compare-'))
  fixtures = await writeGrowthFixtures(root)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const BATCH = 4
const SEQ = 16
const params = (out: string): CompareParams => ({
  from: fixtures.small,
  to: fixtures.large,
  methods: ['scratch', 'ligo', 'ki'],
  data: fixtures.data,
  budget: { kind: 'steps', value: 6 },
  out: join(root, out),
  seeds: 1,
  batchSize: BATCH,
  seqLen: SEQ,
  evalEvery: 3,
  evalBatches: 1,
  checkpointEvery: 2,
  settings: { ligo: { operatorSteps: 3 } },
  energy: false,
})
const metrics = (dir: string): MetricRecord[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MetricRecord)

describe('runComparison', () => {
  let report: ComparisonReport
  it('trains every method in its own run folder and reports savings', async () => {
    const before = tf.memory().numTensors
    const result = await runComparison(params('full'), { backend: tf.getBackend() })
    report = result.report
    for (const key of ['scratch-seed0', 'ligo-seed0', 'ki-seed0']) {
      expect(existsSync(join(root, 'full', key, 'manifest.json'))).toBe(true)
      expect(metrics(join(root, 'full', key)).at(-1)!.step).toBe(6)
    }
    expect(existsSync(join(root, 'full', 'report.json'))).toBe(true)
    expect(report.targets.map((t) => t.kind)).toEqual(['scratch-final', 'source', 'between', 'between', 'ladder', 'ladder'])
    // the label frequencies' loss, recorded per seed beside the source's and carried into the report
    const recorded = JSON.parse(readFileSync(join(root, 'full', 'experiment.json'), 'utf8')) as { priorLoss: Record<string, number> }
    expect(recorded.priorLoss['0']).toBeGreaterThan(0)
    expect(report.priorLoss).toBe(recorded.priorLoss['0'])
    const final = report.targets[0]
    expect(final.methods.map((m) => m.method)).toEqual(['scratch', 'ligo', 'ki'])
    // Every method's cost to scratch's final loss, recomputed from its run folder: the grown model before training
    // (manifest) then each evaluation, first crossing interpolated linearly (docs/growth/savings.md).
    const target = metrics(join(root, 'full', 'scratch-seed0')).filter((l) => l.eval).at(-1)!.eval!.loss
    const costOf = (key: string): number | null => {
      const manifest = JSON.parse(readFileSync(join(root, 'full', key, 'manifest.json'), 'utf8'))
      const points = [{ flops: manifest.growth.initial.flops, loss: manifest.growth.initial.loss }, ...metrics(join(root, 'full', key)).filter((l) => l.eval).map((l) => ({ flops: l.flops, loss: l.eval!.loss }))]
      const i = points.findIndex((p) => p.loss <= target)
      if (i < 0) return null
      if (i === 0) return points[0].flops
      const [a, b] = [points[i - 1], points[i]]
      return a.flops + ((a.loss - target) / (a.loss - b.loss)) * (b.flops - a.flops)
    }
    const scratchCost = costOf('scratch-seed0')!
    expect(final.methods[0].reached).toBe(1)
    expect(final.methods[0].flops!.mean).toBeCloseTo(scratchCost, 0)
    for (const m of final.methods.slice(1)) {
      const cost = costOf(`${m.method}-seed0`)
      if (cost === null) {
        expect(m.reached, m.method).toBe(0)
        expect(m.verdict, m.method).toMatch(/^never reached: best /)
      } else {
        expect(m.flops!.mean, m.method).toBeCloseTo(cost, 0)
        // no headline saving against a scratch that stayed above the source's loss (report.test.ts)
        if (report.headlineRefused!.length > 0) expect(m.flopsSaving, m.method).toBeNull()
        else expect(m.flopsSaving!.mean, m.method).toBeCloseTo(100 * (1 - cost / scratchCost), 6)
      }
    }
    // One seed: no winner is named.
    expect(final.best).toMatch(/^no winner from one seed|^none reached|^no headline: scratch did not pass/)
    expect(result.text).toContain("Target: scratch's final loss")
    expect(tf.memory().numTensors).toBe(before)
  }, 120_000)

  it('charges LiGO its operator steps and KI its teacher forwards', () => {
    const shape = (c: typeof TINY_SMALL) => flopsShapeOf(c, { seqLen: SEQ })
    const plain = trainingStepFlops(shape(TINY_LARGE), BATCH)
    const operator = ligoGrowthStepFlops(shape(TINY_SMALL), shape(TINY_LARGE), BATCH)
    const ki = kiStepFlops(shape(TINY_SMALL), shape(TINY_LARGE), BATCH)
    expect(metrics(join(root, 'full', 'scratch-seed0')).at(-1)!.flops).toBe(6 * plain)
    expect(metrics(join(root, 'full', 'ligo-seed0')).at(-1)!.flops).toBe(3 * operator + 6 * plain)
    // KI distils over the first half of the budget (3 of 6 steps).
    const kiLines = metrics(join(root, 'full', 'ki-seed0'))
    expect(kiLines.find((l) => l.step === 3)!.flops).toBe(3 * ki)
    expect(kiLines.at(-1)!.flops).toBe(3 * ki + 3 * plain)
    const ligoRun = report.runs.find((r) => r.method === 'ligo')!
    expect(ligoRun.growth!.steps).toBe(3)
    expect(ligoRun.growth!.flops).toBe(3 * operator)
  })

  it('resumes an interrupted comparison without redoing finished methods', async () => {
    const controller = new AbortController()
    const stopInLigo = (p: CompareProgress) => {
      if (p.method === 'ligo' && p.phase === 'train' && p.step === 4) controller.abort()
    }
    await expect(runComparison(params('resumed'), { backend: tf.getBackend(), signal: controller.signal, onProgress: stopInLigo })).rejects.toThrow(/stopped during ligo-seed0 at step 4/)
    const scratchLines = readFileSync(join(root, 'resumed', 'scratch-seed0', 'metrics.jsonl'), 'utf8')
    const logs: string[] = []
    const result = await runComparison(params('resumed'), { backend: tf.getBackend(), onLog: (m) => logs.push(m) })
    expect(logs).toContain('scratch-seed0: already done, kept')
    expect(logs.some((m) => m.startsWith('ligo-seed0: resuming from step 4'))).toBe(true)
    // Scratch's log was not touched; LiGO's resumed run logs what the uninterrupted one did.
    expect(readFileSync(join(root, 'resumed', 'scratch-seed0', 'metrics.jsonl'), 'utf8')).toBe(scratchLines)
    const strip = (lines: MetricRecord[]) => lines.map((l) => ({ step: l.step, flops: l.flops, loss: l.trainLoss, eval: l.eval?.loss }))
    expect(strip(metrics(join(root, 'resumed', 'ligo-seed0')))).toEqual(strip(metrics(join(root, 'full', 'ligo-seed0'))))
    expect(result.report.targets[0].methods.map((m) => m.flops?.mean)).toEqual(report.targets[0].methods.map((m) => m.flops?.mean))
  }, 120_000)

  it('skips a method that cannot grow the pair and says why', async () => {
    // LEMON is exact on post-LN BERT only at whole-factor widths: 16 -> 24 is refused.
    const result = await runComparison({ ...params('skip'), methods: ['scratch', 'lemon'], settings: undefined, budget: { kind: 'steps', value: 2 }, evalEvery: 2 }, { backend: tf.getBackend() })
    expect(result.report.runs.find((r) => r.method === 'lemon')).toMatchObject({ status: 'skipped' })
    expect(result.report.notes.join('\n')).toMatch(/lemon: skipped \(.*post-LN.*24 is no multiple of 16/)
  }, 60_000)

  it('MSG trains a post-LN BERT whose new blocks start at mask 0 (every parameter gets its gradient)', async () => {
    const result = await runComparison({ ...params('msg'), methods: ['scratch', 'msg'], settings: undefined, budget: { kind: 'steps', value: 2 }, evalEvery: 2 }, { backend: tf.getBackend() })
    expect(result.report.runs.find((r) => r.method === 'msg')).toMatchObject({ status: 'done', steps: 2 })
  }, 60_000)

  it('MSLT: trains only the new top layers first, charging the frozen ones forward only', async () => {
    const deeper = { ...TINY_SMALL, numLayers: 2 }
    const to = join(root, 'deeper.json')
    writeFileSync(to, JSON.stringify(deeper))
    await runComparison({ ...params('mslt'), to, methods: ['scratch', 'mslt'], settings: undefined, budget: { kind: 'steps', value: 4 }, evalEvery: 2 }, { backend: tf.getBackend() })
    const shape = flopsShapeOf(deeper, { seqLen: SEQ })
    const lines = metrics(join(root, 'mslt', 'mslt-seed0'))
    const frozen = frozenLayersStepFlops(shape, BATCH, { frozenLayers: 1 })
    expect(frozen).toBeLessThan(trainingStepFlops(shape, BATCH))
    expect(lines.at(-1)!.flops).toBe(2 * frozen + 2 * trainingStepFlops(shape, BATCH))
    // After stage 1 (steps 0-1) the embeddings and block 0 are still the small model's; after stage 2 they moved.
    const small = await openSafetensors(join(fixtures.small, 'model.safetensors'))
    const smallWord = (await small.readTensor('bert.embeddings.word_embeddings.weight')).toFloat32()
    const at = async (step: number, name: string) => (await (await openSafetensors(join(root, 'mslt', 'mslt-seed0', 'checkpoints', `step-000000${step}`, 'model.safetensors'))).readTensor(name)).toFloat32()
    expect(await at(2, 'embed.tok.weight')).toEqual(smallWord)
    expect(await at(4, 'embed.tok.weight')).not.toEqual(smallWord)
  }, 60_000)

  it('a minutes budget stops on wall time and fixes the schedule length from the first steps', async () => {
    const result = await runComparison({ ...params('minutes'), methods: ['scratch'], settings: undefined, budget: { kind: 'minutes', value: 0.01 }, evalEvery: 0 }, { backend: tf.getBackend() })
    const run = result.report.runs.find((r) => r.method === 'scratch')!
    const manifest = JSON.parse(readFileSync(join(root, 'minutes', 'scratch-seed0', 'manifest.json'), 'utf8'))
    // However fast this machine is right now: the schedule's length is fixed once 3 steps were timed (never before),
    // and the run stopped because the time was spent or because that calibrated schedule ended.
    expect(run.steps!).toBeGreaterThanOrEqual(1)
    if (run.steps! >= 3) expect(manifest.growth.horizon).toBeGreaterThanOrEqual(3)
    else expect(manifest.growth.horizon).toBeNull()
    expect(run.wallSeconds! >= 0.6 || run.steps === manifest.growth.horizon).toBe(true)
  }, 60_000)

  it('refuses a comparison without scratch and an experiment folder with other settings', async () => {
    await expect(runComparison({ ...params('x'), methods: ['ligo'], settings: undefined }, { backend: 'cpu' })).rejects.toThrow(/must include scratch/)
    await expect(runComparison({ ...params('full'), budget: { kind: 'steps', value: 7 } }, { backend: 'cpu' })).rejects.toThrow(/other settings \(budget\)/)
    // The grown models' schedule is part of the comparison once a grown model ran...
    await expect(runComparison({ ...params('full'), grown: { schedule: 'wsd-linear' } }, { backend: 'cpu' })).rejects.toThrow(/other settings \(grown\)/)
  })

  it("takes a new grown schedule in a folder that holds scratch's runs alone (a variant against reused scratch runs)", async () => {
    const scratchOnly = { ...params('scratch-only'), methods: ['scratch'], settings: undefined, budget: { kind: 'steps' as const, value: 2 } }
    await runComparison(scratchOnly, { backend: tf.getBackend() })
    const logs: string[] = []
    const result = await runComparison({ ...scratchOnly, methods: ['scratch', 'net2net'], grown: { schedule: 'wsd-linear' } }, { backend: tf.getBackend(), onLog: (m) => logs.push(m) })
    expect(result.report.runs.map((r) => r.method)).toEqual(['scratch', 'net2net'])
    expect(logs.join('\n')).toMatch(/scratch-seed0: already done/)
    await expect(runComparison({ ...scratchOnly, methods: ['scratch', 'net2net'], grown: { schedule: 'linear' } }, { backend: 'cpu' })).rejects.toThrow(/other settings \(grown\)/)
  }, 60_000)
})
