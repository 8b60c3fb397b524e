import { describe, expect, it } from 'vitest'
import { hash32, permutation, Rng } from './rng'

describe('rng', () => {
  it('mulberry32 matches its reference output for seed 1', () => {
    // Reference: the published mulberry32 (Tommy Ettinger) in plain JS, first three outputs for seed 1.
    function reference(a: number) {
      return () => {
        let t = (a += 0x6d2b79f5)
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
      }
    }
    const ref = reference(1)
    const rng = new Rng(1)
    for (let i = 0; i < 3; i++) expect(rng.next()).toBe(ref())
  })

  it('is reproducible, uniform enough and unbiased in nextInt', () => {
    const a = new Rng(42)
    const b = new Rng(42)
    const counts = new Array(7).fill(0)
    const xs = Array.from({ length: 70_000 }, () => a.nextInt(7))
    expect(Array.from({ length: 70_000 }, () => b.nextInt(7))).toEqual(xs)
    for (const x of xs) counts[x]++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400)
  })

  it('permutation is a permutation and depends on the seed', () => {
    const p = permutation(100, 3)
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()])
    expect([...permutation(100, 3)]).toEqual([...p])
    expect([...permutation(100, 4)]).not.toEqual([...p])
  })

  it('hash32 separates keys and orders', () => {
    expect(hash32(1, 2)).not.toBe(hash32(2, 1))
    expect(hash32(0, 0)).toBe(hash32(0, 0))
  })
})
