/**
 * Quick picks of the designer: the paper's pairs (docs/growth/ligo.md §5.1, engine/models/presets.ts GROWTH_PAIRS)
 * applied to the source as ratios, plus "x2 depth" and "x1.5 width". A ratio keeps the source's head size: the
 * hidden size is rounded to a multiple of it (heads = hidden / head size), the FFN keeps the source's FFN/hidden
 * ratio, and nothing ever shrinks.
 */
import type { QuickPick, TargetSizes } from '../../../shared/growth-design'
import { headDim, type ModelConfig } from '../../models/config'
import { getPreset, GROWTH_PAIRS } from '../../models/presets'

/** The source scaled by a depth and a width ratio, at the source's head size. */
export function scaleSizes(source: ModelConfig, depthRatio: number, widthRatio: number): TargetSizes {
  const d = headDim(source)
  const heads = Math.max(source.numHeads, Math.round((source.hiddenSize * widthRatio) / d))
  const hiddenSize = heads * d
  const intermediateSize = Math.max(source.intermediateSize, Math.round((source.intermediateSize * hiddenSize) / source.hiddenSize))
  const sizes: TargetSizes = { numLayers: Math.max(source.numLayers, Math.round(source.numLayers * depthRatio)), hiddenSize, numHeads: heads, intermediateSize }
  if (source.family === 'cait') sizes.numClassLayers = source.numClassLayers
  return sizes
}

export function quickPicks(source: ModelConfig): QuickPick[] {
  const paper = GROWTH_PAIRS.filter((p) => p.paper).map((p): QuickPick => {
    const from = getPreset(p.from)
    const to = getPreset(p.to)
    const depthRatio = to.config.numLayers / from.config.numLayers
    const widthRatio = to.config.hiddenSize / from.config.hiddenSize
    return { id: `paper:${p.from}>${p.to}`, pair: { from: from.label, to: to.label }, depthRatio, widthRatio, sizes: scaleSizes(source, depthRatio, widthRatio) }
  })
  return [
    ...paper,
    { id: 'depth-x2', pair: null, depthRatio: 2, widthRatio: 1, sizes: scaleSizes(source, 2, 1) },
    { id: 'width-x1.5', pair: null, depthRatio: 1, widthRatio: 1.5, sizes: scaleSizes(source, 1, 1.5) },
  ]
}
