import { describe, expect, it } from 'vitest'
import type { RunPoint } from '../../../../shared/metrics/run-points'
import { buildLossChart, type LossChartOptions, type RunCurve } from './loss-chart-data'
import { OKABE_ITO } from './palette'

const curve = (method: string, seed: number, losses: number[], secondsPerStep = 1): RunCurve => ({
  method,
  seed,
  points: losses.map((loss, i): RunPoint => ({ step: i * 10, flops: i * 1e9, wallSeconds: i * 10 * secondsPerStep, joules: i * 100, trainLoss: loss + 0.1, valLoss: loss })),
})
const options = (over: Partial<LossChartOptions> = {}): LossChartOptions => ({ axis: 'flops', loss: 'valLoss', smoothing: 0, logX: false, targets: [], ...over })

describe('buildLossChart', () => {
  it('draws one bold line per single-seed method at its own x values, scratch in the first colour', () => {
    const data = buildLossChart([curve('ligo', 0, [6, 5]), curve('scratch', 0, [7, 6.5, 6])], options())
    expect(data.series.map((s) => [s.label, s.role, s.stroke])).toEqual([
      ['scratch', 'mean', OKABE_ITO[0]],
      ['ligo', 'mean', OKABE_ITO[1]],
    ])
    expect(data.lines).toEqual([
      { x: [0, 1e9, 2e9], y: [7, 6.5, 6] },
      { x: [0, 1e9], y: [6, 5] },
    ])
  })

  it('averages seeds at each step, with a band of ± one spread, each seed faint', () => {
    const data = buildLossChart([curve('ligo', 0, [6, 4]), curve('ligo', 1, [8, 6], 2)], options({ axis: 'wallSeconds' }))
    const roles = data.series.map((s) => s.role)
    expect(roles).toEqual(['seed', 'seed', 'band-high', 'band-low', 'mean'])
    const at = (role: (typeof roles)[number], x: number) => {
      const line = data.lines[roles.indexOf(role)]
      return line.y[line.x.indexOf(x)]
    }
    // step 10: seed 0 at 10 s, seed 1 at 20 s; the mean sits at 15 s with loss 5 ± √2
    expect(at('mean', 15)).toBe(5)
    expect(at('band-high', 15)).toBeCloseTo(5 + Math.SQRT2, 12)
    expect(at('band-low', 15)).toBeCloseTo(5 - Math.SQRT2, 12)
    expect(data.bands).toEqual([{ upper: 2, lower: 3, fill: expect.stringContaining('rgba(') }])
  })

  it('puts the raw series behind the smoothed one when smoothing is on', () => {
    const data = buildLossChart([curve('ligo', 0, [6, 4, 5])], options({ smoothing: 0.5 }))
    expect(data.series.map((s) => s.role)).toEqual(['raw', 'mean'])
    expect(data.lines[0].y).toEqual([6, 4, 5])
    // de-biased EMA: (0.5·6 + 4) / 1.5
    expect(data.lines[1].y[1]).toBeCloseTo(14 / 3, 12)
  })

  it('leaves out points a log axis cannot show, and marks where each method crosses each target', () => {
    const data = buildLossChart([curve('scratch', 0, [7, 6, 5]), curve('ligo', 0, [6, 5, 4])], options({ logX: true, targets: [{ label: 'scratch final', loss: 5 }] }))
    expect(data.lines.map((l) => l.x[0])).toEqual([1e9, 1e9])
    expect(data.crossings).toEqual([
      expect.objectContaining({ method: 'scratch', x: 2e9, loss: 5, reached: 1, seeds: 1 }),
      expect.objectContaining({ method: 'ligo', x: 1e9, loss: 5 }),
    ])
  })

  it('reads training loss when asked, and crosses only validation targets', () => {
    const data = buildLossChart([curve('ligo', 0, [6, 5])], options({ loss: 'trainLoss', targets: [{ label: 't', loss: 5.5 }] }))
    expect(data.lines[0].y).toEqual([6.1, 5.1])
    expect(data.crossings).toEqual([])
  })
})
