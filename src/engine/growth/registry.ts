/**
 * Growth method name -> operator. The CLI's --method choices, the UI's picker and the test matrix enumerate this
 * table, so a new operator is tested as soon as it is registered.
 */
import { bert2bertAki, bert2bertFpi } from './bert2bert'
import { gstack } from './gstack'
import { interpolation } from './interpolation'
import { ki } from './ki'
import { lemon } from './lemon'
import { ligo } from './ligo'
import { mslt } from './mslt'
import { net2net } from './net2net'
import { scratch } from './scratch'
import { stackbert } from './stackbert'
import { GROWTH_METHODS, type GrowthMethodName, type GrowthOperator } from './types'
import { GrowthError } from './validate-pair'

export const GROWTH_OPERATORS: { readonly [N in GrowthMethodName]: GrowthOperator } = {
  ligo,
  scratch,
  stackbert,
  interpolation,
  mslt,
  net2net,
  'bert2bert-fpi': bert2bertFpi,
  'bert2bert-aki': bert2bertAki,
  ki,
  lemon,
  gstack,
}

export function getGrowthOperator(name: string): GrowthOperator {
  if (!(GROWTH_METHODS as readonly string[]).includes(name)) throw new GrowthError(`Unknown growth operator "${name}". Expected one of: ${GROWTH_METHODS.join(', ')}`)
  return GROWTH_OPERATORS[name as GrowthMethodName]
}
