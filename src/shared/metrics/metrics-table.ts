/**
 * The metrics of a comparison as a table for export (issue 12, "Export"): one row per logged point of every method
 * and seed, evaluations included (val_loss empty where a point was not an evaluation). CSV (RFC 4180: comma,
 * double quotes, CRLF) for spreadsheets; JSON with a format tag for programs. Both read back to the same rows.
 */
import type { RunPoint } from './run-points'

export interface MetricsRow extends RunPoint {
  method: string
  seed: number
}

/** CSV columns in order, with the row field each holds. */
export const METRICS_COLUMNS = [
  ['method', 'method'],
  ['seed', 'seed'],
  ['step', 'step'],
  ['flops', 'flops'],
  ['wall_seconds', 'wallSeconds'],
  ['energy_joules', 'joules'],
  ['train_loss', 'trainLoss'],
  ['val_loss', 'valLoss'],
] as const satisfies ReadonlyArray<readonly [string, keyof MetricsRow]>

export const METRICS_JSON_FORMAT = 'ligo-metrics'

export class MetricsTableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MetricsTableError'
  }
}

function csvCell(value: string | number | null): string {
  if (value === null) return ''
  // String(number) keeps every digit a double has, so the numbers read back exactly
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function metricsToCsv(rows: readonly MetricsRow[]): string {
  const lines = [METRICS_COLUMNS.map(([name]) => name).join(',')]
  for (const row of rows) lines.push(METRICS_COLUMNS.map(([, key]) => csvCell(row[key])).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** Splits RFC 4180 text into records of fields (quoted fields may hold commas, quotes and line breaks). */
function csvRecords(text: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') record.push(field), (field = '')
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      record.push(field), records.push(record), (record = []), (field = '')
    } else field += c
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record)
  return records
}

const NULLABLE_KEYS = new Set<keyof MetricsRow>(['joules', 'trainLoss', 'valLoss'])

function rowFrom(get: (key: keyof MetricsRow) => unknown, where: string): MetricsRow {
  const row: Record<string, unknown> = {}
  for (const [name, key] of METRICS_COLUMNS) {
    const raw = get(key)
    if (key === 'method') {
      if (typeof raw !== 'string' || raw === '') throw new MetricsTableError(`${where}: ${name} must be a method name`)
      row[key] = raw
    } else if ((raw === '' || raw === null || raw === undefined) && NULLABLE_KEYS.has(key)) row[key] = null
    else {
      const value = typeof raw === 'string' ? Number(raw) : raw
      if (typeof value !== 'number' || !Number.isFinite(value) || raw === '') throw new MetricsTableError(`${where}: ${name} must be a number, got ${JSON.stringify(raw)}`)
      row[key] = value
    }
  }
  return row as unknown as MetricsRow
}

export function metricsFromCsv(text: string, file = 'metrics CSV'): MetricsRow[] {
  const [header, ...records] = csvRecords(text)
  const expected = METRICS_COLUMNS.map(([name]) => name)
  if (!header || header.join(',') !== expected.join(',')) {
    throw new MetricsTableError(`${file}: the header must be "${expected.join(',')}", got "${(header ?? []).join(',')}"`)
  }
  return records.map((fields, i) => {
    if (fields.length !== expected.length) throw new MetricsTableError(`${file} line ${i + 2}: ${fields.length} fields, expected ${expected.length}`)
    return rowFrom((key) => fields[METRICS_COLUMNS.findIndex(([, k]) => k === key)], `${file} line ${i + 2}`)
  })
}

export function metricsToJson(rows: readonly MetricsRow[]): string {
  return JSON.stringify({ format: METRICS_JSON_FORMAT, version: 1, columns: METRICS_COLUMNS.map(([, key]) => key), rows }, null, 1) + '\n'
}

export function metricsFromJson(text: string, file = 'metrics JSON'): MetricsRow[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new MetricsTableError(`${file}: not JSON (${(error as Error).message})`)
  }
  const doc = parsed as { format?: unknown; rows?: unknown }
  if (doc?.format !== METRICS_JSON_FORMAT || !Array.isArray(doc.rows)) throw new MetricsTableError(`${file}: not a "${METRICS_JSON_FORMAT}" export (format and rows missing)`)
  return doc.rows.map((row: Record<string, unknown>, i: number) => rowFrom((key) => row?.[key], `${file} row ${i + 1}`))
}
