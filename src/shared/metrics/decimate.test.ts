import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ColumnDecimator, columnOf, decimateLine, xAtPosition, type ColumnGrid } from './decimate'

/** A line as our charts have them: x cumulative (never decreasing), y with the odd gap. */
const line = fc
  .array(fc.tuple(fc.double({ min: 0, max: 50, noNaN: true }), fc.option(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { freq: 8 })), { minLength: 1, maxLength: 400 })
  .map((steps) => {
    const x: number[] = []
    const y: Array<number | null> = []
    let at = 1 + steps[0][0]
    for (const [dx, v] of steps) x.push((at += dx)), y.push(v)
    return { x, y }
  })

/** A view over part of (or beyond) the line, in device pixels, linear or log. */
const gridFor = (x: number[]) =>
  fc.record({ from: fc.double({ min: -0.2, max: 0.9, noNaN: true }), span: fc.double({ min: 0.05, max: 1.3, noNaN: true }), width: fc.integer({ min: 1, max: 300 }), log: fc.boolean() }).map(({ from, span, width, log }): ColumnGrid => {
    const lo = x[0]
    const hi = x[x.length - 1]
    const range = Math.max(hi - lo, 1)
    const min = Math.max(lo + from * range, 0.5)
    return { min, max: min + span * range, width, log }
  })

/** The reference, point by point: each column's points, and the last/first point outside the view. */
function columnsByHand(x: number[], y: Array<number | null>, grid: ColumnGrid) {
  const columns = new Map<number, number[]>()
  let before: number | null = null
  let after: number | null = null
  x.forEach((xv, i) => {
    if (y[i] === null) return
    const c = columnOf(grid, xv)
    if (c < 0) before = i
    else if (c > grid.width) after ??= i
    else columns.set(c, [...(columns.get(c) ?? []), i])
  })
  return { columns, before, after }
}

describe('decimateLine', () => {
  it("keeps every pixel column's first, lowest, highest and last point, at most four, in index order", () => {
    fc.assert(
      fc.property(
        line.chain((l) => fc.tuple(fc.constant(l), gridFor(l.x))),
        ([{ x, y }, grid]) => {
          const kept = decimateLine(x, y, grid)
          const truth = columnsByHand(x, y, grid)
          expect(kept.before).toBe(truth.before)
          expect(kept.after).toBe(truth.after)
          for (let k = 1; k < kept.indices.length; k++) expect(kept.indices[k]).toBeGreaterThan(kept.indices[k - 1])
          expect(new Set(kept.columns)).toEqual(new Set(truth.columns.keys()))
          for (const [c, points] of truth.columns) {
            const mine = kept.indices.filter((_, k) => kept.columns[k] === c)
            const values = points.map((i) => y[i] as number)
            const keptValues = mine.map((i) => y[i] as number)
            expect(mine.length).toBeLessThanOrEqual(4)
            expect(mine.every((i) => points.includes(i))).toBe(true)
            expect(mine[0]).toBe(points[0])
            expect(mine[mine.length - 1]).toBe(points[points.length - 1])
            expect(Math.min(...keptValues)).toBe(Math.min(...values))
            expect(Math.max(...keptValues)).toBe(Math.max(...values))
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives the same result when the points arrive in pieces (a live run) as all at once', () => {
    fc.assert(
      fc.property(
        line.chain((l) => fc.tuple(fc.constant(l), gridFor(l.x), fc.array(fc.integer({ min: 0, max: l.x.length }), { maxLength: 6 }))),
        ([{ x, y }, grid, cuts]) => {
          const live = new ColumnDecimator(grid)
          for (const cut of [...cuts].sort((a, b) => a - b)) live.append(x.slice(0, cut), y.slice(0, cut))
          live.append(x, y)
          expect(live.result()).toEqual(decimateLine(x, y, grid))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('places columns where the chart rounds device pixels, on linear and log axes', () => {
    const linear: ColumnGrid = { min: 10, max: 20, width: 100, log: false }
    expect([10, 10.04, 10.06, 20, 9.9, 20.1].map((x) => columnOf(linear, x))).toEqual([0, 0, 1, 100, -1, 101])
    const log: ColumnGrid = { min: 1e9, max: 1e12, width: 300, log: true }
    expect([1e9, 1e10, 1e11, 1e12].map((x) => columnOf(log, x))).toEqual([0, 100, 200, 300])
    expect(columnOf(log, 0)).toBeNaN()
    expect(xAtPosition(log, 150)).toBeCloseTo(10 ** 10.5, -3)
    expect(xAtPosition(linear, 50)).toBe(15)
  })

  it('reduces 100,000 points to at most four per column and keeps the spike a plain stride would miss', () => {
    const n = 100_000
    const x = Array.from({ length: n }, (_, i) => i)
    const y = x.map((i) => (i === 54_321 ? 50 : Math.sin(i / 900)))
    const kept = decimateLine(x, y, { min: 0, max: n - 1, width: 800, log: false })
    expect(kept.indices.length).toBeLessThanOrEqual(4 * 801)
    expect(kept.indices).toContain(54_321)
  })
})
