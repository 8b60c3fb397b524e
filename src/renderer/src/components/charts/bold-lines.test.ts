import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OUTLINE_TOLERANCE, outline, outlineCorners, pixelColumns, type PixelColumn } from './bold-lines'

describe('pixelColumns', () => {
  it('groups consecutive points at one x, entering at the first and leaving at the last, spanning lowest to highest', () => {
    const x = [3, 3, 3, 3, 4, 6, 6]
    const y = [5, 1, 9, 4, 2, 7, 8]
    expect(pixelColumns(x, y, x.length)).toEqual([
      { x: 3, first: 5, last: 4, low: 1, high: 9 },
      { x: 4, first: 2, last: 2, low: 2, high: 2 },
      { x: 6, first: 7, last: 8, low: 7, high: 8 },
    ])
  })

  it('keeps every point inside its column and visits the points in order (property)', () => {
    const points = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -50, max: 50 })), { maxLength: 60 })
    fc.assert(
      fc.property(points, (steps) => {
        // x never goes back (uPlot's table is sorted by x); steps of 0 stay in the column
        const x: number[] = []
        steps.reduce((at, [dx]) => (x.push(at + dx), at + dx), 0)
        const y = steps.map(([, v]) => v)
        const columns = pixelColumns(x, y, x.length)
        let j = 0
        for (const c of columns) {
          const mine: number[] = []
          while (j < x.length && x[j] === c.x) mine.push(y[j++])
          expect(mine.length).toBeGreaterThan(0)
          expect(c).toEqual({ x: c.x, first: mine[0], last: mine[mine.length - 1], low: Math.min(...mine), high: Math.max(...mine) })
        }
        expect(j).toBe(x.length)
      }),
    )
  })
})

/** Columns of a line that never goes back: whole-pixel x, 1 to 4 px apart, each with its entry, exit and extent. */
const columnsArbitrary = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 30 })
  .map((steps) => {
    let x = 0
    return steps.map(([dx, ys]) => ((x += dx), { x, first: ys[0], last: ys[ys.length - 1], low: Math.min(...ys), high: Math.max(...ys) }))
  })

/**
 * The stroke's extent at x found the slow way: every segment of the line (each column's lowest → highest, each
 * column's exit → the next one's entry) walked in fine steps, each step's disc of the radius cut at x.
 */
function bruteExtent(columns: PixelColumn[], radius: number, at: number): [number, number] {
  const segments: Array<[number, number, number, number]> = columns.map((c) => [c.x, c.low, c.x, c.high])
  columns.forEach((c, k) => k > 0 && segments.push([columns[k - 1].x, columns[k - 1].last, c.x, c.first]))
  let top = Infinity
  let bottom = -Infinity
  for (const [x0, y0, x1, y1] of segments) {
    for (let s = 0; s <= 2000; s++) {
      const x = x0 + ((x1 - x0) * s) / 2000
      const y = y0 + ((y1 - y0) * s) / 2000
      const half = radius * radius - (at - x) ** 2
      if (half < 0) continue
      top = Math.min(top, y - Math.sqrt(half))
      bottom = Math.max(bottom, y + Math.sqrt(half))
    }
  }
  return [top, bottom]
}

describe('outline', () => {
  it('follows a flat line at one radius above and below, with round ends', () => {
    const flat = [0, 1, 2].map((x) => ({ x, first: 10, last: 10, low: 10, high: 10 }))
    const o = outline(flat, 1.25)
    expect(o.count).toBe(2 * 4 + 2 * 5 + 1)
    expect(o.x[0]).toBe(-1.25)
    expect(o.x[o.count - 1]).toBe(3.25)
    const middle = Array.from(o.x.subarray(0, o.count)).indexOf(1)
    expect([o.top[middle], o.bottom[middle]]).toEqual([8.75, 11.25])
    // the end: a quarter pixel inside the round cap of radius 1.25, sqrt(1.25² − 1²) = 0.75 above and below
    expect([o.top[1], o.bottom[1]]).toEqual([9.25, 10.75])
  })

  it('is the union of the capsules around every segment, at every sample (property)', () => {
    fc.assert(
      fc.property(columnsArbitrary, fc.constantFrom(1.25, 2.5, 1.875), (columns, radius) => {
        const o = outline(columns, radius)
        for (let m = 0; m < o.count; m++) {
          const [top, bottom] = bruteExtent(columns, radius, o.x[m])
          if (top === Infinity) continue // a cap's very end: a sliver narrower than the sampling
          // to within 0.05 px: the walk's steps, not the outline, limit the agreement
          expect(o.top[m]).toBeCloseTo(top, 1)
          expect(o.bottom[m]).toBeCloseTo(bottom, 1)
        }
      }),
      { numRuns: 60 },
    )
  })
})

describe('outlineCorners', () => {
  it('keeps the ends and leaves out only samples within the tolerance of the polygon (property)', () => {
    fc.assert(
      fc.property(columnsArbitrary, (columns) => {
        const o = outline(columns, 1.25)
        const c = outlineCorners(o)
        const xs = Array.from(c.x.subarray(0, c.count))
        const ys = Array.from(c.y.subarray(0, c.count))
        // the top runs left to right, then the bottom right to left; both start and end on the outline's ends
        const turn = xs.findIndex((x, k) => k > 0 && x <= xs[k - 1])
        const edges = [
          { x: xs.slice(0, turn), y: ys.slice(0, turn), of: o.top },
          { x: xs.slice(turn).reverse(), y: ys.slice(turn).reverse(), of: o.bottom },
        ]
        for (const edge of edges) {
          expect(edge.x[0]).toBe(o.x[0])
          expect(edge.x[edge.x.length - 1]).toBe(o.x[o.count - 1])
          for (let m = 0, k = 0; m < o.count; m++) {
            while (edge.x[k + 1] < o.x[m]) k++
            const [x0, x1, y0, y1] = [edge.x[k], edge.x[k + 1] ?? edge.x[k], edge.y[k], edge.y[k + 1] ?? edge.y[k]]
            const between = x1 === x0 ? y0 : y0 + ((y1 - y0) * (o.x[m] - x0)) / (x1 - x0)
            expect(Math.abs(between - edge.of[m])).toBeLessThanOrEqual(OUTLINE_TOLERANCE + 1e-9)
          }
        }
      }),
    )
  })
})
