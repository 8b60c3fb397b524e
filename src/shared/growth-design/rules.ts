/**
 * The designer's validation rules, one verdict per control with its reason, so the UI can show the reason next to
 * the control it concerns. The same pairs the engine refuses (engine/growth/validate-pair.ts) are refused here,
 * with the rule named: same family; head size kept, so the hidden size is a multiple of it; width and depth only
 * grow; vocabulary, positions and patch size kept (docs/growth/ligo.md §1).
 *
 * Problems carry a code and values, not sentences: the renderer words them in the user's language
 * (designer i18n files), `describeProblem` words them in English for the CLI and tests.
 */
import { controlsOf, headSize, KEPT_FIELDS, type DesignConfig, type DesignControl, type KeptField, type TargetSizes } from './sizes'

export type DesignProblemCode =
  /** Not a positive whole number. */
  | 'not-positive-integer'
  /** Smaller than the source: growth only deepens / widens. */
  | 'shrinks'
  /** hiddenSize is not a multiple of the source's head size. */
  | 'hidden-not-multiple-of-head'
  /** numHeads does not keep the head size: it must be hiddenSize / headSize. */
  | 'heads-change-head-size'
  /** The target is another family. */
  | 'family-differs'
  /** A field that fixes the inputs/outputs differs (only from a loaded config file). */
  | 'kept-field-differs'

export interface DesignProblem {
  /** The control the reason belongs next to; 'family' and kept fields for a loaded config. */
  control: DesignControl | 'family' | KeptField
  code: DesignProblemCode
  /** The values the message needs: source and target value, the head size, the heads that would keep it. */
  values: Record<string, number | string>
}

/** Every problem with growing `source` into `source + sizes`; empty when the design is valid. */
export function checkTargetSizes(source: DesignConfig, sizes: TargetSizes): DesignProblem[] {
  const problems: DesignProblem[] = []
  const controls = controlsOf(source)
  const bad = new Set<DesignControl>()
  for (const control of controls) {
    const value = sizes[control]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      problems.push({ control, code: 'not-positive-integer', values: { target: String(value) } })
      bad.add(control)
      continue
    }
    const was = source[control] as number
    if (value < was) {
      problems.push({ control, code: 'shrinks', values: { source: was, target: value } })
      bad.add(control)
    }
  }
  const d = headSize(source)
  if (!bad.has('hiddenSize') && sizes.hiddenSize % d !== 0) {
    problems.push({ control: 'hiddenSize', code: 'hidden-not-multiple-of-head', values: { target: sizes.hiddenSize, headSize: d, below: Math.floor(sizes.hiddenSize / d) * d, above: Math.ceil(sizes.hiddenSize / d) * d } })
    bad.add('hiddenSize')
  }
  if (!bad.has('hiddenSize') && !bad.has('numHeads') && sizes.hiddenSize / sizes.numHeads !== d) {
    problems.push({ control: 'numHeads', code: 'heads-change-head-size', values: { target: sizes.numHeads, headSize: d, heads: sizes.hiddenSize / d, hiddenSize: sizes.hiddenSize } })
  }
  return problems
}

const keptValue = (value: number | boolean | undefined): number | string => (typeof value === 'number' ? value : String(value))

/** Problems of a whole target config (a loaded config.json or preset): family and kept fields, then the sizes. */
export function checkTargetConfig(source: DesignConfig, target: DesignConfig): DesignProblem[] {
  if (source.family !== target.family) return [{ control: 'family', code: 'family-differs', values: { source: source.family, target: target.family } }]
  const problems: DesignProblem[] = []
  for (const field of KEPT_FIELDS) {
    if (source[field] !== undefined && target[field] !== undefined && source[field] !== target[field])
      problems.push({ control: field, code: 'kept-field-differs', values: { source: keptValue(source[field]), target: keptValue(target[field]) } })
  }
  return [...problems, ...checkTargetSizes(source, { numLayers: target.numLayers, hiddenSize: target.hiddenSize, numHeads: target.numHeads, intermediateSize: target.intermediateSize, numClassLayers: target.numClassLayers })]
}

const CONTROL_WORDS: Record<DesignControl, string> = {
  numLayers: 'layers',
  hiddenSize: 'hidden size',
  numHeads: 'heads',
  intermediateSize: 'FFN width',
  numClassLayers: 'class-attention layers',
}

/** The problem in English (CLI, logs, tests); the renderer has the same sentences in every language it speaks. */
export function describeProblem(problem: DesignProblem): string {
  const v = problem.values
  const what = (CONTROL_WORDS as Record<string, string>)[problem.control] ?? problem.control
  switch (problem.code) {
    case 'not-positive-integer':
      return `${what} must be a positive whole number, got ${v.target}`
    case 'shrinks':
      return `${what} ${v.target} is below the source's ${v.source}: growth only ${problem.control === 'numLayers' || problem.control === 'numClassLayers' ? 'deepens' : 'widens'}`
    case 'hidden-not-multiple-of-head':
      return `hidden size ${v.target} is not a multiple of the head size ${v.headSize}: growth keeps the head size and adds heads (try ${v.below} or ${v.above})`
    case 'heads-change-head-size':
      return `${v.target} heads would change the head size ${v.headSize}: hidden size ${v.hiddenSize} needs ${v.heads} heads`
    case 'family-differs':
      return `the target is a ${v.target} model and the source a ${v.source} model: growth keeps the family`
    case 'kept-field-differs':
      return `${what} ${v.target} differs from the source's ${v.source}: growth keeps it`
  }
}
