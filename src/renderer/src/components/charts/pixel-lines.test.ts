import type uPlot from 'uplot'
import { describe, expect, it } from 'vitest'
import { clipX, pixelLine } from './pixel-lines'

/** The parts of a uPlot chart pixelLine reads: x at 10 px per unit, y at 4 px per unit downwards from 100. */
function chart(xs: number[], ys: Array<number | null>, distr: 1 | 3 = 1) {
  const valToPos = (v: number, key: string) => (key === 'x' ? 10 * v : distr === 3 ? 100 - 40 * Math.log10(v) : 100 - 4 * v)
  return { data: [xs, ys], scales: { x: { min: 0, max: 10 }, y: { distr } }, bbox: { left: 0, width: 100 }, valToPos } as unknown as uPlot
}

const points = (line: ReturnType<typeof pixelLine>) => Array.from({ length: line.count }, (_, j) => [line.x[j], line.y[j]])

describe('pixelLine', () => {
  it('places the points on whole device pixels, draws across empty cells and drops a repeat of the pixel before', () => {
    const u = chart([0, 0.01, 0.02, 0.5, 1, 1.04], [10, 10.1, null, 5, 2.4, 2.6])
    // 10 -> 60, 10.1 -> 59.6 -> 60 (a repeat), 5 -> 80, 2.4 -> 90.4 -> 90, 2.6 -> 89.6 -> 90 at x 10.4 -> 10 (a repeat)
    expect(points(pixelLine(u, 1, 0, 5))).toEqual([
      [0, 60],
      [5, 80],
      [10, 90],
    ])
  })

  it('keeps only each column’s first and last point when the turns inside it are not wanted', () => {
    const u = chart([1, 1.01, 1.02, 1.03, 2, 3, 3.01], [0, 5, -5, 1, 2, 3, 4])
    expect(points(pixelLine(u, 1, 0, 6))).toEqual([
      [10, 100],
      [10, 80],
      [10, 120],
      [10, 96],
      [20, 92],
      [30, 88],
      [30, 84],
    ])
    expect(points(pixelLine(u, 1, 0, 6, false))).toEqual([
      [10, 100],
      [10, 96],
      [20, 92],
      [30, 88],
      [30, 84],
    ])
  })

  it('uses the chart’s own mapping on a log scale, skips what it cannot place, and takes only the rows it is given', () => {
    const u = chart([0, 1, 2, 3, 4], [1, 10, 0, 100, 1000], 3)
    expect(points(pixelLine(u, 1, 1, 3))).toEqual([
      [10, 60],
      [30, 20],
    ])
  })
})

describe('clipX', () => {
  const line = (pts: number[][]) => ({ x: Float64Array.from(pts.map(([x]) => x)), y: Float64Array.from(pts.map(([, y]) => y)), count: pts.length })

  it('cuts the segments that cross either bound at the bound and keeps the points between', () => {
    const clipped = clipX(line([[-1000, 0], [-1000, 50], [2, 10], [5, 20], [5, 30], [9, 40], [2009, 2040]]), 0, 10)
    expect(points(clipped)).toEqual([
      [0, 50 - (40 * 1000) / 1002],
      [2, 10],
      [5, 20],
      [5, 30],
      [9, 40],
      [10, 41],
    ])
  })

  it('keeps a line inside the bounds as it is, and a line across both bounds as one segment between them', () => {
    expect(points(clipX(line([[0, 1], [3, 2], [10, 3]]), 0, 10))).toEqual([
      [0, 1],
      [3, 2],
      [10, 3],
    ])
    expect(points(clipX(line([[-10, 0], [20, 30]]), 0, 10))).toEqual([
      [0, 10],
      [10, 20],
    ])
    expect(clipX(line([[20, 0], [30, 1]]), 0, 10).count).toBe(0)
  })
})
