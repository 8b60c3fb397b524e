import { describe, expect, it } from 'vitest'
import { firstCrossing } from './crossing'
import type { RunPoint } from './run-points'

const point = (step: number, valLoss: number | null, joules: number | null = step * 10): RunPoint => ({
  step,
  flops: step * 1e9,
  wallSeconds: step * 0.5,
  joules,
  trainLoss: null,
  valLoss,
})

describe('firstCrossing', () => {
  it('interpolates every axis linearly between the evaluations around the target', () => {
    // loss 5 at step 100, 3 at step 200: target 4.5 lies a quarter of the way, at step 125
    const c = firstCrossing([point(0, 6), point(100, 5), point(150, null), point(200, 3), point(300, 2)], 4.5)
    expect(c).toEqual({ reached: true, step: 125, flops: 125e9, wallSeconds: 62.5, joules: 1250, loss: 4.5, interpolated: true })
  })

  it('takes the FIRST crossing even when the curve goes back up afterwards', () => {
    const c = firstCrossing([point(0, 6), point(10, 4), point(20, 5), point(30, 3.5)], 4)
    expect(c.reached && c.step).toBe(10)
  })

  it('uses an evaluation that hits the target exactly, and the first one when it is already below', () => {
    expect(firstCrossing([point(0, 6), point(10, 4)], 4)).toMatchObject({ reached: true, step: 10, interpolated: false })
    expect(firstCrossing([point(20, 3), point(30, 2)], 4)).toMatchObject({ reached: true, step: 20, loss: 3, interpolated: false })
  })

  it('has no energy figure when one side of the crossing was not metered', () => {
    const c = firstCrossing([point(0, 6, null), point(10, 4)], 5)
    expect(c).toMatchObject({ reached: true, step: 5, joules: null })
  })

  it('reports the best loss when the target is never reached', () => {
    expect(firstCrossing([point(0, 6), point(10, 5.5), point(20, 5.7)], 5)).toEqual({ reached: false, bestLoss: 5.5, bestStep: 10 })
    expect(firstCrossing([point(0, null)], 5)).toEqual({ reached: false, bestLoss: null, bestStep: null })
  })
})
