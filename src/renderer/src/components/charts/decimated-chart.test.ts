import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { columnOf, type ColumnGrid } from '../../../../shared/metrics/decimate'
import type { RunPoint } from '../../../../shared/metrics/run-points'
import { DecimatedChart, nearestPoint, type AlignedColumns, type XRange } from './decimated-chart'
import { buildLossChart, type LossChartData, type RunCurve } from './loss-chart-data'

/** Methods × seeds of a noisy loss curve, each seed at its own seconds per step (so every series has its own x). */
function runs(methods: number, seeds: number, points: number, noise = (i: number) => 0.3 * Math.sin(i * 12.9898)): RunCurve[] {
  return Array.from({ length: methods * seeds }, (_, r) => ({
    method: `m${Math.floor(r / seeds)}`,
    seed: r % seeds,
    points: Array.from({ length: points }, (_, i): RunPoint => ({ step: i, flops: i * 1e9, wallSeconds: i * (1 + 0.07 * r), joules: null, trainLoss: null, valLoss: 7 - 3 * Math.log1p(i / 50) / Math.log1p(points / 50) + noise(i + r) })),
  }))
}
const chart = (curves: RunCurve[], smoothing = 0.6): LossChartData => buildLossChart(curves, { axis: 'wallSeconds', loss: 'valLoss', smoothing, logX: false, targets: [] })
const grow = (curves: RunCurve[], by: number): RunCurve[] =>
  curves.map((c) => ({ ...c, points: [...c.points, ...Array.from({ length: by }, (_, k) => ({ ...c.points[c.points.length - 1], step: c.points.length + k, wallSeconds: c.points[c.points.length - 1].wallSeconds + k + 1 }))] }))

/**
 * What the canvas shows of series i in each pixel column of the view: the lowest and highest value drawn there. The
 * table's rows land on the column their x rounds to, as the full line's points do; both must agree.
 */
function extremes(xs: ArrayLike<number>, ys: ArrayLike<number | null>, grid: ColumnGrid): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>()
  for (let j = 0; j < xs.length; j++) {
    const y = ys[j]
    const c = columnOf(grid, xs[j])
    if (y === null || !(c >= 0 && c <= grid.width)) continue
    const [lo, hi] = out.get(c) ?? [y, y]
    out.set(c, [Math.min(lo, y), Math.max(hi, y)])
  }
  return out
}
function expectSamePicture(data: LossChartData, table: AlignedColumns, view: XRange, width: number): void {
  const grid: ColumnGrid = { ...view, width, log: false }
  for (let k = 1; k < table.xs.length; k++) expect(table.xs[k]).toBeGreaterThanOrEqual(table.xs[k - 1])
  data.lines.forEach((line, i) => expect(extremes(table.xs, table.columns[i], grid)).toEqual(extremes(line.x, line.y, grid)))
}

describe('DecimatedChart', () => {
  it('keeps every pixel column’s lowest and highest point of every series, at each series’ own x, in a small table', () => {
    const data = chart(runs(3, 3, 4000))
    const table = new DecimatedChart(false, 500).setData(data)
    const view = { min: 0, max: Math.max(...data.lines.flatMap((l) => l.x)) }
    expectSamePicture(data, table, view, 500)
    const points = data.lines.reduce((n, l) => n + l.x.length, 0)
    expect(points).toBeGreaterThan(80_000)
    expect(table.xs.length).toBeLessThanOrEqual(4 * 501)
  })

  it('re-decimates a zoomed view from the full lines, not from the table it showed before', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.95, noNaN: true }), fc.double({ min: 0.01, max: 0.05, noNaN: true }), fc.integer({ min: 50, max: 900 }), (from, span, width) => {
        const data = chart(runs(2, 2, 3000), 0)
        const decimated = new DecimatedChart(false, width)
        const before = decimated.setData(data)
        const max = decimated.view!.max
        const view = { min: from * max, max: (from + span) * max }
        const zoomed = decimated.zoom(view)
        expectSamePicture(data, zoomed, view, width)
        const inside = (t: AlignedColumns) => t.xs.filter((x) => x >= view.min && x <= view.max).length
        expect(inside(zoomed)).toBeGreaterThan(inside(before))
      }),
      { numRuns: 25 },
    )
  })

  it('takes in only the appended points of a live run and keeps the user’s zoom', () => {
    let curves = runs(2, 3, 2000)
    const decimated = new DecimatedChart(false, 400)
    decimated.setData(chart(curves))
    const zoom = { min: 100, max: 900 }
    decimated.zoom(zoom)
    for (let second = 0; second < 5; second++) {
      curves = grow(curves, 1)
      const data = chart(curves)
      const table = decimated.setData(data)
      expect(decimated.zoomed).toBe(true)
      expect(decimated.view).toEqual(zoom)
      // raw and smoothed line of each seed take one point each; the mean and its band lines take theirs
      expect(decimated.examined).toBe(data.lines.length)
      const fresh = new DecimatedChart(false, 400)
      fresh.setData(data)
      expect(table).toEqual(fresh.zoom(zoom))
    }
  })

  it('grows an unzoomed live view with headroom once, then appends land in place', () => {
    let curves = runs(1, 2, 1000)
    const decimated = new DecimatedChart(false, 300)
    decimated.setData(chart(curves))
    const first = decimated.view!
    curves = grow(curves, 1)
    decimated.setData(chart(curves))
    const grown = decimated.view!
    const extent = Math.max(...chart(curves).lines.flatMap((l) => l.x))
    expect(grown.min).toBe(first.min)
    expect(grown.max).toBeCloseTo(extent + 0.25 * (extent - first.min), 6)
    for (let second = 0; second < 3; second++) {
      curves = grow(curves, 1)
      const data = chart(curves)
      const table = decimated.setData(data)
      expect(decimated.view).toEqual(grown)
      expect(decimated.examined).toBe(data.lines.length)
      expectSamePicture(data, table, grown, 300)
    }
    // reset zoom (and any new chart) fits the data exactly again
    decimated.resetZoom()
    expect(decimated.view!.max).toBe(Math.max(...chart(curves).lines.flatMap((l) => l.x)))
  })

  it('re-decimates every line when the x range of the data changes (another axis)', () => {
    const curves = runs(1, 1, 500)
    const decimated = new DecimatedChart(false, 200)
    decimated.setData(chart(curves))
    const flops = buildLossChart(curves, { axis: 'flops', loss: 'valLoss', smoothing: 0.6, logX: false, targets: [] })
    const table = decimated.setData(flops)
    expect(decimated.examined).toBe(1000)
    expectSamePicture(flops, table, { min: 0, max: 499e9 }, 200)
  })
})

describe('nearestPoint', () => {
  it('is the point of the line nearest in x, skipping gaps', () => {
    expect(nearestPoint({ x: [0, 10, 20, 30], y: [5, null, 4, 3] }, 12)).toEqual({ x: 20, y: 4 })
    expect(nearestPoint({ x: [0, 10], y: [5, 6] }, -3)).toEqual({ x: 0, y: 5 })
    expect(nearestPoint({ x: [1], y: [null] }, 1)).toBeNull()
  })
})
