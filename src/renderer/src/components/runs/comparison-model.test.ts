import { describe, expect, it } from 'vitest'
import type { MetricRecord } from '../../../../shared/train'
import { comparisonCurves, comparisonRows, comparisonTargets, type ComparisonInput, type ComparisonRunInput } from './comparison-model'

const record = (step: number, loss?: number): MetricRecord => ({
  step,
  examples: 0,
  flops: step * 1e9,
  wallSeconds: step,
  cpuSeconds: step,
  trainLoss: 7,
  trainLossMean: 7,
  gradNorm: 1,
  lr: 1e-4,
  ...(loss === undefined ? {} : { eval: { loss, examples: 8 } }),
})
const run = (method: string, seed: number, status: ComparisonRunInput['status'], losses: number[]): ComparisonRunInput => ({
  method,
  seed,
  status,
  initial: { loss: 7, flops: method === 'ligo' ? 5e11 : 0, wallSeconds: 0, joules: null },
  records: losses.map((l, i) => record((i + 1) * 10, l)),
  createdAt: null,
})
const labels = { scratchFinal: "scratch's final loss", source: "source model's loss" }

describe('comparison model', () => {
  const input: ComparisonInput = {
    runs: [run('scratch', 0, 'done', [6.5, 6.2]), run('scratch', 1, 'done', [6.4, 6.0]), run('ligo', 0, 'running', [6.1]), run('stackbert', 0, 'skipped', [])],
    sourceLoss: { 0: 6.3, 1: 6.1 },
    report: null,
  }

  it('draws every run but the skipped ones, each starting at its growth cost', () => {
    const curves = comparisonCurves(input)
    expect(curves.map((c) => `${c.method}-${c.seed}`)).toEqual(['scratch-0', 'scratch-1', 'ligo-0'])
    expect(curves[2].points[0]).toMatchObject({ step: 0, flops: 5e11, valLoss: 7 })
  })

  it("targets scratch's final loss (mean over seeds) once scratch is done, and the source's loss", () => {
    const [scratchFinal, source] = comparisonTargets(input, labels)
    expect(scratchFinal.loss).toBeCloseTo(6.1, 12)
    expect(source.loss).toBeCloseTo(6.2, 12)
    const running = { ...input, runs: [run('scratch', 0, 'running', [6.5])] }
    expect(comparisonTargets(running, labels).map((t) => t.label)).toEqual([labels.source])
  })

  it('exports one row per point of every method and seed', () => {
    const rows = comparisonRows(comparisonCurves(input))
    expect(rows).toHaveLength(3 + 3 + 2)
    expect(rows[0]).toEqual({ method: 'scratch', seed: 0, step: 0, flops: 0, wallSeconds: 0, joules: null, trainLoss: null, valLoss: 7 })
  })
})
