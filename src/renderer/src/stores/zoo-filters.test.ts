import { describe, expect, it } from 'vitest'
import { DEFAULT_FILTERS, SIZE_BUCKETS, isFiltered, queryFor } from './zoo-filters'

describe('queryFor', () => {
  it('asks for everything by name when nothing is chosen', () => {
    expect(queryFor({ ...DEFAULT_FILTERS })).toEqual({ sort: 'name', order: 'asc' })
    expect(isFiltered({ ...DEFAULT_FILTERS })).toBe(false)
  })

  it('turns choices into the host query: trimmed search, one family, one source, a parameter range, a sort', () => {
    const query = queryFor({ search: '  bert ', family: 'bert', source: 'imported', size: 'base', sort: 'newest' })
    expect(query).toEqual({ search: 'bert', families: ['bert'], sources: ['imported'], minParameters: 1e7, maxParameters: 1e8, sort: 'date', order: 'desc' })
    expect(isFiltered({ ...DEFAULT_FILTERS, search: '   ' })).toBe(false)
    expect(isFiltered({ ...DEFAULT_FILTERS, size: 'huge' })).toBe(true)
  })

  it('has size buckets that tile the parameter axis without gaps or overlaps', () => {
    const ranges = Object.entries(SIZE_BUCKETS)
      .filter(([name]) => name !== 'any')
      .map(([, range]) => [('minParameters' in range ? range.minParameters : 0) as number, ('maxParameters' in range ? range.maxParameters : Infinity) as number])
    expect(ranges[0][0]).toBe(0)
    expect(ranges.at(-1)![1]).toBe(Infinity)
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1])
  })
})
