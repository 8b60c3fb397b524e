/**
 * Which (small, large) config pairs can be grown at all (issue 7: "unsupported pairs are refused with a clear
 * message"). Growth keeps the family, the input/output spaces (vocabulary, positions, image geometry, classes)
 * and the head size; it may add layers, hidden units, heads (at the same head size) and FFN units.
 * Operator-specific limits (equal width for StackBERT, …) sit with the operators and use `sameWidth` here.
 */
import { StudioError } from '../../shared'
import { headDim, type ModelConfig } from '../models'
import type { SupportResult } from './types'

/** A pair an operator cannot grow, or parameters that do not fit the small config. */
export class GrowthError extends StudioError {
  constructor(message: string) {
    super('invalid_request', message)
    this.name = 'GrowthError'
    Object.setPrototypeOf(this, GrowthError.prototype)
  }
}

/** Fields that fix the model's inputs and outputs: growth cannot change them. */
const FIXED_FIELDS = ['vocabSize', 'maxPositions', 'typeVocabSize', 'padTokenId', 'imageSize', 'patchSize', 'numChannels', 'numClasses', 'qkvBias'] as const

const refuse = (reason: string): SupportResult => ({ ok: false, reason })
const OK: SupportResult = { ok: true }

/** The checks every operator shares. */
export function checkGrowthPair(small: ModelConfig, large: ModelConfig): SupportResult {
  if (small.family !== large.family)
    return refuse(`cannot grow a ${small.family} model into a ${large.family} model: growth keeps the family (source "${small.family}", target "${large.family}")`)
  if (large.hiddenSize < small.hiddenSize)
    return refuse(`target hiddenSize ${large.hiddenSize} is narrower than the source's ${small.hiddenSize}: growth only widens`)
  if (large.intermediateSize < small.intermediateSize)
    return refuse(`target intermediateSize ${large.intermediateSize} is narrower than the source's ${small.intermediateSize}: growth only widens`)
  const d1 = headDim(small)
  const d2 = headDim(large)
  if (d1 !== d2) {
    const heads = large.hiddenSize / d1
    const advice = Number.isInteger(heads) ? `; with hiddenSize ${large.hiddenSize} the target needs numHeads ${heads}` : ''
    return refuse(
      `head size changes from ${d1} (${small.hiddenSize}/${small.numHeads}) to ${d2} (${large.hiddenSize}/${large.numHeads}): growth keeps the head size and adds heads${advice}`,
    )
  }
  if (large.numLayers < small.numLayers) return refuse(`target has numLayers ${large.numLayers}, fewer than the source's ${small.numLayers}: growth only deepens`)
  if (small.family === 'cait' && large.family === 'cait' && large.numClassLayers < small.numClassLayers)
    return refuse(`target has numClassLayers ${large.numClassLayers}, fewer than the source's ${small.numClassLayers}: growth only deepens`)
  const s = small as unknown as Record<string, unknown>
  const l = large as unknown as Record<string, unknown>
  for (const field of FIXED_FIELDS) {
    if (field in s && s[field] !== l[field])
      return refuse(`target ${field} ${JSON.stringify(l[field])} differs from the source's ${JSON.stringify(s[field])}: growth cannot change ${field}`)
  }
  return OK
}

/** True when hidden size, heads and FFN width are all unchanged (depth-only growth). */
export function sameWidth(small: ModelConfig, large: ModelConfig): boolean {
  return small.hiddenSize === large.hiddenSize && small.numHeads === large.numHeads && small.intermediateSize === large.intermediateSize
}

/** checkGrowthPair plus "the width does not change", for the depth-only operators. */
export function checkDepthOnlyPair(small: ModelConfig, large: ModelConfig, operator: string): SupportResult {
  const common = checkGrowthPair(small, large)
  if (!common.ok) return common
  if (!sameWidth(small, large))
    return refuse(
      `${operator} grows depth only and needs equal width: source hiddenSize/numHeads/intermediateSize ${small.hiddenSize}/${small.numHeads}/${small.intermediateSize}, target ${large.hiddenSize}/${large.numHeads}/${large.intermediateSize}`,
    )
  return OK
}

/** Throw GrowthError("Cannot grow with <operator>: <reason>") when the check fails. */
export function assertSupported(result: SupportResult, operator: string): void {
  if (!result.ok) throw new GrowthError(`Cannot grow with ${operator}: ${result.reason}`)
}
