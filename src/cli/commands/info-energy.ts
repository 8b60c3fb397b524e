/**
 * The "Energy" and "Carbon" rows of `ligo info`: each energy source with its state and accuracy class (an estimate is
 * called an estimate), the carbon assumptions with their source and year, and how to make an unreadable counter
 * readable without running as root.
 */
import type { EnergySourceSummary, HardwareRecord } from '../../shared'

const STATE_TEXT: Record<EnergySourceSummary['state'], string> = {
  found: 'found',
  'not-found': 'not found',
  unreadable: 'found but not readable',
}

function accuracyText(source: EnergySourceSummary): string {
  return source.accuracy === 'estimated' ? 'ESTIMATE, not a measurement' : 'measured'
}

/** One line per source: "Estimate from CPU time: in use, ESTIMATE, not a measurement; <detail>". */
export function energySourceLine(source: EnergySourceSummary): string {
  const status = source.used ? `in use, ${accuracyText(source)}` : `${STATE_TEXT[source.state]}, not used (would be ${source.accuracy})`
  return `${source.label}: ${status}; ${source.detail}`
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n')
}

/** Rows for the info table and the text that follows the table (fixes, a problem with a setting). */
export function formatEnergySection(record: HardwareRecord): { rows: Array<[string, string]>; notes: string } {
  const rows: Array<[string, string]> = []
  const sources = record.energy ?? []
  sources.forEach((source, i) => rows.push([i === 0 ? 'Energy' : '', energySourceLine(source)]))
  if (record.carbon) rows.push(['Carbon', record.carbon.text])

  const notes: string[] = []
  if (record.carbon?.problem) notes.push(`Carbon setting ignored:\n${indent(record.carbon.problem, 2)}`)
  const fixable = sources.filter((s) => s.howToFix)
  if (fixable.length > 0) {
    notes.push(`To measure energy instead of estimating it:\n${fixable.map((s) => `  ${s.label}:\n${indent(s.howToFix!, 4)}`).join('\n')}`)
  }
  return { rows, notes: notes.map((n) => `\n\n${n}`).join('') }
}
