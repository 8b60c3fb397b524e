import { describe, expect, it } from 'vitest'
import { formatAxisValue } from './axis-format'

describe('formatAxisValue', () => {
  it('writes each axis in its unit', () => {
    expect(formatAxisValue('flops', 3.2e12)).toBe('3.2e12')
    expect(formatAxisValue('wallSeconds', 45)).toBe('45 s')
    expect(formatAxisValue('wallSeconds', 600)).toBe('10 min')
    expect(formatAxisValue('wallSeconds', 9000)).toBe('2.5 h')
    expect(formatAxisValue('joules', 1500)).toBe('1500 J')
    expect(formatAxisValue('kwh', 0.0042)).toBe('4.2e-3 kWh')
    expect(formatAxisValue('step', 99.6)).toBe('100')
  })
})
