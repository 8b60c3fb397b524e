import { describe, expect, it } from 'vitest'
import { parseClientFrame } from './ws-bridge'

describe('parseClientFrame', () => {
  it('accepts a well-formed request', () => {
    expect(parseClientFrame('{"kind":"request","id":3,"method":"getAppInfo","params":{}}')).toEqual({ ok: true, id: 3, method: 'getAppInfo', params: {} })
  })

  it('has no id to answer for non-JSON, non-objects and bad ids (the socket is closed with 1003)', () => {
    for (const text of ['{oops', '[1,2]', '"x"', '{"kind":"request","id":-1,"method":"m"}', '{"kind":"request","id":1.5,"method":"m"}', '{"id":"7"}']) {
      expect(parseClientFrame(text), text).toMatchObject({ ok: false, id: null })
    }
  })

  it('names the bad field when the id is readable', () => {
    expect(parseClientFrame('{"kind":"request","id":9,"method":42}')).toEqual({ ok: false, id: 9, message: 'Invalid request: frame.method must be a string' })
    expect(parseClientFrame('{"kind":"request","id":9,"method":"m","params":{},"token":"x"}')).toEqual({
      ok: false,
      id: 9,
      message: 'Invalid request: frame has unknown field "token" (expected id, kind, method, params)',
    })
  })
})
