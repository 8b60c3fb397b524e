import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { MetricRecord } from '../train'
import { runPoints } from './run-points'
import { LiveRunPoints, livePoints } from './run-points-live'

const record = (step: number, loss: number, evaluated: boolean): MetricRecord => ({
  step,
  examples: step * 16,
  flops: step * 2e9,
  wallSeconds: step * 0.1,
  cpuSeconds: step * 0.2,
  trainLoss: loss,
  trainLossMean: loss,
  gradNorm: 1,
  lr: 1e-4,
  ...(evaluated ? { eval: { loss: loss + 0.1, examples: 64 } } : {}),
})

/** Records mostly in step order, sometimes logging a step again or going back (a resumed run). */
const recordsArb = fc.array(fc.tuple(fc.integer({ min: -3, max: 4 }), fc.double({ min: 1, max: 8, noNaN: true }), fc.boolean()), { maxLength: 30 }).map((steps) => {
  let step = 0
  return steps.map(([d, loss, evaluated]) => record((step = Math.max(0, step + d)), loss, evaluated))
})
const initialArb = fc.option(fc.record({ loss: fc.double({ min: 1, max: 8, noNaN: true }), flops: fc.constant(1e12), wallSeconds: fc.constant(30), joules: fc.constant(null) }), { nil: null })

describe('LiveRunPoints', () => {
  it('gives runPoints of all records when the records grow in pieces (property)', () => {
    fc.assert(
      fc.property(recordsArb, initialArb, fc.array(fc.nat({ max: 8 }), { maxLength: 6 }), (records, initial, pieces) => {
        const live = new LiveRunPoints()
        let taken = 0
        for (const n of [...pieces, records.length]) {
          taken = Math.min(records.length, taken + n)
          const now = records.slice(0, taken)
          expect(live.update(now, initial)).toEqual(runPoints(now, initial))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('keeps the earlier point objects when records are appended, and the same array when none are', () => {
    const records = [record(1, 6, true), record(2, 5, false), record(3, 4, true)]
    const live = new LiveRunPoints()
    const before = live.update(records.slice(0, 2))
    const after = live.update(records)
    expect(after).not.toBe(before)
    expect(after.slice(0, 2).every((p, i) => p === before[i])).toBe(true)
    expect(live.update(records)).toBe(after)
    // the initial point is compared by value (each read of the run's detail is a new object)
    const initial = () => ({ loss: 7, flops: 1e12, wallSeconds: 30, joules: null })
    const withInitial = live.update(records.slice(0, 2), initial())
    expect(live.update(records, initial()).slice(0, 3).every((p, i) => p === withInitial[i])).toBe(true)
    // a step logged again (a resumed run) re-derives: the later line wins, as in runPoints
    const again = [...records, record(2, 9, false)]
    expect(live.update(again).map((p) => p.trainLoss)).toEqual([6, 9, 4])
  })

  it('finds a run by its first record across calls (livePoints)', () => {
    const records = [record(1, 6, true), record(2, 5, false)]
    const first = livePoints(records.slice(0, 1))
    const both = livePoints(records)
    expect(both[0]).toBe(first[0])
    expect(both).toEqual(runPoints(records))
  })
})
