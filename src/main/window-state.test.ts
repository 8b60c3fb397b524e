// @vitest-environment node
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeBrowserWindow, asElectron, createFakeElectron } from './test-utils/fake-electron'
import { MAIN_WINDOW_SIZE } from './window'
import { WINDOW_STATE_FILE, fitWindowState, parseWindowState, readWindowState, trackWindowState, windowStateWriter, type WindowState } from './window-state'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ligo-window-state-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const quiet = { warn: () => {} }
const laptop = { x: 0, y: 0, width: 1440, height: 875 } // work area: menu bar and dock taken off
const rightMonitor = { x: 1440, y: -200, width: 2560, height: 1400 }

describe('window state file', () => {
  it('round-trips: the closing window is saved, and read back as it was', async () => {
    createFakeElectron()
    const window = new FakeBrowserWindow({ show: false })
    window.normalBounds = { x: 1500.4, y: -120, width: 1700, height: 1000 }
    window.maximized = true
    const writer = windowStateWriter(dir, quiet)
    trackWindowState(asElectron(window), (state) => writer.save(state))
    window.close()
    await writer.flush()
    expect(readWindowState(dir)).toEqual({ value: { x: 1500, y: -120, width: 1700, height: 1000, maximized: true } })
    expect(JSON.parse(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8'))).toMatchObject({ x: 1500 })
  })

  it('has nothing saved on the first start, without a warning', () => {
    expect(readWindowState(dir)).toEqual({ value: null })
  })

  it.each([
    ['not JSON', '{"width": 1200, "height": 8', /is not valid JSON/],
    ['an array', '[1, 2]', /expected a JSON object/],
    ['a string width', '{"width": "1200", "height": 800, "maximized": false}', /width and height must be whole numbers/],
    ['a negative height', '{"width": 1200, "height": -800, "maximized": false}', /width and height/],
    ['a huge width', '{"width": 1e9, "height": 800, "maximized": false}', /width and height/],
    ['x without y', '{"x": 10, "width": 1200, "height": 800, "maximized": false}', /x and y must be given together/],
    ['a fractional x', '{"x": 10.5, "y": 3, "width": 1200, "height": 800, "maximized": false}', /x and y must be whole numbers/],
    ['no maximized flag', '{"width": 1200, "height": 800}', /maximized must be true or false/],
  ])('a corrupt file (%s) falls back to defaults with a warning naming the file', (_name, text, problem) => {
    writeFileSync(join(dir, WINDOW_STATE_FILE), text)
    const read = readWindowState(dir)
    expect(read.value).toBeNull()
    expect(read.warning).toMatch(problem)
    expect(read.warning).toContain(join(dir, WINDOW_STATE_FILE))
    expect(fitWindowState(read.value, [laptop], MAIN_WINDOW_SIZE)).toEqual({ width: 1280, height: 820, maximized: false })
  })

  it('reports an unreadable file (a folder in its place) instead of throwing', () => {
    const read = readWindowState(dir, () => {
      throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' })
    })
    expect(read).toEqual({ value: null, warning: expect.stringContaining('Could not read') })
  })
})

describe('fitWindowState', () => {
  const saved = (state: Partial<WindowState>): WindowState => ({ x: 100, y: 50, width: 1200, height: 800, maximized: false, ...state })

  it('keeps a placement that is on a display', () => {
    expect(fitWindowState(saved({}), [laptop, rightMonitor], MAIN_WINDOW_SIZE)).toEqual(saved({}))
    expect(fitWindowState(saved({ x: 2000, y: -100 }), [laptop, rightMonitor], MAIN_WINDOW_SIZE)).toEqual(saved({ x: 2000, y: -100 }))
  })

  it('lets the OS place a window saved on a display that is gone, keeping its size', () => {
    expect(fitWindowState(saved({ x: 2000, y: -100, maximized: true }), [laptop], MAIN_WINDOW_SIZE)).toEqual({ width: 1200, height: 800, maximized: true })
  })

  it('drops a position whose title bar is above the display (it could not be dragged back)', () => {
    expect(fitWindowState(saved({ y: -30 }), [laptop], MAIN_WINDOW_SIZE)).toEqual({ width: 1200, height: 800, maximized: false })
  })

  it('caps the size to the largest display and raises it to the minimum', () => {
    expect(fitWindowState(saved({ x: 0, y: 0, width: 4000, height: 3000 }), [laptop], MAIN_WINDOW_SIZE)).toEqual(saved({ x: 0, y: 0, width: 1440, height: 875 }))
    expect(fitWindowState(saved({ width: 200, height: 100 }), [laptop], MAIN_WINDOW_SIZE)).toMatchObject({ width: 960, height: 600 })
  })

  it('pulls a window hanging off the right edge back onto its display', () => {
    expect(fitWindowState(saved({ x: 1000, y: 300 }), [laptop], MAIN_WINDOW_SIZE)).toEqual(saved({ x: 240, y: 75 }))
  })

  it('always gives a size within the limits and, when it keeps a position, a title bar fully on a display', () => {
    const rect = fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }), width: fc.integer({ min: 800, max: 4000 }), height: fc.integer({ min: 600, max: 3000 }) })
    const state = fc.record({ x: fc.integer({ min: -100_000, max: 100_000 }), y: fc.integer({ min: -100_000, max: 100_000 }), width: fc.integer({ min: 1, max: 100_000 }), height: fc.integer({ min: 1, max: 100_000 }), maximized: fc.boolean() })
    fc.assert(
      fc.property(state, fc.array(rect, { minLength: 1, maxLength: 3 }), (input, areas) => {
        const fitted = fitWindowState(input, areas, MAIN_WINDOW_SIZE)
        expect(fitted.maximized).toBe(input.maximized)
        expect(fitted.width).toBeGreaterThanOrEqual(MAIN_WINDOW_SIZE.minWidth)
        expect(fitted.width).toBeLessThanOrEqual(Math.max(MAIN_WINDOW_SIZE.minWidth, ...areas.map((a) => a.width)))
        expect(fitted.height).toBeLessThanOrEqual(Math.max(MAIN_WINDOW_SIZE.minHeight, ...areas.map((a) => a.height)))
        if (fitted.x === undefined) return
        const onSome = areas.some((a) => fitted.x! >= a.x && fitted.y! >= a.y && fitted.y! + 64 <= a.y + a.height && fitted.x! < a.x + a.width - 63)
        expect(onSome).toBe(true)
        expect(parseWindowState(fitted)).toEqual(fitted)
      }),
      { numRuns: 500, seed: 17 },
    )
  })
})
