/**
 * The zoo's filter choices as data: size buckets (parameter ranges) and sort orders, and how a set of choices
 * becomes the API's ModelQuery. The host filters and sorts (listModels); the renderer only asks.
 */
import type { ModelQuery, ModelSourceKind } from '../../../shared/models'

export const SIZE_BUCKETS = {
  any: {},
  tiny: { maxParameters: 1e6 },
  small: { minParameters: 1e6, maxParameters: 1e7 },
  base: { minParameters: 1e7, maxParameters: 1e8 },
  large: { minParameters: 1e8, maxParameters: 1e9 },
  huge: { minParameters: 1e9 },
} as const satisfies Record<string, Pick<ModelQuery, 'minParameters' | 'maxParameters'>>
export type SizeBucket = keyof typeof SIZE_BUCKETS

export const SORT_ORDERS = {
  name: { sort: 'name', order: 'asc' },
  smallest: { sort: 'parameters', order: 'asc' },
  largest: { sort: 'parameters', order: 'desc' },
  newest: { sort: 'date', order: 'desc' },
  oldest: { sort: 'date', order: 'asc' },
} as const satisfies Record<string, Pick<ModelQuery, 'sort' | 'order'>>
export type SortOrder = keyof typeof SORT_ORDERS

export interface ZooFilters {
  search: string
  /** '' = every family. */
  family: string
  /** '' = every source. */
  source: ModelSourceKind | ''
  size: SizeBucket
  sort: SortOrder
}

export const DEFAULT_FILTERS: Readonly<ZooFilters> = Object.freeze({ search: '', family: '', source: '', size: 'any', sort: 'name' })

export function queryFor(filters: ZooFilters): ModelQuery {
  const query: ModelQuery = { ...SIZE_BUCKETS[filters.size], ...SORT_ORDERS[filters.sort] }
  const search = filters.search.trim()
  if (search) query.search = search
  if (filters.family) query.families = [filters.family]
  if (filters.source) query.sources = [filters.source]
  return query
}

export function isFiltered(filters: ZooFilters): boolean {
  return filters.search.trim() !== '' || filters.family !== '' || filters.source !== '' || filters.size !== 'any'
}
