// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { ticks } from '../../../../shared/metrics/svg-axis'
import { lossChartSvg } from './chart-svg'
import { buildLossChart, type RunCurve } from './loss-chart-data'

const run = (method: string, n: number): RunCurve => ({
  method,
  seed: 0,
  points: Array.from({ length: n }, (_, i) => ({ step: i, flops: (i + 1) * 1e9, wallSeconds: i, joules: null, trainLoss: null, valLoss: 7 - 3 * (i / n) + 0.2 * Math.sin(i) })),
})
const svgOf = (text: string) => new DOMParser().parseFromString(text, 'image/svg+xml')

describe('ticks', () => {
  it('steps by 1, 2 or 5 on linear axes and by powers of ten on log axes', () => {
    expect(ticks(0, 10, false)).toEqual([0, 2, 4, 6, 8, 10])
    expect(ticks(3e9, 2e12, true)).toEqual([1e10, 1e11, 1e12])
  })
})

describe('lossChartSvg', () => {
  it('is a well-formed document with a line per method, the targets, the crossings and a legend; text is escaped', () => {
    const data = buildLossChart([run('scratch', 50), run('<ligo>', 40)], { axis: 'flops', loss: 'valLoss', smoothing: 0, logX: true, targets: [{ label: "scratch's final", loss: 5 }] })
    const doc = svgOf(lossChartSvg(data, { title: 'Loss & FLOPs', xLabel: 'FLOPs', yLabel: 'loss', logX: true, logY: false }))
    expect(doc.querySelector('parsererror')).toBeNull()
    expect(doc.querySelector('title')?.textContent).toBe('Loss & FLOPs')
    expect([...doc.querySelectorAll('path > title')].map((t) => t.textContent)).toEqual(['scratch', '<ligo>'])
    expect(doc.querySelectorAll('line[stroke-dasharray]')).toHaveLength(1)
    expect(doc.querySelectorAll('circle')).toHaveLength(2)
  })

  it('keeps at most four points per pixel column, so 100,000 points make a small file', () => {
    const data = buildLossChart([run('scratch', 100_000)], { axis: 'step', loss: 'valLoss', smoothing: 0, logX: false, targets: [] })
    const text = lossChartSvg(data, { title: 't', xLabel: 'x', yLabel: 'y', logX: false, logY: false, width: 800 })
    const commands = (svgOf(text).querySelector('path')!.getAttribute('d')!.match(/[ML]/g) ?? []).length
    expect(commands).toBeLessThanOrEqual(4 * 800)
    expect(commands).toBeGreaterThan(700)
    expect(text.length).toBeLessThan(200_000)
  })
})
