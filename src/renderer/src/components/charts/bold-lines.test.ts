import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pixelColumns } from './bold-lines'

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
