/**
 * The main window's size and position, restored at the next start: `<userData>/window-state.json`, saved when the
 * window closes. What is read back is validated, then fitted to the displays connected now, so a window saved on
 * a monitor that has since been unplugged (or a file edited by hand) never opens off screen or larger than it.
 */
import type { BrowserWindow, Rectangle } from 'electron'
import { join } from 'node:path'
import { StateFileWriter, invalidState, isRecord, readStateFile, type StateRead } from './state-file'

export const WINDOW_STATE_FILE = 'window-state.json'

export interface WindowState {
  /** Absent for a window the OS placed (first start, or a position that no longer fits any display). */
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export interface WindowLimits {
  width: number
  height: number
  minWidth: number
  minHeight: number
}

/** Beyond any real display (8K is 7680 wide): larger numbers are corruption, not a window. */
const MAX_COORDINATE = 100_000
/** How much of the title bar must lie on a display for a saved position to be kept (px). */
const VISIBLE_MARGIN = 64

const integerIn = (value: unknown, min: number, max: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

export function parseWindowState(value: unknown): WindowState {
  if (!isRecord(value)) invalidState('expected a JSON object')
  const { x, y, width, height, maximized } = value
  if (!integerIn(width, 1, MAX_COORDINATE) || !integerIn(height, 1, MAX_COORDINATE)) invalidState(`width and height must be whole numbers from 1 to ${MAX_COORDINATE}`)
  if (typeof maximized !== 'boolean') invalidState('maximized must be true or false')
  if ((x === undefined) !== (y === undefined)) invalidState('x and y must be given together')
  if (x === undefined) return { width, height, maximized }
  if (!integerIn(x, -MAX_COORDINATE, MAX_COORDINATE) || !integerIn(y, -MAX_COORDINATE, MAX_COORDINATE)) invalidState(`x and y must be whole numbers within ±${MAX_COORDINATE}`)
  return { x, y, width, height, maximized }
}

export function readWindowState(userDataDir: string, readText?: (path: string) => string): StateRead<WindowState> {
  return readStateFile(join(userDataDir, WINDOW_STATE_FILE), parseWindowState, readText)
}

const overlap = (a: Rectangle, b: Rectangle) => ({
  width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
  height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
})

/**
 * The saved state made to fit the displays' work areas (the first is the primary): the size is capped to the
 * largest work area and raised to the window's minimum; the position is kept only when the window's top strip
 * (where the title bar is) lies on a display by at least VISIBLE_MARGIN pixels each way, else the OS places it.
 * No saved state gives the default size.
 */
export function fitWindowState(saved: WindowState | null, workAreas: readonly Rectangle[], limits: WindowLimits): WindowState {
  if (!saved) return { width: limits.width, height: limits.height, maximized: false }
  const maxWidth = Math.max(limits.minWidth, ...workAreas.map((area) => area.width))
  const maxHeight = Math.max(limits.minHeight, ...workAreas.map((area) => area.height))
  const width = Math.min(Math.max(saved.width, limits.minWidth), maxWidth)
  const height = Math.min(Math.max(saved.height, limits.minHeight), maxHeight)
  if (saved.x === undefined || saved.y === undefined) return { width, height, maximized: saved.maximized }
  const titleStrip = { x: saved.x, y: saved.y, width, height: Math.min(height, VISIBLE_MARGIN) }
  const home = workAreas.find((area) => {
    const visible = overlap(titleStrip, area)
    // the whole strip's height on the display: the title bar is neither above nor below it
    return visible.width >= VISIBLE_MARGIN && visible.height >= titleStrip.height
  })
  if (!home) return { width, height, maximized: saved.maximized }
  // on its display, pull the window in so that as much of it as fits is visible
  const x = Math.min(Math.max(saved.x, home.x), home.x + Math.max(0, home.width - width))
  const y = Math.min(Math.max(saved.y, home.y), home.y + Math.max(0, home.height - height))
  return { x, y, width, height, maximized: saved.maximized }
}

type TrackedWindow = Pick<BrowserWindow, 'once' | 'getNormalBounds' | 'isMaximized'>

/** Saves the window's normal (not maximized) bounds and whether it was maximized, when it closes. */
export function trackWindowState(window: TrackedWindow, save: (state: WindowState) => void): void {
  window.once('close', () => {
    const { x, y, width, height } = window.getNormalBounds()
    save({ x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height), maximized: window.isMaximized() })
  })
}

export function windowStateWriter(userDataDir: string, log: Pick<Console, 'warn'>): StateFileWriter {
  return new StateFileWriter(join(userDataDir, WINDOW_STATE_FILE), log)
}
