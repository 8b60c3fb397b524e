import { describe, expect, it } from 'vitest'
import type { MetricRecord } from '../train'
import { runPoints, xOf } from './run-points'

const record = (step: number, extra: Partial<MetricRecord> = {}): MetricRecord => ({
  step,
  examples: step * 16,
  flops: step * 2e9,
  wallSeconds: step * 0.1,
  cpuSeconds: step * 0.2,
  trainLoss: 7 - step / 100,
  trainLossMean: 7 - step / 100,
  gradNorm: 1,
  lr: 1e-4,
  ...extra,
})

describe('runPoints', () => {
  it('starts at the grown model (growth cost) and keeps evaluations and training losses in step order', () => {
    const points = runPoints([record(20, { eval: { loss: 6.5, examples: 64 } }), record(10)], { loss: 6.9, flops: 1e12, wallSeconds: 30, joules: 900 })
    expect(points.map((p) => [p.step, p.trainLoss, p.valLoss])).toEqual([
      [0, null, 6.9],
      [10, 6.9, null],
      [20, 6.8, 6.5],
    ])
    expect(points[0].flops).toBe(1e12)
  })

  it('lets a resumed run that logged a step again replace the earlier line (no zig-zag)', () => {
    const points = runPoints([record(10), record(20), record(10, { trainLossMean: 1 }), record(20)])
    expect(points.map((p) => p.step)).toEqual([10, 20])
    expect(points[0].trainLoss).toBe(1)
  })

  it('reads energy in joules or kWh, and null when the run was not metered', () => {
    const energy: MetricRecord['energy'] = { joules: 7.2e6, windowJoules: 0, windowSeconds: 0, window: { fromStep: 0, toStep: 10 }, phase: 'main', accuracy: 'estimated', byMethod: {}, byPhase: {}, samples: [] }
    const [metered] = runPoints([record(10, { energy })])
    expect(xOf(metered, 'kwh')).toBe(2)
    expect(xOf(metered, 'joules')).toBe(7.2e6)
    const [plain] = runPoints([record(10)])
    expect(xOf(plain, 'kwh')).toBeNull()
    expect(xOf(plain, 'flops')).toBe(2e10)
  })
})
