/**
 * The growth operators as matrices to draw (issue 11, "the picture"): each method's descriptor draws its initial
 * operator (GrowthMethod.picture; the helpers are in pictures.ts), learned values come from a grown model's saved
 * LiGO operator (engine/io/operator-file.ts); both are sampled (sampling.ts) before they travel to the renderer.
 */
import type { GrowthOperatorResult } from '../../../shared/growth-design'
import type { ModelConfig } from '../../models'
import type { PictureMatrix } from '../method'
import { getGrowthMethod } from '../methods'
import { DEFAULT_MAX_CELLS, matrixFor } from './sampling'

/** A method's initial operator for a (small, large) pair, drawn by its descriptor and sampled. */
export function initialOperator(method: string, small: ModelConfig, large: ModelConfig, options: { seed?: number; maxCells?: number } = {}): GrowthOperatorResult {
  const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS
  const base = { method, kind: 'init' as const, smallLayers: small.numLayers, largeLayers: large.numLayers }
  const picture = getGrowthMethod(method).picture?.(small, large, options.seed ?? 0)
  if (!picture) return { ...base, depth: null, width: [], mappings: [], notes: [`${method} maps no weights: it starts from a fresh initialisation`] }
  const sample = (m: PictureMatrix) => matrixFor(m.name, m.values, m.rows, m.cols, { rowLabel: m.rowLabel, colLabel: m.colLabel }, maxCells)
  return { ...base, depth: picture.depth && sample(picture.depth), width: picture.width.map(sample), mappings: picture.mappings, notes: picture.notes }
}
