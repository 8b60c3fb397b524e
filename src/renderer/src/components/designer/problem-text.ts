/**
 * A designer problem (shared/growth-design/rules.ts) in the UI's language: each code has a message under
 * designer.problem.* with the same values describeProblem uses in English.
 */
import type { DesignProblem, DesignProblemCode } from '../../../../shared/growth-design'

type Translate = (key: string, named?: Record<string, unknown>) => string

const DEPTH_CONTROLS = new Set(['numLayers', 'numClassLayers'])

/** Problem code -> message key (message keys are camelCase). */
const MESSAGE_KEYS: Record<Exclude<DesignProblemCode, 'shrinks'>, string> = {
  'not-positive-integer': 'notPositiveInteger',
  'hidden-not-multiple-of-head': 'hiddenNotMultipleOfHead',
  'heads-change-head-size': 'headsChangeHeadSize',
  'family-differs': 'familyDiffers',
  'kept-field-differs': 'keptFieldDiffers',
}

export function problemText(t: Translate, problem: DesignProblem): string {
  const field = t(`designer.control.${problem.control}`)
  const key = problem.code === 'shrinks' ? (DEPTH_CONTROLS.has(problem.control) ? 'shrinksDepth' : 'shrinksWidth') : MESSAGE_KEYS[problem.code]
  return t(`designer.problem.${key}`, { ...problem.values, field })
}
