/**
 * The report on synthetic metric series, checked against savings computed by hand (linear interpolation between
 * the evaluations around each crossing, the growth phase's cost as the first point).
 */
import { describe, expect, it } from 'vitest'
import type { CarbonAssumptions } from '../../shared/energy'
import type { MetricRecord } from '../../shared/train'
import type { ComparisonSettings, ExperimentRecord } from './compare'
import { buildReport, formatReport, NO_WINNER_FROM_ONE_SEED, stat, type RunSeries } from './report'
import { parseBudget, stepsWithinFlops } from './budget'

const record = (step: number, flops: number, loss: number): MetricRecord => ({
  step,
  examples: step,
  flops,
  wallSeconds: flops / 10,
  cpuSeconds: 0,
  trainLoss: loss,
  trainLossMean: loss,
  gradNorm: 1,
  lr: 1e-3,
  eval: { loss, examples: 8 },
})

const settings = (seeds: number[]): ComparisonSettings =>
  ({ from: 'small', to: 'large', methods: ['scratch', 'ligo'], data: 'toy', budget: { kind: 'steps', value: 20 }, seeds, ladder: [1, 0.9] }) as unknown as ComparisonSettings

const experiment = (seeds: number[]): ExperimentRecord => ({
  format: 'ligo-experiment',
  version: 1,
  createdAt: '',
  settings: settings(seeds),
  runs: Object.fromEntries(
    seeds.flatMap((seed) => ['scratch', 'ligo'].map((method) => [`${method}-seed${seed}`, { method, seed, runDir: '', status: 'done' as const, steps: 20, flops: 200, wallSeconds: 20 }])),
  ),
  sourceLoss: Object.fromEntries(seeds.map((s) => [String(s), 3.5])),
})

const scratch = (seed: number): RunSeries => ({ method: 'scratch', seed, initial: { loss: 5, flops: 0, wallSeconds: 0, joules: null }, records: [record(10, 100, 4), record(20, 200, 3)] })
// LiGO: operator phase cost 10 FLOPs; then the same step cost as scratch.
const ligo = (seed: number, shift = 0): RunSeries => ({
  method: 'ligo',
  seed,
  initial: { loss: 4.5, flops: 10 + shift, wallSeconds: 1, joules: null },
  records: [record(10, 110 + shift, 3.5), record(20, 210 + shift, 2.8)],
})

// Joules proportional to FLOPs (1 J per FLOP), estimated from CPU time, as the meter writes them.
const withEnergy = (run: RunSeries): RunSeries => ({
  ...run,
  initial: { ...run.initial, joules: run.initial.flops },
  records: run.records.map((r) => ({
    ...r,
    energy: {
      joules: r.flops, windowJoules: 0, windowSeconds: 0, window: { fromStep: 0, toStep: r.step }, phase: 'main',
      accuracy: 'estimated' as const, byMethod: { estimate: r.flops }, byPhase: { main: r.flops }, samples: [],
    },
  })),
})

const carbon: CarbonAssumptions = {
  region: 'DE', regionName: 'Germany', gramsPerKwh: 360, source: 'test table', year: 2023, pue: 1.5,
  origin: { region: 'params', pue: 'params', intensity: 'default' }, text: '360 gCO2e/kWh, Germany (DE), 2023; PUE 1.5',
}

describe('comparison report', () => {
  it('adds carbon to energy with its assumptions and says how the joules were obtained', () => {
    const report = buildReport(settings([0]), experiment([0]), [withEnergy(scratch(0)), withEnergy(ligo(0))], carbon)
    const ligoFinal = report.targets[0].methods.find((m) => m.method === 'ligo')!
    const joules = 110 + 100 * (0.5 / 0.7) // at the interpolated crossing, like the FLOPs
    // gCO2e = kWh × PUE × intensity: J / 3.6e6 × 1.5 × 360
    expect(ligoFinal.gramsCO2e!.mean).toBeCloseTo((joules / 3.6e6) * 1.5 * 360, 12)
    expect(ligoFinal.carbonSaving!.mean).toBeCloseTo((100 * (200 - joules)) / 200, 6)
    expect(ligoFinal.energyMeasurement).toBe('estimated (estimate)')
    expect(report.carbon).toBe(carbon)
    const text = formatReport(report)
    expect(text).toContain('Carbon: 360 gCO2e/kWh, Germany (DE), 2023; PUE 1.5')
    expect(text).toContain('Energy: estimated (estimate)')
    expect(text).toMatch(/CO2e saving/)
  })


  it('computes the paper saving and the ladder as by hand (one seed)', () => {
    const report = buildReport(settings([0]), experiment([0]), [scratch(0), ligo(0)])
    expect(report.targets.map((t) => t.kind)).toEqual(['scratch-final', 'source', 'between', 'between', 'ladder'])
    const [final, source, oneThird, twoThirds, ladder] = report.targets
    expect(final.kind).toBe('scratch-final')
    expect(final.loss).toBe(3)
    // Scratch reaches 3.0 at 200; LiGO between (110, 3.5) and (210, 2.8): 110 + 100·(0.5/0.7).
    const ligoFinal = final.methods.find((m) => m.method === 'ligo')!
    expect(ligoFinal.flops!.mean).toBeCloseTo(110 + 100 * (0.5 / 0.7), 6)
    expect(ligoFinal.flopsSaving!.mean).toBeCloseTo((100 * (200 - (110 + 100 * (0.5 / 0.7)))) / 200, 6)
    expect(ligoFinal.verdict).toMatch(/^saves 9\.3% FLOPs \(one seed: no spread\)$/)
    // Source loss 3.5: scratch halfway between 100 and 200 = 150; LiGO hits it at an evaluation, 110.
    expect(source.kind).toBe('source')
    expect(source.methods.find((m) => m.method === 'scratch')!.flops!.mean).toBeCloseTo(150, 6)
    expect(source.methods.find((m) => m.method === 'ligo')!.flopsSaving!.mean).toBeCloseTo((100 * 40) / 150, 6)
    // 90% of 3.5 = 3.15: scratch 100 + 100·0.85 = 185; LiGO 110 + 100·0.5 = 160.
    // Between the source's 3.5 and scratch's final 3.0: 3.5 - 0.5/3 = 10/3 and 3.5 - 1/3. Scratch crosses 10/3 at
    // 100 + 100·(4 - 10/3) = 166.67; LiGO at 110 + 100·((3.5 - 10/3)/0.7) = 133.81.
    expect(oneThird.loss).toBeCloseTo(3.5 - 0.5 / 3, 9)
    expect(twoThirds.loss).toBeCloseTo(3.5 - 1 / 3, 9)
    expect(oneThird.methods.find((m) => m.method === 'scratch')!.flops!.mean).toBeCloseTo(100 + 100 * (4 - 10 / 3), 6)
    expect(oneThird.methods.find((m) => m.method === 'ligo')!.flops!.mean).toBeCloseTo(110 + 100 * ((3.5 - 10 / 3) / 0.7), 6)
    expect(oneThird.label).toBe("1/3 of the way from the source model's loss to scratch's final loss")
    expect(ladder.loss).toBeCloseTo(3.15, 9)
    expect(ladder.methods.find((m) => m.method === 'ligo')!.flopsSaving!.mean).toBeCloseTo((100 * 25) / 185, 6)
    expect(report.scratch.passedSourceLoss).toEqual([true])
    const text = formatReport(report)
    expect(text).toContain("Target: scratch's final loss (3.0000)")
    expect(text).toContain('passed the source model\'s loss: 1/1 seeds')
  })

  it('reports never reached with the best loss, and ties inside the spread', () => {
    const neverSeries: RunSeries = { method: 'ligo', seed: 0, initial: { loss: 4.5, flops: 10, wallSeconds: 1, joules: null }, records: [record(10, 110, 3.6), record(20, 210, 3.2)] }
    const one = buildReport(settings([0]), experiment([0]), [scratch(0), neverSeries])
    expect(one.targets[0].methods.find((m) => m.method === 'ligo')!.verdict).toBe('never reached: best 3.200')
    // Two seeds: LiGO's saving differs a lot between them, so its mean lies inside the spread -> a tie.
    const two = buildReport(settings([0, 1]), experiment([0, 1]), [scratch(0), scratch(1), ligo(0, -60), ligo(1, 40)])
    const row = two.targets[0].methods.find((m) => m.method === 'ligo')!
    expect(row.flopsSaving!.n).toBe(2)
    expect(row.verdict).toMatch(/^tie with scratch/)
    expect(two.targets[0].best).toMatch(/^tie: /)
  })

  it('never names a winner from one seed; names one when every spread leaves it ahead', () => {
    // One seed: LiGO reaches scratch's final loss with fewer FLOPs, but with no spread that is not a result.
    const one = buildReport(settings([0]), experiment([0]), [scratch(0), ligo(0)])
    expect(one.targets[0].methods.find((m) => m.method === 'ligo')!.flopsSaving!.mean).toBeGreaterThan(0)
    expect(one.targets[0].best).toBe(NO_WINNER_FROM_ONE_SEED)
    // Two seeds, LiGO's cost nearly the same in both (spread ~1 FLOP) and far below scratch's: LiGO wins.
    const two = buildReport(settings([0, 1]), experiment([0, 1]), [scratch(0), scratch(1), ligo(0, 0), ligo(1, 1)])
    expect(two.targets[0].best).toBe('ligo')
  })

  it('refuses the headline saving when scratch stayed above the source model, saying why per seed', () => {
    const flat: RunSeries = { method: 'scratch', seed: 0, initial: { loss: 5, flops: 0, wallSeconds: 0, joules: null }, records: [record(10, 100, 4.2), record(20, 200, 4)] }
    const report = buildReport(settings([0]), experiment([0]), [flat, ligo(0)])
    expect(report.scratch.passedSourceLoss).toEqual([false])
    expect(report.headlineRefused).toHaveLength(1)
    expect(report.headlineRefused![0]).toMatch(/^seed 0: scratch ended at 4\.0000, not below the source model's 3\.5000/)
    const final = report.targets[0]
    expect(final.kind).toBe('scratch-final')
    const ligoRow = final.methods.find((m) => m.method === 'ligo')!
    // LiGO reaches 4.0 (cost kept) but no saving is printed against an undertrained scratch
    expect(ligoRow.reached).toBe(1)
    expect([ligoRow.flopsSaving, ligoRow.wallSaving, ligoRow.energySaving]).toEqual([null, null, null])
    expect(ligoRow.verdict).toBe("no headline: scratch did not pass the source model's loss in 1/1 seed(s)")
    expect(final.best).toBe(ligoRow.verdict)
    expect(report.targets[1].methods.find((m) => m.method === 'scratch')!.verdict).toBe('never reached: best 4.000')
    expect(formatReport(report)).toContain("No headline saving: seed 0: scratch ended at 4.0000, not below the source model's 3.5000")
    // every seed passed: no refusal
    expect(buildReport(settings([0]), experiment([0]), [scratch(0), ligo(0)]).headlineRefused).toEqual([])
  })

  it("prints the label frequencies' loss beside the source's and the growth phase's share of scratch's FLOPs", () => {
    const withPrior: ExperimentRecord = { ...experiment([0, 1]), priorLoss: { '0': 6, '1': 6.5 } }
    withPrior.runs['ligo-seed0'].growth = { steps: 4, flops: 10, wallSeconds: 1, lossFirst: null, lossLast: null }
    withPrior.runs['ligo-seed1'].growth = { steps: 4, flops: 12, wallSeconds: 1, lossFirst: null, lossLast: null }
    const report = buildReport(settings([0, 1]), withPrior, [scratch(0), scratch(1), ligo(0), ligo(1)])
    expect(report.priorLoss).toBe(6.25)
    const text = formatReport(report)
    expect(text).toContain("Source model's validation loss: 3.5000 (not charged: the paper's accounting); the label frequencies' loss (unigram / class prior) on the same batches 6.2500: the source is 2.7500 below it")
    // mean phase 11 FLOPs against scratch's 200: 5.5%
    expect(text).toContain("Growth phases (charged; share of scratch's FLOPs): ligo 4 steps, 1.10e+1 FLOPs = 5.5%")
  })
})

describe('budget', () => {
  it('parses steps, FLOPs and minutes and refuses the rest', () => {
    expect(parseBudget('500')).toEqual({ kind: 'steps', value: 500 })
    expect(parseBudget('3e14flops')).toEqual({ kind: 'flops', value: 3e14 })
    expect(parseBudget('1.5min')).toEqual({ kind: 'minutes', value: 1.5 })
    expect(() => parseBudget('10 parsecs')).toThrow(/Invalid budget "10 parsecs"/)
    expect(() => parseBudget('2.5steps')).toThrow(/whole number/)
  })

  it('buys the most steps a FLOPs budget covers after the growth phase', () => {
    // 100 for the growth phase, 10 per step: 1000 buys 90 steps.
    expect(stepsWithinFlops(1000, 100, () => 10)).toBe(90)
    // Dearer first half (KI-like: 15 for steps < horizon/2, then 10): n=40 costs 20·15 + 20·10 = 500.
    expect(stepsWithinFlops(500, 0, (k, n) => (k < n / 2 ? 15 : 10))).toBe(40)
    expect(stepsWithinFlops(50, 100, () => 10)).toBe(0)
  })

  it('mean and sample spread', () => {
    expect(stat([1, 3])).toEqual({ mean: 2, spread: Math.SQRT2, n: 2 })
    expect(stat([4])).toEqual({ mean: 4, spread: null, n: 1 })
  })
})
