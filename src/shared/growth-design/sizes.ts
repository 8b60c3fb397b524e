/**
 * The sizes a growth designer edits, on any model config (the engine's ModelConfig fits this shape structurally,
 * src/shared imports nothing from the engine). LiGO and its baselines grow depth (layers) and width (hidden size,
 * heads at a fixed head size, FFN); everything that fixes the model's inputs and outputs stays (docs/growth/ligo.md §1).
 */

/** The controls of the designer, in display order. `numClassLayers` exists for CaiT only. */
export const DESIGN_CONTROLS = ['numLayers', 'hiddenSize', 'numHeads', 'intermediateSize', 'numClassLayers'] as const
export type DesignControl = (typeof DESIGN_CONTROLS)[number]

/** Config fields growth cannot change: the vocabulary, the positions, the image geometry, the classes, the Q/K/V biases. */
export const KEPT_FIELDS = ['vocabSize', 'maxPositions', 'typeVocabSize', 'padTokenId', 'imageSize', 'patchSize', 'numChannels', 'numClasses', 'qkvBias'] as const
export type KeptField = (typeof KEPT_FIELDS)[number]

/** A model config as the designer sees it: family, the growable sizes, and whichever kept fields the family has. */
export interface DesignConfig {
  family: string
  numLayers: number
  hiddenSize: number
  numHeads: number
  intermediateSize: number
  /** CaiT's class-attention blocks. */
  numClassLayers?: number
  vocabSize?: number
  maxPositions?: number
  typeVocabSize?: number
  padTokenId?: number
  imageSize?: number
  patchSize?: number
  numChannels?: number
  numClasses?: number
  /** ViT/DeiT/CaiT: whether Q, K and V have biases. */
  qkvBias?: boolean
}

/** What the user sets for the target: the growable sizes only (the rest is the source's). */
export interface TargetSizes {
  numLayers: number
  hiddenSize: number
  numHeads: number
  intermediateSize: number
  numClassLayers?: number
}

/** The controls a family shows. */
export function controlsOf(config: Pick<DesignConfig, 'family'>): DesignControl[] {
  return DESIGN_CONTROLS.filter((c) => c !== 'numClassLayers' || config.family === 'cait')
}

/** The sizes of a config. */
export function sizesOf(config: DesignConfig): TargetSizes {
  const { numLayers, hiddenSize, numHeads, intermediateSize } = config
  return config.family === 'cait' ? { numLayers, hiddenSize, numHeads, intermediateSize, numClassLayers: config.numClassLayers } : { numLayers, hiddenSize, numHeads, intermediateSize }
}

/** The target config: the source with the target's sizes (kept fields, eps, dropouts stay the source's). */
export function applySizes<C extends DesignConfig>(source: C, sizes: TargetSizes): C {
  const next = { ...source, numLayers: sizes.numLayers, hiddenSize: sizes.hiddenSize, numHeads: sizes.numHeads, intermediateSize: sizes.intermediateSize }
  if (source.family === 'cait' && sizes.numClassLayers !== undefined) next.numClassLayers = sizes.numClassLayers
  return next
}

/** Head width d = H / A (LiGO keeps it: new heads are added, never widened). */
export const headSize = (c: Pick<DesignConfig, 'hiddenSize' | 'numHeads'>): number => c.hiddenSize / c.numHeads
