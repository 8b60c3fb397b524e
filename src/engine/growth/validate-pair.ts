/**
 * Which (small, large) config pairs can be grown at all (issue 7: "unsupported pairs are refused with a clear
 * message"). Growth keeps the family, the input/output spaces (vocabulary, positions, image geometry, classes)
 * and the head size; it may add layers, hidden units, heads (at the same head size) and FFN units. The rules are
 * the designer's (shared/growth-design/rules.ts); this module words them as engine errors.
 * Operator-specific limits (equal width for StackBERT, …) sit with the operators and use `sameWidth` here.
 */
import { StudioError } from '../../shared'
import { checkTargetConfig, describeProblem, type DesignConfig } from '../../shared/growth-design'
import type { ModelConfig } from '../models'
import type { SupportResult } from './types'

/** A pair an operator cannot grow, or parameters that do not fit the small config. */
export class GrowthError extends StudioError {
  constructor(message: string) {
    super('invalid_request', message)
    this.name = 'GrowthError'
    Object.setPrototypeOf(this, GrowthError.prototype)
  }
}

const refuse = (reason: string): SupportResult => ({ ok: false, reason })
const OK: SupportResult = { ok: true }

/**
 * The checks every operator shares: the designer's rules (shared/growth-design/rules.ts: same family, kept inputs
 * and outputs, head size kept, width and depth only grow), every problem worded as the designer's English.
 */
export function checkGrowthPair(small: ModelConfig, large: ModelConfig): SupportResult {
  const problems = checkTargetConfig(small as unknown as DesignConfig, large as unknown as DesignConfig)
  return problems.length === 0 ? OK : refuse(problems.map(describeProblem).join('; '))
}

/** True when hidden size, heads and FFN width are all unchanged (depth-only growth). */
export function sameWidth(small: ModelConfig, large: ModelConfig): boolean {
  return small.hiddenSize === large.hiddenSize && small.numHeads === large.numHeads && small.intermediateSize === large.intermediateSize
}

/** Throw GrowthError("Cannot grow with <operator>: <reason>") when the check fails. */
export function assertSupported(result: SupportResult, operator: string): void {
  if (!result.ok) throw new GrowthError(`Cannot grow with ${operator}: ${result.reason}`)
}
