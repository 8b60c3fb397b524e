import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createToken, parseCookies, tokenFromRequest, tokensEqual } from './token'

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage

describe('serve token', () => {
  it('is 32 random bytes in hex, different each time', () => {
    const a = createToken()
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(createToken()).not.toBe(a)
  })

  it('compares equal tokens only, whatever the lengths', () => {
    const t = createToken()
    expect(tokensEqual(t, t)).toBe(true)
    expect(tokensEqual(t.slice(0, 63) + (t[63] === 'a' ? 'b' : 'a'), t)).toBe(false)
    expect(tokensEqual('', t)).toBe(false)
    expect(tokensEqual(t + '0', t)).toBe(false)
  })

  it('parses cookies, keeping the first of a repeated name', () => {
    expect(parseCookies('a=1; b = two ;a=3; junk; =x')).toEqual(new Map([['a', '1'], ['b', 'two']]))
    expect(parseCookies(undefined).size).toBe(0)
  })

  it('takes the token from the query, then the Authorization header, then the port-specific cookie', () => {
    const url = (q: string) => new URL(`http://h/${q}`)
    const all = request({ authorization: 'token fromheader', cookie: 'ligo-token-80=fromcookie' })
    expect(tokenFromRequest(all, url('?token=fromquery'), 80)).toEqual({ token: 'fromquery', source: 'query' })
    expect(tokenFromRequest(all, url(''), 80)).toEqual({ token: 'fromheader', source: 'header' })
    expect(tokenFromRequest(request({ cookie: 'ligo-token-80=fromcookie' }), url(''), 80)).toEqual({ token: 'fromcookie', source: 'cookie' })
    // another server's cookie (other port) and other auth schemes do not count
    expect(tokenFromRequest(request({ cookie: 'ligo-token-81=x', authorization: 'Bearer y' }), url(''), 80)).toBeNull()
  })
})
