import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { metricsFromCsv, metricsFromJson, metricsToCsv, metricsToJson, type MetricsRow } from './metrics-table'

const row = (over: Partial<MetricsRow> = {}): MetricsRow => ({
  method: 'ligo',
  seed: 0,
  step: 100,
  flops: 1.2345678901234567e12,
  wallSeconds: 12.5,
  joules: null,
  trainLoss: 6.1,
  valLoss: null,
  ...over,
})

// -0 is written as 0 by both String() and JSON (no loss for a metric)
const withoutNegativeZero = (input: MetricsRow[]): MetricsRow[] => JSON.parse(JSON.stringify(input))

const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
const nullable = fc.option(finite, { nil: null })
const rows = fc.array(
  fc.record({
    method: fc.string({ minLength: 1 }),
    seed: fc.integer({ min: 0, max: 99 }),
    step: fc.integer({ min: 0, max: 1e7 }),
    flops: finite,
    wallSeconds: finite,
    joules: nullable,
    trainLoss: nullable,
    valLoss: nullable,
  }),
  { maxLength: 20 },
)

describe('metrics CSV', () => {
  it('writes a header and one line per row, empty cells for missing values', () => {
    const text = metricsToCsv([row(), row({ method: 'scratch', joules: 1500, valLoss: 6.4 })])
    expect(text).toBe(
      'method,seed,step,flops,wall_seconds,energy_joules,train_loss,val_loss\r\n' +
        'ligo,0,100,1234567890123.4568,12.5,,6.1,\r\n' +
        'scratch,0,100,1234567890123.4568,12.5,1500,6.1,6.4\r\n',
    )
  })

  it('quotes names holding commas, quotes or line breaks', () => {
    const text = metricsToCsv([row({ method: 'my "fast",\nrun' })])
    expect(text.split('\r\n')[1]).toBe('"my ""fast"",\nrun",0,100,1234567890123.4568,12.5,,6.1,')
  })

  it('reads back exactly what it wrote, for any rows', () => {
    fc.assert(
      fc.property(rows, (input) => {
        expect(metricsFromCsv(metricsToCsv(input))).toEqual(withoutNegativeZero(input))
      }),
    )
  })

  it('names the file and line of a bad value', () => {
    const text = metricsToCsv([row()]).replace('12.5', 'soon')
    expect(() => metricsFromCsv(text, 'exp.csv')).toThrow('exp.csv line 2: wall_seconds must be a number, got "soon"')
    expect(() => metricsFromCsv('a,b\r\n', 'exp.csv')).toThrow(/exp\.csv: the header must be/)
  })
})

describe('metrics JSON', () => {
  it('reads back exactly what it wrote, for any rows', () => {
    fc.assert(
      fc.property(rows, (input) => {
        expect(metricsFromJson(metricsToJson(input))).toEqual(withoutNegativeZero(input))
      }),
    )
  })

  it('refuses a file that is not a metrics export', () => {
    expect(() => metricsFromJson('{"rows": []}', 'x.json')).toThrow('x.json: not a "ligo-metrics" export')
    expect(() => metricsFromJson('{', 'x.json')).toThrow(/x\.json: not JSON/)
  })
})
