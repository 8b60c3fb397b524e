import { describe, expect, it, vi } from 'vitest'
import { takeTokenFromAddress, webSocketUrl } from './serve-address'

describe('takeTokenFromAddress', () => {
  it('returns the token and removes only it from the address bar', () => {
    const history = { replaceState: vi.fn() }
    const token = takeTokenFromAddress({ href: 'http://127.0.0.1:5173/?token=s3cr3t&x=1#/hardware' }, history)
    expect(token).toBe('s3cr3t')
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/?x=1#/hardware')
  })

  it('leaves the address alone when there is no token (the cookie authenticates)', () => {
    const history = { replaceState: vi.fn() }
    expect(takeTokenFromAddress({ href: 'http://127.0.0.1:5173/' }, history)).toBeNull()
    expect(history.replaceState).not.toHaveBeenCalled()
  })
})

describe('webSocketUrl', () => {
  it('points at /api/ws on the page host, with the token when there is one', () => {
    expect(webSocketUrl({ href: 'http://127.0.0.1:5173/?x=1#/hardware' }, 'a b')).toBe('ws://127.0.0.1:5173/api/ws?token=a+b')
    expect(webSocketUrl({ href: 'http://localhost:80/' }, null)).toBe('ws://localhost/api/ws')
    expect(webSocketUrl({ href: 'https://studio.example:8443/app/' }, null)).toBe('wss://studio.example:8443/api/ws')
  })
})
