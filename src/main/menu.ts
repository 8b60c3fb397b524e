/**
 * The application menu, as data: buildMenuTemplate returns the template, installMenu hands it to Electron.
 * Items that belong to later issues (Export…) are present with `visible: false` so their place is fixed.
 */
import type { BrowserWindow, Dialog, Menu, MenuItemConstructorOptions, OpenDialogOptions } from 'electron'
import { recentMenuItems } from './recent-opens'

/** The LiGO paper (Wang et al., "Learning to Grow Pretrained Models for Efficient Transformer Training", ICLR 2023). */
export const LIGO_PAPER_URL = 'https://arxiv.org/abs/2303.00980'

export interface MenuContext {
  appName: string
  platform: NodeJS.Platform
  /** DevTools only in development: a packaged app has no business opening them. */
  isPackaged: boolean
  /** Show "README" in Help only when the file ships with the app. */
  readmeAvailable: boolean
  /** File > Open Recent, most recent first (recent-opens.ts). */
  recentPaths: readonly string[]
}

export interface MenuActions {
  /** Open… : show the open dialog; `folders` picks folders (Windows/Linux cannot pick both at once). */
  open(kind: 'files-and-folders' | 'files' | 'folders'): void
  about(): void
  openReadme(): void
  openExternal(url: string): void
  openRecent(path: string): void
  clearRecent(): void
}

export function buildMenuTemplate(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = context.platform === 'darwin'
  const separator: MenuItemConstructorOptions = { type: 'separator' }

  const appMenu: MenuItemConstructorOptions = {
    label: context.appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  }

  const fileMenu: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      // macOS dialogs can pick files and folders in one; elsewhere asking for both shows a folder picker only
      isMac
        ? { id: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open('files-and-folders') }
        : { id: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open('files') },
      ...(isMac ? [] : [{ id: 'open-folder', label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.open('folders') }]),
      { id: 'open-recent', label: 'Open Recent', submenu: recentMenuItems(context.recentPaths, { open: actions.openRecent, clear: actions.clearRecent }) },
      // Export arrives with the export issue; until then it stays out of sight and inert
      { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E', visible: false, enabled: false },
      ...(isMac ? [] : [separator, { id: 'quit', role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' } as MenuItemConstructorOptions]),
    ],
  }

  const editMenu: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(isMac ? [{ role: 'pasteAndMatchStyle' } as MenuItemConstructorOptions] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  }

  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(context.isPackaged ? [] : [{ role: 'forceReload' }, { id: 'devtools', role: 'toggleDevTools' }] as MenuItemConstructorOptions[]),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  }

  const windowMenu: MenuItemConstructorOptions = { role: 'windowMenu' }

  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      ...(isMac ? [] : [{ id: 'about', label: `About ${context.appName}`, click: () => actions.about() }]),
      ...(context.readmeAvailable ? [{ id: 'readme', label: `${context.appName} README`, click: () => actions.openReadme() }] : []),
      { id: 'paper', label: 'LiGO Paper (arXiv)', click: () => actions.openExternal(LIGO_PAPER_URL) },
    ],
  }

  return [...(isMac ? [appMenu] : []), fileMenu, editMenu, viewMenu, ...(isMac ? [windowMenu] : []), helpMenu]
}

export function installMenu(menu: Pick<typeof Menu, 'buildFromTemplate' | 'setApplicationMenu'>, template: MenuItemConstructorOptions[]): void {
  menu.setApplicationMenu(menu.buildFromTemplate(template))
}

const DIALOG_PROPERTIES: Record<Parameters<MenuActions['open']>[0], OpenDialogOptions['properties']> = {
  'files-and-folders': ['openFile', 'openDirectory', 'multiSelections'],
  files: ['openFile', 'multiSelections'],
  folders: ['openDirectory', 'multiSelections'],
}

/** Shows the open dialog (attached to the window when there is one); returns the chosen paths, [] on cancel. */
export async function chooseOpenPaths(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  window: BrowserWindow | null,
  kind: Parameters<MenuActions['open']>[0],
): Promise<string[]> {
  const options: OpenDialogOptions = { title: 'Open a checkpoint, dataset or folder', properties: DIALOG_PROPERTIES[kind] }
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
  return result.canceled ? [] : result.filePaths
}
