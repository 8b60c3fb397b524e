/**
 * Operator matrices sampled for drawing (issue 11, "sampled when large"): at most a given number of cells travel
 * to the renderer; the table view and the hover read-out name the original row and column of each cell.
 */
import type { OperatorMatrix } from '../../../shared/growth-design'

export const DEFAULT_MAX_CELLS = 4096
export const DEPTH_LABELS = { rowLabel: 'large layer', colLabel: 'small layer' }

/** Every `stride`-th index of 0..n-1, or null when the stride is 1 (all of them). */
function strided(n: number, stride: number): number[] | null {
  return stride === 1 ? null : Array.from({ length: Math.ceil(n / stride) }, (_, k) => k * stride)
}

/**
 * A row-major [rows, cols] matrix, sampled so that at most maxCells values travel. Rows and columns are sampled
 * with the same stride, so cell (k, k) of the image is entry (k·s, k·s): the identity block of a
 * function-preserving width map ([I; C], Net2Net's copies) stays a visible diagonal.
 */
export function matrixFor(name: string, values: ArrayLike<number>, rows: number, cols: number, labels: { rowLabel: string; colLabel: string }, maxCells: number): OperatorMatrix {
  let stride = Math.max(1, Math.ceil(Math.sqrt((rows * cols) / maxCells)))
  while (Math.ceil(rows / stride) * Math.ceil(cols / stride) > maxCells) stride++
  const rowIndex = strided(rows, stride)
  const colIndex = strided(cols, stride)
  const r = rowIndex ?? Array.from({ length: rows }, (_, i) => i)
  const c = colIndex ?? Array.from({ length: cols }, (_, j) => j)
  const out: number[] = []
  for (const i of r) for (const j of c) out.push(values[i * cols + j])
  return { name, rows, cols, values: out, rowIndex, colIndex, ...labels }
}
