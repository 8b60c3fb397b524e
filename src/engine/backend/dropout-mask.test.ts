/**
 * The hashed dropout mask against independent truths: MurmurHash3_x86_32's published test vectors (SMHasher's
 * verification inputs of 4 bytes), the binomial spread of the dropped fraction, and no correlation between the masks
 * of neighbouring sites or seeds. The native kernel is compared with it bit for bit in native-kernels.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { dropoutFactors, dropoutHash, dropoutKey, dropoutSite } from './dropout-mask'

describe('dropout mask', () => {
  it('is MurmurHash3_x86_32 of the 4-byte index seeded with the key (published test vectors)', () => {
    expect(dropoutHash(0, 0x00000000)).toBe(0x2362f9de)
    expect(dropoutHash(0, 0x87654321)).toBe(0xf55b516b) // bytes 21 43 65 87
    expect(dropoutHash(0x5082edee, 0x87654321)).toBe(0x2362f9de)
    expect(dropoutHash(0x9747b28c, 0x61616161)).toBe(0x5a97808a) // "aaaa"
  })

  it.each([0.1, 0.5, 0.9])('drops a fraction within 5 binomial standard deviations of rate %s', (rate) => {
    const n = 1 << 20
    const factors = dropoutFactors(dropoutSite(rate, dropoutKey(7, 1))!, n)
    const dropped = factors.reduce((count, f) => count + (f === 0 ? 1 : 0), 0)
    expect(Math.abs(dropped - rate * n)).toBeLessThan(5 * Math.sqrt(n * rate * (1 - rate)))
    expect(new Set(factors)).toEqual(new Set([0, Math.fround(1 / (1 - rate))]))
  })

  it('gives uncorrelated masks to neighbouring sites, seeds and elements', () => {
    const n = 1 << 18
    const mask = (seed: number, site: number) => dropoutFactors(dropoutSite(0.5, dropoutKey(seed, site))!, n)
    // For independent fair masks the correlation is ~N(0, 1/n): |r| < 5/√n.
    const correlation = (a: Float32Array, b: Float32Array, shift = 0) => {
      let [sa, sb, sab, saa, sbb] = [0, 0, 0, 0, 0]
      const m = n - shift
      for (let i = 0; i < m; i++) {
        const [x, y] = [a[i], b[i + shift]]
        sa += x, sb += y, sab += x * y, saa += x * x, sbb += y * y
      }
      return (sab / m - (sa / m) * (sb / m)) / Math.sqrt((saa / m - (sa / m) ** 2) * (sbb / m - (sb / m) ** 2))
    }
    const bound = 5 / Math.sqrt(n)
    const base = mask(3, 1)
    expect(Math.abs(correlation(base, mask(3, 2)))).toBeLessThan(bound) // next site of the same pass
    expect(Math.abs(correlation(base, mask(4, 1)))).toBeLessThan(bound) // same site of the next step's seed
    expect(Math.abs(correlation(base, base, 1))).toBeLessThan(bound) // neighbouring elements
    expect(Math.abs(correlation(base, base, 64))).toBeLessThan(bound) // a row of 64 keys apart
    expect(Array.from(mask(3, 1))).toEqual(Array.from(base)) // and it is reproducible
  })

  it('takes seeds beyond 32 bits and negative ones, and refuses rates outside [0, 1) and bad keys', () => {
    const keys = [0, 1, -1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER].map((seed) => dropoutKey(seed, 1))
    expect(new Set(keys).size).toBe(keys.length)
    for (const key of keys) expect(Number.isInteger(key) && key >= 0 && key < 2 ** 32).toBe(true)
    expect(dropoutSite(0, 5)).toBeUndefined()
    expect(dropoutSite(2 ** -40, 5)).toBeUndefined() // floor(rate·2^32) = 0: nothing would be dropped
    expect(() => dropoutSite(1, 5)).toThrow('dropout rate must be in [0, 1), got 1')
    expect(() => dropoutSite(-0.1, 5)).toThrow('dropout rate must be in [0, 1)')
    expect(() => dropoutSite(0.1, 2 ** 32)).toThrow('dropout key must be an integer in [0, 2^32)')
  })
})
