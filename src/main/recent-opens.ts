/**
 * File > Open Recent: the checkpoints and folders opened from the menu, the file manager or a second launch,
 * most recent first, kept in `<userData>/recent-opens.json`. The OS gets them too (app.addRecentDocument: the
 * macOS Dock menu and the Windows jump list). A path is recorded once the studio has opened it (its app.opened
 * event), so a file that failed to open never becomes a recent item.
 */
import { basename, dirname, isAbsolute, join } from 'node:path'
import type { App, MenuItemConstructorOptions } from 'electron'
import type { MainMessages } from './i18n/messages'
import { StateFileWriter, invalidState, isRecord, readStateFile, type StateRead } from './state-file'

export const RECENT_OPENS_FILE = 'recent-opens.json'
/** Menu length: about as many as fit on screen next to the File menu. */
export const MAX_RECENT_OPENS = 10
const MAX_PATH_LENGTH = 4096

export function parseRecentOpens(value: unknown): string[] {
  if (!isRecord(value) || !Array.isArray(value.paths)) invalidState('expected {"paths": [...]}')
  const paths = value.paths.filter((path): path is string => typeof path === 'string' && path.length <= MAX_PATH_LENGTH && !path.includes('\0') && isAbsolute(path))
  return [...new Set(paths)].slice(0, MAX_RECENT_OPENS)
}

export function readRecentOpens(userDataDir: string, readText?: (path: string) => string): StateRead<string[]> {
  return readStateFile(join(userDataDir, RECENT_OPENS_FILE), parseRecentOpens, readText)
}

export class RecentOpens {
  private paths: string[]

  constructor(
    initial: readonly string[],
    private readonly writer: Pick<StateFileWriter, 'save'>,
    private readonly os: Pick<App, 'addRecentDocument' | 'clearRecentDocuments'>,
    /** Called after every change, to rebuild the menu. */
    private readonly onChange: () => void = () => {},
  ) {
    this.paths = [...initial]
  }

  get list(): readonly string[] {
    return this.paths
  }

  add(path: string): void {
    if (!isAbsolute(path)) return // uploads (ligo serve) have bare names, not paths
    if (this.paths[0] === path) return
    this.paths = [path, ...this.paths.filter((p) => p !== path)].slice(0, MAX_RECENT_OPENS)
    this.os.addRecentDocument(path)
    this.changed()
  }

  clear(): void {
    this.paths = []
    this.os.clearRecentDocuments()
    this.changed()
  }

  private changed(): void {
    this.writer.save({ paths: this.paths })
    this.onChange()
  }
}

/**
 * The Open Recent submenu: "name — folder" per entry (two checkpoints are often both model.safetensors), then
 * Clear Recent. An empty list shows one disabled line, as native apps do.
 */
export function recentMenuItems(
  paths: readonly string[],
  actions: { open(path: string): void; clear(): void },
  text: Pick<MainMessages['menu'], 'noRecentItems' | 'clearRecent'>,
): MenuItemConstructorOptions[] {
  if (paths.length === 0) return [{ id: 'recent-empty', label: text.noRecentItems, enabled: false }]
  return [
    ...paths.map((path, index): MenuItemConstructorOptions => ({ id: `recent-${index}`, label: `${basename(path)} — ${dirname(path)}`, click: () => actions.open(path) })),
    { type: 'separator' },
    { id: 'recent-clear', label: text.clearRecent, click: () => actions.clear() },
  ]
}

export function recentOpensWriter(userDataDir: string, log: Pick<Console, 'warn'>): StateFileWriter {
  return new StateFileWriter(join(userDataDir, RECENT_OPENS_FILE), log)
}
