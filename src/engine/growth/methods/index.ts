/**
 * The growth methods' registry (docs/growth/methods.md): the CLI's method choices, flags and help, `ligo compare`,
 * `ligo grow`, the designer's form and the test matrix enumerate this list. A new method: one file here and one
 * line below. Scratch comes first: it is the baseline of every comparison.
 */
import { GrowthError } from '../validate-pair'
import { methodInfo, type GrowthMethod, type GrowthMethodInfo } from '../method'
import { bert2bertAkiMethod } from './bert2bert-aki'
import { bert2bertFpiMethod } from './bert2bert-fpi'
import { gstackMethod } from './gstack'
import { interpolationMethod } from './interpolation'
import { kiMethod } from './ki'
import { lemonMethod } from './lemon'
import { ligoMethod } from './ligo'
import { msgMethod } from './msg'
import { msltMethod } from './mslt'
import { net2netMethod } from './net2net'
import { scratchMethod } from './scratch'
import { stackbertMethod } from './stackbert'

export const GROWTH_METHOD_LIST: readonly GrowthMethod[] = [
  scratchMethod,
  ligoMethod,
  stackbertMethod,
  interpolationMethod,
  msltMethod,
  net2netMethod,
  bert2bertFpiMethod,
  bert2bertAkiMethod,
  kiMethod,
  lemonMethod,
  gstackMethod,
  msgMethod,
]

export const METHOD_NAMES: readonly string[] = GROWTH_METHOD_LIST.map((m) => m.name)

export function getGrowthMethod(name: string): GrowthMethod {
  const method = GROWTH_METHOD_LIST.find((m) => m.name === name)
  if (!method) throw new GrowthError(`Unknown growth method "${name}". Expected one of: ${METHOD_NAMES.join(', ')}`)
  return method
}

/** Every method's data (JSON-serialisable): what the designer form and the CLI's help read. */
export const methodCatalog = (): GrowthMethodInfo[] => GROWTH_METHOD_LIST.map(methodInfo)

export { KI_DEFAULT_DISTILL_FRACTION, kiDistillSteps } from './ki'
export { plainStepFlops } from './one-shot'
