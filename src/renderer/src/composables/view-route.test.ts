import { describe, expect, it } from 'vitest'
import type { ViewEntry } from '../views'
import { parseViewHash, viewHref } from './view-route'

const views = [{ id: 'zoo' }, { id: 'settings' }] as unknown as ViewEntry[]

describe('view addresses', () => {
  it('reads the view and its query from the hash', () => {
    expect(parseViewHash('#/zoo', views)).toEqual({ id: 'zoo', query: {} })
    expect(parseViewHash('#/zoo?model=bert-base&tab=tensors', views)).toEqual({ id: 'zoo', query: { model: 'bert-base', tab: 'tensors' } })
  })
  it('leaves in-page anchors and unknown views alone', () => {
    expect(parseViewHash('#main', views)).toBeNull()
    expect(parseViewHash('#/nowhere', views)).toBeNull()
    expect(parseViewHash('', views)).toBeNull()
  })
  it('writes addresses that read back the same, escaping what needs it', () => {
    const href = viewHref('zoo', { model: 'imported/my model+1', empty: '', gone: undefined })
    expect(href).toBe('#/zoo?model=imported%2Fmy+model%2B1')
    expect(parseViewHash(href, views)).toEqual({ id: 'zoo', query: { model: 'imported/my model+1' } })
    expect(viewHref('settings')).toBe('#/settings')
  })
})
