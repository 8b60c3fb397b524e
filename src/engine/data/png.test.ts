/**
 * PNG decoding against PNGs written byte by byte from known pixels (png-encoder.testing.ts: filters applied
 * on the encoder side from the spec, independently of the decoder, deflated with zlib).
 * (No ImageMagick or PIL on this machine; /usr/local/bin/convert is a sandbox stand-in, not used.)
 */
import { describe, expect, it } from 'vitest'
import { decodePng } from './png'
import { chunk, encodePng, pixels, rowsOf } from './png-encoder.testing'

describe('decodePng', () => {
  it('decodes 8-bit gray with filters 0-4 on successive rows', () => {
    const data = pixels(13 * 10, 1)
    const image = decodePng(encodePng({ width: 13, height: 10, depth: 8, colorType: 0, rows: rowsOf(data, 10), filters: [0, 1, 2, 3, 4] }))
    expect(image).toMatchObject({ width: 13, height: 10, channels: 1 })
    expect([...image.data]).toEqual([...data])
  })

  for (const filter of [0, 1, 2, 3, 4]) {
    it(`decodes 8-bit RGB with filter ${filter} on every row, and RGBA`, () => {
      const rgb = pixels(9 * 7 * 3, filter + 2)
      expect([...decodePng(encodePng({ width: 9, height: 7, depth: 8, colorType: 2, rows: rowsOf(rgb, 7), filters: [filter] })).data]).toEqual([...rgb])
      const rgba = pixels(5 * 4 * 4, filter + 9)
      const image = decodePng(encodePng({ width: 5, height: 4, depth: 8, colorType: 6, rows: rowsOf(rgba, 4), filters: [filter] }))
      expect(image.channels).toBe(4)
      expect([...image.data]).toEqual([...rgba])
    })
  }

  it('decodes palettes (with tRNS alpha) and 1-bit gray', () => {
    const plte = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255])
    const png = encodePng({ width: 3, height: 2, depth: 8, colorType: 3, rows: [Uint8Array.from([0, 1, 2]), Uint8Array.from([2, 1, 0])], filters: [4], extra: [chunk('PLTE', plte), chunk('tRNS', Uint8Array.from([0]))] })
    const image = decodePng(png)
    expect(image.channels).toBe(4)
    expect([...image.data.subarray(0, 12)]).toEqual([255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 255, 255])
    // 1-bit gray, width 10: 0b1010101010 packed into 2 bytes, high bit first
    const bits = decodePng(encodePng({ width: 10, height: 1, depth: 1, colorType: 0, rows: [Uint8Array.from([0b10101010, 0b10000000])] }))
    expect([...bits.data]).toEqual([255, 0, 255, 0, 255, 0, 255, 0, 255, 0])
  })

  it('refuses 16-bit, interlaced, damaged and non-PNG data clearly', () => {
    const row = new Uint8Array(4)
    expect(() => decodePng(encodePng({ width: 2, height: 1, depth: 16, colorType: 0, rows: [row] }))).toThrow('16-bit gray PNG is not supported; save it with 8 bits per channel')
    expect(() => decodePng(encodePng({ width: 4, height: 1, depth: 8, colorType: 0, rows: [row], interlace: 1 }))).toThrow('interlaced (Adam7) PNG is not supported; save it without interlacing')
    const good = encodePng({ width: 4, height: 1, depth: 8, colorType: 0, rows: [row] })
    const damaged = Uint8Array.from(good)
    damaged[40] ^= 0xff
    expect(() => decodePng(damaged)).toThrow(/has a bad CRC \(file damaged\)/)
    expect(() => decodePng(good.subarray(0, good.length - 12))).toThrow('no IEND chunk (file truncated)')
    expect(() => decodePng(Uint8Array.from([0xff, 0xd8, 0xff]))).toThrow('not a PNG file (bad signature)')
  })
})
