import { describe, expect, it } from 'vitest'
import type { CarbonAssumptions, MethodSeries, ReachedTarget, SavingsPoint } from '../../shared'
import type { MetricRecord } from '../../shared/train'
import { computeSavings, costToReach, SavingsError, seriesFromMetrics, targetLadder } from './savings'

const estimated = { accuracy: 'estimated' as const, methods: ['estimate' as const] }
const p = (step: number, flops: number, wallSeconds: number, joules: number | null, valLoss: number): SavingsPoint => ({ step, flops, wallSeconds, joules, valLoss })

// Hand-made: scratch evaluates every 100 steps, ligo every 50; costs are cumulative.
const scratch: MethodSeries = { method: 'scratch', energy: estimated, points: [p(100, 100, 10, 1000, 5.0), p(200, 200, 20, 2000, 4.0), p(300, 300, 30, 3000, 3.5)] }
const ligo: MethodSeries = { method: 'ligo', energy: estimated, points: [p(50, 60, 8, 900, 4.5), p(100, 110, 14, 1500, 3.6), p(150, 160, 20, 2100, 3.4)] }
const stalled: MethodSeries = { method: 'stackbert', energy: estimated, points: [p(100, 100, 10, 1000, 5.0), p(200, 200, 20, 2000, 4.6), p(300, 300, 30, 3000, 4.2)] }
const germany: CarbonAssumptions = {
  region: 'DE',
  regionName: 'Germany',
  gramsPerKwh: 381,
  source: 'Ember via OWID',
  year: 2023,
  pue: 1.5,
  origin: { region: 'flag', pue: 'flag', intensity: 'default' },
  text: '381 gCO2e/kWh, Germany (DE), 2023; PUE 1.5',
}

describe('costToReach', () => {
  it('interpolates linearly between the evaluations around the first crossing', () => {
    // ligo crosses 3.5 between step 100 (3.6) and 150 (3.4): f = 0.1 / 0.2 = 0.5
    const result = costToReach(ligo, 3.5) as ReachedTarget
    expect(result).toMatchObject({ reached: true, step: 125, flops: 135, wallSeconds: 17, interpolated: true })
    expect(result.energy).toEqual({ joules: 1800, measurement: estimated })
    expect(result.carbon).toBeNull()
    // 4.25 between step 100 (5.0) and 200 (4.0): f = 0.75 -> 175 FLOPs
    expect(costToReach(scratch, 4.25)).toMatchObject({ step: 175, flops: 175, wallSeconds: 17.5 })
  })

  it('uses an evaluation that hits the target exactly, and the first one when it is already below', () => {
    expect(costToReach(scratch, 4.0)).toMatchObject({ step: 200, flops: 200, interpolated: false })
    expect(costToReach(ligo, 4.8)).toMatchObject({ step: 50, flops: 60, wallSeconds: 8, interpolated: false })
  })

  it('says never reached with the best loss, and no cost', () => {
    expect(costToReach(stalled, 3.5)).toEqual({ reached: false, bestLoss: 4.2, bestStep: 300, lastStep: 300, text: 'never reached: best 4.200 at step 300 of 300' })
    expect(costToReach({ ...stalled, points: [] }, 3.5)).toMatchObject({ reached: false, text: 'never reached: no evaluations' })
  })

  it('computes gCO2e from joules, PUE and the grid intensity, carrying the assumptions', () => {
    const result = costToReach(ligo, 3.5, germany) as ReachedTarget
    // 1800 J = 0.0005 kWh; × 1.5 × 381 = 0.28575 g
    expect(result.carbon!.grams).toBeCloseTo(0.28575, 12)
    expect(result.carbon!.assumptions).toBe(germany)
    expect(result.carbon!.measurement).toEqual(estimated)
  })

  it('has no energy figure for a run without joules', () => {
    const unmetered: MethodSeries = { ...ligo, energy: { accuracy: 'none', methods: [] }, points: ligo.points.map((q) => ({ ...q, joules: null })) }
    expect(costToReach(unmetered, 3.5, germany)).toMatchObject({ reached: true, flops: 135, energy: null, carbon: null })
  })

  it('refuses series that are not cumulative or repeat a step', () => {
    expect(() => costToReach({ ...ligo, points: [p(1, 10, 1, 5, 4), p(2, 9, 2, 6, 3)] }, 3)).toThrow(
      new SavingsError("series 'ligo', evaluation at step 2: flops went down from 10 to 9; costs must be cumulative"),
    )
    expect(() => costToReach({ ...ligo, points: [p(1, 10, 1, 5, 4), p(1, 11, 2, 6, 3)] }, 3)).toThrow('two evaluations at the same step')
    expect(() => costToReach({ ...ligo, points: [p(1, 10, 1, 5, Number.NaN)] }, 3)).toThrow('valLoss must be a finite number, got NaN')
  })
})

describe('targetLadder', () => {
  it('spreads targets over scratch\'s loss drop and ends at its final loss', () => {
    expect(targetLadder(scratch, 3.5)).toEqual([
      { loss: 4.25, label: "50% of scratch's loss drop (4.250)" },
      { loss: 3.875, label: "75% of scratch's loss drop (3.875)" },
      { loss: 3.65, label: "90% of scratch's loss drop (3.650)" },
      { loss: 3.5, label: "scratch's final loss 3.500" },
    ])
    expect(targetLadder(scratch, 6)).toEqual([{ loss: 6, label: "scratch's final loss 6.000" }])
  })
})

describe('computeSavings', () => {
  it('gives each method its cost and its saving against scratch at every target', () => {
    const table = computeSavings({ series: [scratch, ligo, stalled], scratch: 'scratch', scratchFinalLoss: 3.5, carbon: germany })
    expect(table.rows.map((r) => r.target.loss)).toEqual([4.25, 3.875, 3.65, 3.5])
    const final = table.rows[3]
    expect(final.methods.map((m) => m.method)).toEqual(['scratch', 'ligo', 'stackbert'])
    expect(final.methods[0]).toMatchObject({ saving: null, result: { flops: 300, wallSeconds: 30, energy: { joules: 3000 } } })
    const saving = final.methods[1].saving!
    // FLOPs (300 − 135) / 300 = 55%; wall (30 − 17) / 30 = 43.33%; energy (3000 − 1800) / 3000 = 40%; carbon the same 40%
    expect(saving.flopsPercent).toBeCloseTo(55, 10)
    expect(saving.wallPercent).toBeCloseTo(43.3333333, 6)
    expect(saving.energyPercent).toBeCloseTo(40, 10)
    expect(saving.carbonPercent).toBeCloseTo(40, 10)
    expect(saving).toMatchObject({ energyMeasurement: 'estimated vs estimated', energyComparable: true, notes: [] })
    expect(final.methods[2].saving).toMatchObject({ flopsPercent: null, energyPercent: null, notes: ['stackbert never reached: best 4.200 at step 300 of 300'] })

    // At 4.25: scratch 175 FLOPs; ligo between 4.5 (60) and 3.6 (110): f = 0.25 / 0.9, 60 + 50 f = 73.888...
    const first = table.rows[0].methods[1]
    expect((first.result as ReachedTarget).flops).toBeCloseTo(60 + (50 * 0.25) / 0.9, 10)
    expect(first.saving!.flopsPercent).toBeCloseTo((100 * (175 - (60 + (50 * 0.25) / 0.9))) / 175, 10)
  })

  it('flags energies obtained differently, and a scratch that never reached an explicit target', () => {
    const measured: MethodSeries = { ...ligo, energy: { accuracy: 'measured', methods: ['counter'] } }
    const table = computeSavings({ series: [scratch, measured], scratch: 'scratch', scratchFinalLoss: 3.5, targets: [{ loss: 3.5, label: 'final' }, { loss: 3.45, label: 'lower' }] })
    expect(table.rows[0].methods[1].saving).toMatchObject({ energyMeasurement: 'measured vs estimated', energyComparable: false, carbonPercent: null })
    expect(table.rows[0].methods[1].saving!.notes).toEqual(['energy of ligo (counter) and scratch (estimate) were obtained differently'])
    expect(table.rows[1].methods[1].saving!.notes).toEqual(['scratch never reached: best 3.500 at step 300 of 300'])
    expect(table.carbon).toBeNull()
  })

  it('names a missing scratch series and duplicate names', () => {
    expect(() => computeSavings({ series: [ligo], scratch: 'scratch', scratchFinalLoss: 3.5 })).toThrow("no series named 'scratch' (the scratch baseline). Series: ligo")
    expect(() => computeSavings({ series: [ligo, ligo], scratch: 'ligo', scratchFinalLoss: 3.5 })).toThrow("two series are named 'ligo'")
  })
})

describe('seriesFromMetrics', () => {
  it('takes the evaluated lines of a metrics log, with cumulative joules and the run\'s energy methods', () => {
    const line = (step: number, loss: number | null, joules: number | null): MetricRecord =>
      ({
        step,
        examples: step * 8,
        flops: step * 10,
        wallSeconds: step / 2,
        cpuSeconds: step / 2,
        trainLoss: 4,
        trainLossMean: 4,
        gradNorm: 1,
        lr: 1e-3,
        ...(loss === null ? {} : { eval: { loss, examples: 16 } }),
        ...(joules === null
          ? {}
          : { energy: { joules, windowJoules: 1, windowSeconds: 1, window: { fromStep: step, toStep: step }, phase: 'main', accuracy: 'mixed', byMethod: { estimate: joules / 2, counter: joules / 2, 'power-integration': 0 }, byPhase: { main: joules }, samples: [] } }),
      }) as MetricRecord
    const series = seriesFromMetrics('ligo', [line(1, null, 5), line(2, 3.5, 10), line(3, null, 15), line(4, 3.1, 20)])
    expect(series).toEqual({
      method: 'ligo',
      points: [p(2, 20, 1, 10, 3.5), p(4, 40, 2, 20, 3.1)],
      energy: { accuracy: 'mixed', methods: ['counter', 'estimate'] },
    })
    expect(seriesFromMetrics('scratch', [line(2, 3.9, null)]).energy).toEqual({ accuracy: 'none', methods: [] })
  })
})
