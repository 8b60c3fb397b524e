/**
 * The chart's previous layout, kept only so `npm run bench:chart` can measure against it in the same run: one uPlot
 * table over the union of every series' x values (methods and seeds each have their own FLOPs or seconds), a cell per
 * series and x, null where that series has no point, every point drawn at every zoom.
 */
import type { AlignedColumns } from '../src/renderer/src/components/charts/decimated-chart'
import type { LossChartData } from '../src/renderer/src/components/charts/loss-chart-data'

export function unionTable(data: LossChartData): AlignedColumns {
  const xs = [...new Set(data.lines.flatMap((l) => l.x))].sort((a, b) => a - b)
  const index = new Map(xs.map((x, i) => [x, i]))
  const columns = data.lines.map((line) => {
    const column: Array<number | null> = new Array(xs.length).fill(null)
    line.x.forEach((x, k) => (column[index.get(x)!] = line.y[k]))
    return column
  })
  return { xs, columns }
}
