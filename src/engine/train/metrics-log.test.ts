import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lastLoggedStep, readMetricsFrom } from './metrics-log'

const line = (step: number, loss: number) => `${JSON.stringify({ step, trainLoss: loss })}\n`

describe('readMetricsFrom', () => {
  let dir: string
  let path: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metrics-log-'))
    path = join(dir, 'metrics.jsonl')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('follows a growing log in whole lines and waits at a torn last line', async () => {
    writeFileSync(path, line(1, 5) + line(2, 4.5))
    const first = await readMetricsFrom(path, 0)
    expect(first.records.map((r) => r.step)).toEqual([1, 2])
    expect(first.nextOffset).toBe(statSync(path).size)
    appendFileSync(path, '{"step": 3, "trainLo') // torn by a crash, or still being written
    const torn = await readMetricsFrom(path, first.nextOffset)
    expect(torn).toMatchObject({ records: [], nextOffset: first.nextOffset, reset: false, damaged: 0 })
    appendFileSync(path, 'ss": 4.1}\n') // the writer completes it
    expect((await readMetricsFrom(path, torn.nextOffset)).records).toEqual([{ step: 3, trainLoss: 4.1 }])
  })

  it('skips and counts a damaged line; the offset moves past it', async () => {
    writeFileSync(path, line(1, 5) + 'not json at all\n' + line(2, 4))
    const read = await readMetricsFrom(path, 0)
    expect(read.records.map((r) => r.step)).toEqual([1, 2])
    expect(read.damaged).toBe(1)
    expect(read.nextOffset).toBe(statSync(path).size)
  })

  it('starts again from 0 when a resume cut the log back under the offset', async () => {
    writeFileSync(path, line(1, 5) + line(2, 4.5) + line(3, 4.25) + line(4, 4))
    const old = await readMetricsFrom(path, 0)
    // Resumed from step 2: the log is cut back and new lines (other byte lengths) follow.
    writeFileSync(path, line(1, 5) + line(2, 4.5) + line(3, 4.2500001))
    const past = await readMetricsFrom(path, old.nextOffset)
    expect(past.reset).toBe(true)
    expect(past.records.map((r) => r.step)).toEqual([1, 2, 3])
    appendFileSync(path, line(4, 3.9999999) + line(5, 3.9))
    // An offset that now falls inside a line is no line start: also a reset, never half a line.
    const inside = await readMetricsFrom(path, old.nextOffset)
    expect(inside.reset).toBe(true)
    expect(inside.records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5])
    expect(inside.damaged).toBe(0)
  })

  it('reads at most maxBytes per call, in whole lines', async () => {
    writeFileSync(path, line(1, 5) + line(2, 4) + line(3, 3))
    const one = await readMetricsFrom(path, 0, line(1, 5).length + 3)
    expect(one.records.map((r) => r.step)).toEqual([1])
    const rest = await readMetricsFrom(path, one.nextOffset)
    expect(rest.records.map((r) => r.step)).toEqual([2, 3])
  })

  it('a missing log is empty (a reset when an offset was given)', async () => {
    expect(await readMetricsFrom(path, 0)).toMatchObject({ records: [], nextOffset: 0, reset: false })
    expect(await readMetricsFrom(path, 10)).toMatchObject({ records: [], nextOffset: 0, reset: true })
  })
})

describe('lastLoggedStep', () => {
  let dir: string
  let path: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metrics-last-'))
    path = join(dir, 'metrics.jsonl')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('is the last whole line\'s step of a long log, passing over a torn or damaged end', () => {
    writeFileSync(path, Array.from({ length: 5000 }, (_, i) => line(i + 1, 1 / (i + 1))).join('')) // ~190 KB
    expect(lastLoggedStep(path)).toBe(5000)
    appendFileSync(path, '{"step": 5001, "trainLo') // being written, or torn by a crash
    expect(lastLoggedStep(path)).toBe(5000)
    appendFileSync(path, 'ss": 0.1}\nnot json\n')
    expect(lastLoggedStep(path)).toBe(5001)
  })

  it('finds a last line longer than the first tail it reads, and a one-line log', () => {
    const long = `${JSON.stringify({ step: 7, trainLoss: 1, note: 'x'.repeat(20_000) })}\n`
    writeFileSync(path, line(6, 2) + long)
    expect(lastLoggedStep(path)).toBe(7)
    writeFileSync(path, line(3, 2))
    expect(lastLoggedStep(path)).toBe(3)
  })

  it('is 0 for a missing, empty or wholly torn log', () => {
    expect(lastLoggedStep(path)).toBe(0)
    writeFileSync(path, '')
    expect(lastLoggedStep(path)).toBe(0)
    writeFileSync(path, '{"step": 1, "tra')
    expect(lastLoggedStep(path)).toBe(0)
  })
})
