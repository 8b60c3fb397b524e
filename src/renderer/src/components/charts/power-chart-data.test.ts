import { describe, expect, it } from 'vitest'
import type { EnergySampleRecord } from '../../../../shared/energy'
import type { MetricRecord } from '../../../../shared/train'
import { buildPowerChart } from './power-chart-data'

const sample = (t: number, source: EnergySampleRecord['source'], device: string, method: EnergySampleRecord['method'], watts: number): EnergySampleRecord => ({
  t,
  dt: 1,
  source,
  device,
  method,
  phase: 'main',
  joules: watts,
  watts,
})
const line = (wallSeconds: number, samples: EnergySampleRecord[]): MetricRecord => ({
  step: wallSeconds,
  examples: 0,
  flops: 0,
  wallSeconds,
  cpuSeconds: 0,
  trainLoss: 1,
  trainLossMean: 1,
  gradNorm: 1,
  lr: 1e-4,
  energy: { joules: 0, windowJoules: 0, windowSeconds: 0, window: { fromStep: 0, toStep: 1 }, phase: 'main', accuracy: 'mixed', byMethod: {}, byPhase: {}, samples },
})

describe('buildPowerChart', () => {
  it('draws one series per source, device and method, on the training clock', () => {
    const data = buildPowerChart(
      [
        line(10, [sample(9, 'powercap', 'package-0', 'counter', 30), sample(10, 'powercap', 'package-0', 'counter', 32), sample(10, 'nvidia', 'gpu0', 'power-integration', 250)]),
        line(20, [sample(20, 'powercap', 'package-0', 'counter', 31)]),
      ],
      (k) => `${k.source} ${k.device} (${k.method})`,
    )
    expect(data.series.map((s) => s.label)).toEqual(['nvidia gpu0 (power-integration)', 'powercap package-0 (counter)'])
    expect(data.lines).toEqual([
      { x: [10], y: [250] },
      { x: [9, 10, 20], y: [30, 32, 31] },
    ])
  })

  it('is empty for a run without energy samples', () => {
    expect(buildPowerChart([line(5, [])], () => '').series).toEqual([])
  })
})
