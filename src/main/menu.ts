/**
 * The application menu, as data: buildMenuTemplate returns the template, installMenu hands it to Electron.
 * Items that belong to later issues (Export…) are present with `visible: false` so their place is fixed.
 */
import type { BrowserWindow, Dialog, Menu, MenuItemConstructorOptions, OpenDialogOptions } from 'electron'
import type { MainMessages } from './i18n/messages'
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
  /** The menu's words in the app's language (i18n/messages.ts). */
  text: MainMessages['menu']
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
  const t = context.text
  const app = context.appName
  const separator: MenuItemConstructorOptions = { type: 'separator' }

  const appMenu: MenuItemConstructorOptions = {
    label: app,
    submenu: [
      { role: 'about', label: t.about(app) },
      separator,
      { role: 'services', label: t.services },
      separator,
      { role: 'hide', label: t.hide(app) },
      { role: 'hideOthers', label: t.hideOthers },
      { role: 'unhide', label: t.showAll },
      separator,
      { role: 'quit', label: t.quitApp(app), accelerator: 'CmdOrCtrl+Q' },
    ],
  }

  const fileMenu: MenuItemConstructorOptions = {
    label: t.file,
    submenu: [
      // macOS dialogs can pick files and folders in one; elsewhere asking for both shows a folder picker only
      isMac
        ? { id: 'open', label: t.open, accelerator: 'CmdOrCtrl+O', click: () => actions.open('files-and-folders') }
        : { id: 'open', label: t.open, accelerator: 'CmdOrCtrl+O', click: () => actions.open('files') },
      ...(isMac ? [] : [{ id: 'open-folder', label: t.openFolder, accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.open('folders') }]),
      { id: 'open-recent', label: t.openRecent, submenu: recentMenuItems(context.recentPaths, { open: actions.openRecent, clear: actions.clearRecent }, t) },
      // Export arrives with the export issue; until then it stays out of sight and inert
      { id: 'export', label: t.exportModel, accelerator: 'CmdOrCtrl+E', visible: false, enabled: false },
      ...(isMac ? [] : [separator, { id: 'quit', role: 'quit', label: t.quit, accelerator: 'CmdOrCtrl+Q' } as MenuItemConstructorOptions]),
    ],
  }

  const editMenu: MenuItemConstructorOptions = {
    label: t.edit,
    submenu: [
      { role: 'undo', label: t.undo },
      { role: 'redo', label: t.redo },
      separator,
      { role: 'cut', label: t.cut },
      { role: 'copy', label: t.copy },
      { role: 'paste', label: t.paste },
      ...(isMac ? [{ role: 'pasteAndMatchStyle', label: t.pasteAndMatchStyle } as MenuItemConstructorOptions] : []),
      { role: 'delete', label: t.delete },
      separator,
      { role: 'selectAll', label: t.selectAll },
    ],
  }

  const viewMenu: MenuItemConstructorOptions = {
    label: t.view,
    submenu: [
      { role: 'reload', label: t.reload },
      ...(context.isPackaged ? [] : [{ role: 'forceReload', label: t.forceReload }, { id: 'devtools', role: 'toggleDevTools', label: t.toggleDevTools }] as MenuItemConstructorOptions[]),
      separator,
      { role: 'resetZoom', label: t.actualSize },
      { role: 'zoomIn', label: t.zoomIn },
      { role: 'zoomOut', label: t.zoomOut },
      separator,
      { role: 'togglefullscreen', label: t.toggleFullScreen },
    ],
  }

  const windowMenu: MenuItemConstructorOptions = { role: 'windowMenu', label: t.window }

  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    label: t.help,
    submenu: [
      ...(isMac ? [] : [{ id: 'about', label: t.about(app), click: () => actions.about() }]),
      ...(context.readmeAvailable ? [{ id: 'readme', label: t.readme(app), click: () => actions.openReadme() }] : []),
      { id: 'paper', label: t.paper, click: () => actions.openExternal(LIGO_PAPER_URL) },
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
  title: string,
): Promise<string[]> {
  const options: OpenDialogOptions = { title, properties: DIALOG_PROPERTIES[kind] }
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
  return result.canceled ? [] : result.filePaths
}
