/**
 * Half-float conversions against bit patterns computed by hand from IEEE 754 binary16 (1 sign, 5 exponent bits with
 * bias 15, 10 mantissa bits) and bfloat16 (the top 16 bits of a float32), including round-to-nearest-even ties.
 */
import { describe, expect, it } from 'vitest'
import { bf16BitsToNumber, elementCount, f16BitsToNumber, fromFloat32, numberToBf16Bits, numberToF16Bits, toFloat32, viewLittleEndian } from './dtypes'

const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`

describe('float16', () => {
  it.each([
    [1, 0x3c00],
    [-2.5, 0xc100], // -1.25 * 2^1: sign 1, exponent 16, mantissa 0x100
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [65520, 0x7c00], // halfway to the next binade rounds up to infinity
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half the smallest subnormal: tie to even (0)
    [3 * 2 ** -26, 0x0001], // above the tie: rounds up
    [1e-8, 0x0000],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even
    [-0, 0x8000],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [NaN, 0x7e00],
  ])('%s -> %s', (value, bits) => {
    expect(hex(numberToF16Bits(value))).toBe(hex(bits))
  })

  it.each([
    [0x3c00, 1],
    [0xc100, -2.5],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x3555, 0.333251953125],
    [0xfc00, -Infinity],
  ])('%s -> %s', (bits, value) => {
    expect(f16BitsToNumber(bits)).toBe(value)
  })

  it('decodes NaN and round-trips every finite half exactly', () => {
    expect(f16BitsToNumber(0x7e00)).toBeNaN()
    const mismatches: string[] = []
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue
      if (numberToF16Bits(f16BitsToNumber(bits)) !== bits) mismatches.push(hex(bits))
    }
    expect(mismatches).toEqual([])
  })
})

describe('bfloat16', () => {
  it.each([
    [1, 0x3f80],
    [-2.5, 0xc020],
    [0.1, 0x3dcd], // float32 0x3dcccccd rounds up
    [1 / 3, 0x3eab], // float32 0x3eaaaaab
    [65504, 0x4780], // float32 0x477fe000: low half 0xe000 > 0x8000 rounds up
    [1 + 2 ** -8, 0x3f80], // float32 0x3f808000: tie, even stays
    [1 + 3 * 2 ** -8, 0x3f82], // float32 0x3f818000: tie, odd rounds up
    [-Infinity, 0xff80],
    [NaN, 0x7fc0],
  ])('%s -> %s', (value, bits) => {
    expect(hex(numberToBf16Bits(value))).toBe(hex(bits))
  })

  it('decodes by placing the bits in the top half of a float32', () => {
    expect(bf16BitsToNumber(0x3f80)).toBe(1)
    expect(bf16BitsToNumber(0xc020)).toBe(-2.5)
    expect(bf16BitsToNumber(0x3eab)).toBe(0.333984375)
  })
})

describe('conversions', () => {
  it('toFloat32 handles every dtype', () => {
    expect([...toFloat32('F16', Uint16Array.of(0x3c00, 0xc100))]).toEqual([1, -2.5])
    expect([...toFloat32('BF16', Uint16Array.of(0x3f80, 0xc020))]).toEqual([1, -2.5])
    expect([...toFloat32('F64', Float64Array.of(0.5, -3))]).toEqual([0.5, -3])
    expect([...toFloat32('I64', BigInt64Array.of(-3n, 1n << 40n))]).toEqual([-3, 2 ** 40])
    expect([...toFloat32('I32', Int32Array.of(-7))]).toEqual([-7])
    expect([...toFloat32('I16', Int16Array.of(-300))]).toEqual([-300])
    expect([...toFloat32('I8', Int8Array.of(-128))]).toEqual([-128])
    expect([...toFloat32('U8', Uint8Array.of(255))]).toEqual([255])
    expect([...toFloat32('BOOL', Uint8Array.of(1, 0))]).toEqual([1, 0])
  })

  it('fromFloat32 encodes F16/BF16 with the bit patterns above', () => {
    expect([...fromFloat32('F16', Float32Array.of(1, -2.5))]).toEqual([0x3c00, 0xc100])
    expect([...fromFloat32('BF16', Float32Array.of(1, -2.5))]).toEqual([0x3f80, 0xc020])
  })

  it('views little-endian bytes, copying when misaligned, and normalises BOOL to 0/1', () => {
    const bytes = Uint8Array.of(0xff, 0x00, 0x00, 0x80, 0x3f) // a float32 1.0 at odd offset 1
    expect([...(viewLittleEndian('F32', bytes.subarray(1)) as Float32Array)]).toEqual([1])
    expect([...viewLittleEndian('BOOL', Uint8Array.of(0, 2, 1))]).toEqual([0, 1, 1])
    expect(() => viewLittleEndian('F32', Uint8Array.of(1, 2, 3))).toThrow('not a whole number of F32 elements')
  })

  it('elementCount refuses counts beyond 2^53', () => {
    expect(elementCount([])).toBe(1)
    expect(elementCount([3, 0, 5])).toBe(0)
    expect(elementCount([1e15, 1e15])).toBeNull()
  })
})
