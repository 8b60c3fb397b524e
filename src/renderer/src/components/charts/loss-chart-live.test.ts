import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunPoint } from '../../../../shared/metrics/run-points'
import { meanCurve } from '../../../../shared/metrics/seed-stats'
import { smoothEma } from '../../../../shared/metrics/smoothing'
import { buildLossChart, LossChartBuilder, type LossChartOptions, type RunCurve } from './loss-chart-data'

/** Runs of 1–2 methods × 1–3 seeds; seeds may skip evaluations (null loss) and log at their own steps and seconds. */
const runsArb = fc
  .array(
    fc.record({
      method: fc.constantFrom('scratch', 'ligo'),
      seed: fc.integer({ min: 0, max: 2 }),
      points: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.option(fc.double({ min: 1, max: 8, noNaN: true }), { nil: null }), fc.double({ min: 0.1, max: 2, noNaN: true })), { maxLength: 25 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((specs) => {
    const seen = new Set<string>()
    return specs.flatMap((s): RunCurve[] => {
      if (seen.has(`${s.method}/${s.seed}`)) return []
      seen.add(`${s.method}/${s.seed}`)
      let step = 0
      let seconds = 0
      const points = s.points.map(([dStep, loss, dSeconds]): RunPoint => {
        step += dStep
        seconds += dSeconds
        return { step, flops: step * 1e9, wallSeconds: seconds, joules: step % 4 === 0 ? null : step * 3, trainLoss: loss === null ? null : loss + 0.5, valLoss: loss }
      })
      return [{ method: s.method, seed: s.seed, points }]
    })
  })

const optionsArb = fc.record({
  axis: fc.constantFrom('flops' as const, 'wallSeconds' as const, 'joules' as const, 'step' as const),
  loss: fc.constantFrom('valLoss' as const, 'trainLoss' as const),
  smoothing: fc.constantFrom(0, 0.6, 0.95),
  logX: fc.boolean(),
  targets: fc.constant([{ label: 'target', loss: 4 }]),
}) satisfies fc.Arbitrary<LossChartOptions>

describe('LossChartBuilder', () => {
  it('appending points in pieces gives exactly the data of one build from all points (property)', () => {
    fc.assert(
      fc.property(runsArb, optionsArb, fc.array(fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 4 }), (runs, options, cuts) => {
        const builder = new LossChartBuilder(options)
        // each update: every run grown to a longer prefix of its points (the same point objects, as the store appends)
        const taken = runs.map(() => 0)
        for (const cut of [...cuts, runs.map(() => Infinity)]) {
          runs.forEach((r, i) => (taken[i] = Math.min(r.points.length, Math.max(taken[i], taken[i] + (cut[i % cut.length] % 7)))))
          const now = runs.map((r, i) => ({ ...r, points: r.points.slice(0, taken[i]) }))
          expect(builder.update(now)).toEqual(buildLossChart(now, options))
        }
        expect(builder.update(runs)).toEqual(buildLossChart(runs, options))
      }),
      { numRuns: 300 },
    )
  })

  it('draws the mean of the smoothed seeds at every step, as smoothEma and meanCurve compute them from all points', () => {
    fc.assert(
      fc.property(runsArb, optionsArb, (runs, options) => {
        const live = new LossChartBuilder(options)
        runs.forEach((_, n) => live.update(runs.map((r, i) => (i <= n ? r : { ...r, points: r.points.slice(0, 1) }))))
        const data = live.update(runs)
        for (const method of new Set(runs.map((r) => r.method))) {
          const seeds = runs.filter((r) => r.method === method).sort((a, b) => a.seed - b.seed)
          if (seeds.length < 2) continue
          // reference: each seed's drawable points, smoothed, aligned by step, averaged
          const drawn = seeds.map((r) => r.points.filter((p) => { const x = p[options.axis]; const y = p[options.loss]; return x !== null && y !== null && (!options.logX || x > 0) }))
          const steps = [...new Set(drawn.flatMap((d) => d.map((p) => p.step)))].sort((a, b) => a - b)
          const smoothed = drawn.map((d) => smoothEma(d.map((p) => p[options.loss]), options.smoothing))
          const at = (i: number, values: ArrayLike<number | null>) => steps.map((s) => { const j = drawn[i].findIndex((p) => p.step === s); return j < 0 ? null : values[j] })
          const mean = meanCurve(smoothed.map((v, i) => at(i, v))).mean.filter((v) => v !== null)
          const line = data.lines[data.series.findIndex((s) => s.method === method && s.role === 'mean')]
          expect(line.y).toEqual(mean)
        }
      }),
      { numRuns: 200 },
    )
  })
})
