/**
 * Growth method name -> operator: what the method descriptors (methods/index.ts, whose METHOD_NAMES are the CLI's
 * and the designer's choices) wrap. The test matrix enumerates this table, so a new operator is tested as soon as it
 * is registered.
 */
import { bert2bertAki, bert2bertFpi } from './bert2bert'
import { gstack } from './gstack'
import { interpolation } from './interpolation'
import { ki } from './ki'
import { lemon } from './lemon'
import { ligo } from './ligo'
import { msg } from './msg'
import { mslt } from './mslt'
import { net2net } from './net2net'
import { scratch } from './scratch'
import { stackbert } from './stackbert'
import type { GrowthOperator } from './types'
import { GrowthError } from './validate-pair'

export const GROWTH_OPERATORS: Readonly<Record<string, GrowthOperator>> = {
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
  msg,
}

export function getGrowthOperator(name: string): GrowthOperator {
  if (!Object.prototype.hasOwnProperty.call(GROWTH_OPERATORS, name)) throw new GrowthError(`Unknown growth operator "${name}". Expected one of: ${Object.keys(GROWTH_OPERATORS).join(', ')}`)
  return GROWTH_OPERATORS[name]
}
