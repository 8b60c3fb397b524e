/**
 * Tick and read-out text per x-axis: FLOPs in engineering notation (3.2e12), seconds as s / min / h, energy in J or
 * kWh (the unit the user picked: CodeCarbon reports kWh, Zeus joules), steps as integers.
 */
import type { XAxis } from '../../../../shared/metrics/run-points'

const compact = (v: number): string => String(Number(v.toPrecision(3)))

export function formatExponent(v: number): string {
  if (v === 0) return '0'
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-2 ? v.toExponential(1).replace('e+', 'e') : compact(v)
}

export function formatSeconds(s: number): string {
  if (Math.abs(s) < 120) return `${compact(s)} s`
  if (Math.abs(s) < 7200) return `${compact(s / 60)} min`
  return `${compact(s / 3600)} h`
}

export function formatAxisValue(axis: XAxis, v: number): string {
  switch (axis) {
    case 'flops':
      return formatExponent(v)
    case 'wallSeconds':
      return formatSeconds(v)
    case 'joules':
      return `${formatExponent(v)} J`
    case 'kwh':
      return `${formatExponent(v)} kWh`
    case 'step':
      return String(Math.round(v))
  }
}

export const formatLoss = (v: number): string => v.toFixed(3)
