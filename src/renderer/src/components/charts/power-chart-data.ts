/**
 * Watts over a run's training time by energy source (RAPL package, GPU board, estimate), from the samples in its
 * metrics log (shared/energy.ts EnergySampleRecord), with the method of each figure in the series label: a
 * measured counter, integrated power samples, or an estimate (issue 12, "Energy and power"; Zeus and CodeCarbon
 * name theirs the same way, product-anchors.md §1.9-1.10). Sample times count from the meter's start in each
 * session; they are placed on the run's training clock by aligning each window's last sample with the line's
 * wallSeconds (evaluations fall inside energy windows but not training time, so the placement is approximate).
 */
import type { EnergyMethod, EnergySourceKind } from '../../../../shared/energy'
import type { MetricRecord } from '../../../../shared/train'
import type { ChartSeries, LossChartData } from './loss-chart-data'
import { OKABE_ITO } from './palette'

export interface PowerSeriesKey {
  source: EnergySourceKind
  device: string
  method: EnergyMethod
}

/** Label parts for a series; the component translates source and method words. */
export const powerSeriesId = (k: PowerSeriesKey): string => `${k.source}:${k.device}:${k.method}`

export function buildPowerChart(records: readonly MetricRecord[], label: (key: PowerSeriesKey) => string): LossChartData {
  const lines = new Map<string, { key: PowerSeriesKey; points: Array<[number, number]> }>()
  for (const record of records) {
    const samples = record.energy?.samples ?? []
    if (samples.length === 0) continue
    const end = Math.max(...samples.map((s) => s.t))
    for (const s of samples) {
      const key = { source: s.source, device: s.device, method: s.method }
      const id = powerSeriesId(key)
      if (!lines.has(id)) lines.set(id, { key, points: [] })
      lines.get(id)!.points.push([Math.max(0, record.wallSeconds - (end - s.t)), s.watts])
    }
  }
  const ordered = [...lines.values()].sort((a, b) => powerSeriesId(a.key).localeCompare(powerSeriesId(b.key)))
  // samples arrive window by window; each series is drawn in time order
  const drawn = ordered.map((line) => {
    const points = [...line.points].sort((a, b) => a[0] - b[0])
    return { x: points.map(([x]) => x), y: points.map(([, w]) => w) }
  })
  const series: ChartSeries[] = ordered.map((line, i) => ({
    method: powerSeriesId(line.key),
    seed: null,
    role: 'mean',
    label: label(line.key),
    stroke: OKABE_ITO[(i + 4) % OKABE_ITO.length],
    width: 2,
    readout: true,
  }))
  return { lines: drawn, series, bands: [], targets: [], crossings: [] }
}
