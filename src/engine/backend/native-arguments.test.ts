/**
 * The addon's argument checks (native/ligo_kernels.c) against sizes and strides chosen to overflow int64: a stride
 * or size whose product wraps around to a small number used to pass the length check, after which the kernel would
 * read or write far outside the typed arrays (issue 16). Each must be refused with a RangeError naming the argument.
 */
import { describe, expect, it } from 'vitest'
import { loadNativeAddon, type NativeAddon } from './native-kernels'

const loaded = loadNativeAddon()
const addon: NativeAddon | null = loaded.ok ? loaded.addon : null

describe.skipIf(!addon)('native kernel arguments that overflow', () => {
  const a = new Float32Array(1)
  const b = new Float32Array(1)

  it.each([
    ['2^62 over a batch of 5 (4 x 2^62 wraps to 0)', 5, 2 ** 62],
    ['2^40 over a batch of 2^24 + 1 (2^24 x 2^40 wraps to 0)', 2 ** 24 + 1, 2 ** 40],
    ['1e19 (beyond int64)', 5, 1e19],
    ['a fraction', 5, 0.5],
    ['NaN', 5, Number.NaN],
    ['Infinity', 5, Number.POSITIVE_INFINITY],
    ['negative', 5, -1],
  ])('sgemm refuses strideA %s', (_, batch, stride) => {
    const c = new Float32Array(batch) // m = n = 1: c itself is large enough
    expect(() => addon!.sgemm(false, false, batch, 1, 1, 1, a, stride, b, 0, c)).toThrow(/sgemm: argument 7/)
    expect(() => addon!.sgemm(false, false, batch, 1, 1, 1, b, 0, a, stride, c)).toThrow(/sgemm: argument 9/)
  })

  it('sgemm refuses batch x m x n that wraps to 0 elements of output', () => {
    const big = new Float32Array(2 ** 21)
    // 2^22 x 2^21 x 2^21 = 2^64: the output would need 0 elements after wrapping.
    expect(() => addon!.sgemm(false, false, 2 ** 22, 2 ** 21, 2 ** 21, 1, big, 0, big, 0, new Float32Array(0))).toThrow(RangeError)
  })

  it('still accepts ordinary strided batches (a regression guard for the checks)', () => {
    // Two 1x2 by 2x1 products: a = [[1, 2], [3, 4]] with strideA 2, b broadcast (stride 0).
    const out = new Float32Array(2)
    addon!.sgemm(false, false, 2, 1, 1, 2, Float32Array.of(1, 2, 3, 4), 2, Float32Array.of(10, 1), 0, out)
    expect([...out]).toEqual([12, 34])
  })
})
