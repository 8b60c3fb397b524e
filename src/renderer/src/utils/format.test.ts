import { describe, expect, it } from 'vitest'
import { formatBytes, formatSeconds } from './format'

describe('formatBytes', () => {
  it('keeps small sizes in bytes', () => {
    expect(formatBytes(0)).toBe('0 bytes')
    expect(formatBytes(1)).toBe('1 byte')
    expect(formatBytes(1023)).toBe('1023 bytes')
  })
  it('switches to binary units with sensible precision', () => {
    expect(formatBytes(1024)).toBe('1.00 KiB')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50.0 MiB')
    expect(formatBytes(16 * 1024 ** 3)).toBe('16.0 GiB')
    expect(formatBytes(440 * 1024 ** 2)).toBe('440 MiB')
  })
  it('says so when the size is not a size', () => {
    expect(formatBytes(-1)).toBe('unknown size')
    expect(formatBytes(Number.NaN)).toBe('unknown size')
  })
})

describe('formatSeconds', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatSeconds(4.4)).toBe('4 s')
    expect(formatSeconds(185)).toBe('3 min 05 s')
    expect(formatSeconds(3720)).toBe('1 h 02 min')
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('unknown')
  })
})
