import { describe, expect, it } from 'vitest'
import { NOT_A_VALUE, formatBytes, formatCount, formatDateTime, formatNumber, formatSeconds, formatSi } from './format'

describe('formatBytes', () => {
  it('keeps small sizes in bytes, with the word from Intl', () => {
    expect(formatBytes(0)).toBe('0 bytes')
    expect(formatBytes(1)).toBe('1 byte')
    expect(formatBytes(1023)).toBe('1,023 bytes')
    expect(formatBytes(1023, 'vi')).toBe('1.023 byte')
  })
  it('switches to binary units with three significant figures', () => {
    expect(formatBytes(1024)).toBe('1.00 KiB')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50.0 MiB')
    expect(formatBytes(16 * 1024 ** 3)).toBe('16.0 GiB')
    expect(formatBytes(440 * 1024 ** 2)).toBe('440 MiB')
  })
  it('uses the language decimal mark', () => {
    expect(formatBytes(1536, 'vi')).toBe('1,50 KiB')
    expect(formatBytes(50 * 1024 * 1024, 'vi')).toBe('50,0 MiB')
  })
  it('shows a dash when the size is not a size', () => {
    expect(formatBytes(-1)).toBe(NOT_A_VALUE)
    expect(formatBytes(Number.NaN)).toBe(NOT_A_VALUE)
  })
})

describe('formatSeconds', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatSeconds(4.4)).toBe('4 s')
    expect(formatSeconds(185)).toBe('3 min 05 s')
    expect(formatSeconds(3720)).toBe('1 h 02 min')
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe(NOT_A_VALUE)
  })
})

describe('numbers by locale', () => {
  it('groups digits and marks decimals as the language does', () => {
    expect(formatNumber(12345.678)).toBe('12,345.68')
    expect(formatNumber(12345.678, 'vi')).toBe('12.345,68')
  })
  it('shortens counts with the language words', () => {
    expect(formatCount(110_106_428)).toBe('110M')
    expect(formatCount(4_385_920)).toBe('4.39M')
    expect(formatCount(110_106_428, 'vi')).toMatch(/^110\sTr$/)
  })
  it('prefixes operations with SI prefixes', () => {
    expect(formatSi(2.21e9, 'en', 'FLOPs')).toBe('2.21 GFLOPs')
    expect(formatSi(2.21e9, 'vi', 'FLOPs')).toBe('2,21 GFLOPs')
    expect(formatSi(512, 'en', 'FLOPs')).toBe('512 FLOPs')
    expect(formatSi(3.44e12, 'en')).toBe('3.44 T')
  })
  it('writes dates in the language order', () => {
    const moment = Date.UTC(2026, 11, 2, 6, 30)
    expect(formatDateTime(moment, 'en')).toMatch(/Dec 2, 2026/)
    expect(formatDateTime(moment, 'vi')).toMatch(/2026/)
    expect(formatDateTime(moment, 'vi')).not.toBe(formatDateTime(moment, 'en'))
    expect(formatDateTime('not a date')).toBe(NOT_A_VALUE)
  })
})
