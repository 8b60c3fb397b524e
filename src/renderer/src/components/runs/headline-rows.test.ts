import { describe, expect, it } from 'vitest'
import type { ComparisonReport, MethodTargetSummary, SeedStat } from '../../../../shared/growth'
import { headlineTargets } from './headline-rows'

const s = (mean: number, spread: number | null = null, n = 3): SeedStat => ({ mean, spread, n })
const method = (over: Partial<MethodTargetSummary> & { method: string }): MethodTargetSummary => ({
  reached: 3,
  runs: 3,
  flops: s(1e12),
  wallSeconds: s(60),
  joules: s(900),
  flopsSaving: null,
  wallSaving: null,
  energySaving: null,
  gramsCO2e: s(0.1),
  carbonSaving: null,
  energyMeasurement: 'estimated (estimate)',
  verdict: '',
  ...over,
})

const report = {
  targets: [
    {
      kind: 'scratch-final',
      loss: 6.49,
      label: "scratch's final loss",
      best: 'ligo',
      methods: [
        method({ method: 'scratch' }),
        method({ method: 'ligo', flopsSaving: s(46.6, 0.5), wallSaving: s(3, 4), energySaving: s(60.9, 3.6), carbonSaving: s(60.9, 3.6) }),
        method({ method: 'ki', reached: 0, flops: null, wallSeconds: null, joules: null, gramsCO2e: null }),
      ],
    },
    {
      kind: 'source',
      loss: 6.18,
      label: "source model's loss",
      best: 'ligo',
      methods: [method({ method: 'scratch', reached: 0 }), method({ method: 'ligo', reached: 2 })],
    },
  ],
} as unknown as ComparisonReport

describe('headlineTargets', () => {
  const [paperTarget, source] = headlineTargets(report, 'bert')

  it('shows each saving with its spread, and a tie where the spread covers zero', () => {
    const ligo = paperTarget.rows[1]
    expect(ligo.flops).toEqual({ kind: 'saving', mean: 46.6, spread: 0.5, tie: false })
    expect(ligo.wall).toEqual({ kind: 'saving', mean: 3, spread: 4, tie: true })
    expect(ligo.energyMeasurement).toBe('estimated (estimate)')
  })

  it('puts the paper figures of the matching pair beside the paper target only', () => {
    expect(paperTarget.rows[1].paper).toEqual({ flopsPercent: 44.7, wallPercent: 40.7 })
    expect(paperTarget.rows[2].paper).toEqual({ flopsPercent: -5.7, wallPercent: -13.9 })
    expect(source.rows[1].paper).toBeNull()
  })

  it('says never where no seed reached, baseline for scratch, and no saving where scratch never got there', () => {
    expect(paperTarget.rows[0].flops).toEqual({ kind: 'baseline' })
    expect(paperTarget.rows[2].flops).toEqual({ kind: 'never' })
    expect(source.rows[0].flops).toEqual({ kind: 'never' })
    expect(source.rows[1].flops).toEqual({ kind: 'no-scratch' })
    expect(source.rows[1].reached).toBe(2)
  })
})
