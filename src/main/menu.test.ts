// @vitest-environment node
import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { en } from './i18n/en'
import { vi } from './i18n/vi'
import { LIGO_PAPER_URL, buildMenuTemplate, chooseOpenPaths, installMenu, type MenuActions, type MenuContext } from './menu'
import { FakeBrowserWindow, asElectron, createFakeElectron } from './test-utils/fake-electron'

function recordingActions() {
  const calls: string[] = []
  const actions: MenuActions = {
    open: (kind) => calls.push(`open:${kind}`),
    about: () => calls.push('about'),
    openReadme: () => calls.push('readme'),
    openExternal: (url) => calls.push(`external:${url}`),
    openRecent: (path) => calls.push(`recent:${path}`),
    clearRecent: () => calls.push('clear-recent'),
  }
  return { calls, actions }
}

function build(overrides: Partial<MenuContext> = {}) {
  const { calls, actions } = recordingActions()
  const context: MenuContext = { appName: 'LiGO Studio', platform: 'linux', isPackaged: true, readmeAvailable: true, recentPaths: [], text: en.menu, ...overrides }
  return { calls, template: buildMenuTemplate(context, actions) }
}

/** Every item of the template, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])])
}
const byId = (template: MenuItemConstructorOptions[], id: string) => items(template).find((item) => item.id === id)
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)()

describe('buildMenuTemplate', () => {
  it('has File > Open… on CmdOrCtrl+O, which opens files (and folders on macOS)', () => {
    const linux = build()
    const open = byId(linux.template, 'open')
    expect([open?.label, open?.accelerator]).toEqual(['Open…', 'CmdOrCtrl+O'])
    click(open)
    click(byId(linux.template, 'open-folder'))
    expect(linux.calls).toEqual(['open:files', 'open:folders'])

    const mac = build({ platform: 'darwin' })
    click(byId(mac.template, 'open'))
    expect(mac.calls).toEqual(['open:files-and-folders'])
    expect(byId(mac.template, 'open-folder')).toBeUndefined()
  })

  it('File > Open Recent lists recent paths by name and folder, opens and clears them', () => {
    const { calls, template } = build({ recentPaths: ['/models/bert/model.safetensors', '/models/gpt2'] })
    const submenu = byId(template, 'open-recent')!.submenu as MenuItemConstructorOptions[]
    expect(submenu.map((item) => item.label ?? item.type)).toEqual(['model.safetensors — /models/bert', 'gpt2 — /models', 'separator', 'Clear Recent'])
    click(submenu[1])
    click(byId(template, 'recent-clear'))
    expect(calls).toEqual(['recent:/models/gpt2', 'clear-recent'])
    const empty = byId(build().template, 'open-recent')!.submenu as MenuItemConstructorOptions[]
    expect(empty).toEqual([{ id: 'recent-empty', label: 'No Recent Items', enabled: false }])
  })

  it('speaks Vietnamese: every labelled item takes its words from the table, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const english = items(build({ platform, isPackaged: false, recentPaths: ['/m/a.safetensors'] }).template)
      const vietnamese = items(build({ platform, isPackaged: false, recentPaths: ['/m/a.safetensors'], text: vi.menu }).template)
      expect(vietnamese.map((item) => item.role ?? item.id ?? item.type)).toEqual(english.map((item) => item.role ?? item.id ?? item.type))
      // the app name on the macOS app menu and the recent file's name are the same in both; every other label differs
      const changed = vietnamese.filter((item, i) => item.label !== undefined && item.label !== english[i].label)
      const same = vietnamese.filter((item, i) => item.label !== undefined && item.label === english[i].label).map((item) => item.label)
      expect(same).toEqual(platform === 'darwin' ? ['LiGO Studio', 'a.safetensors — /m'] : ['a.safetensors — /m'])
      expect(changed.length).toBeGreaterThan(15)
    }
    expect(byId(build({ text: vi.menu }).template, 'recent-empty')?.label).toBe('Không có mục nào gần đây')
  })

  it('keeps Export… in place but hidden and disabled', () => {
    const exportItem = byId(build().template, 'export')
    expect(exportItem).toMatchObject({ label: 'Export…', visible: false, enabled: false })
  })

  it('offers DevTools only in development', () => {
    const hasDevTools = (template: MenuItemConstructorOptions[]) => items(template).some((item) => item.role === 'toggleDevTools')
    expect(hasDevTools(build({ isPackaged: true }).template)).toBe(false)
    expect(hasDevTools(build({ isPackaged: false }).template)).toBe(true)
    expect(items(build({ isPackaged: true }).template).some((item) => item.role === 'reload')).toBe(true)
  })

  it('quits with CmdOrCtrl+Q from File (Windows/Linux) or the app menu (macOS)', () => {
    const linux = build().template
    expect(linux[0].label).toBe('File')
    expect(items(linux).find((item) => item.role === 'quit')?.accelerator).toBe('CmdOrCtrl+Q')
    const mac = build({ platform: 'darwin' }).template
    expect(mac[0].label).toBe('LiGO Studio')
    expect((mac[0].submenu as MenuItemConstructorOptions[]).some((item) => item.role === 'quit')).toBe(true)
    expect(items(mac.slice(1)).some((item) => item.role === 'quit')).toBe(false)
  })

  it('has Edit roles and zoom in View', () => {
    const roles = items(build().template).map((item) => item.role)
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'resetZoom', 'zoomIn', 'zoomOut']) expect(roles).toContain(role)
  })

  it('Help: About, README when it ships, the LiGO paper', () => {
    const { template, calls } = build()
    click(byId(template, 'about'))
    click(byId(template, 'readme'))
    click(byId(template, 'paper'))
    expect(calls).toEqual(['about', 'readme', `external:${LIGO_PAPER_URL}`])
    expect(byId(build({ readmeAvailable: false }).template, 'readme')).toBeUndefined()
  })

  it('installMenu sets the built menu as the application menu', () => {
    const electron = createFakeElectron()
    const { template } = build()
    installMenu(asElectron(electron.Menu), template)
    expect(electron.Menu.applied).toEqual({ template })
  })
})

describe('chooseOpenPaths', () => {
  it('returns the chosen paths, or none when cancelled', async () => {
    const electron = createFakeElectron()
    const window = new FakeBrowserWindow()
    electron.dialog.nextResult = { canceled: false, filePaths: ['/data/model.safetensors'] }
    expect(await chooseOpenPaths(asElectron(electron.dialog), asElectron(window), 'files', en.dialogs.openTitle)).toEqual(['/data/model.safetensors'])
    expect(electron.dialog.calls[0][0]).toBe(window)
    expect((electron.dialog.calls[0][1] as { properties: string[] }).properties).toEqual(['openFile', 'multiSelections'])
    electron.dialog.nextResult = { canceled: true, filePaths: ['/ignored'] }
    expect(await chooseOpenPaths(asElectron(electron.dialog), null, 'folders', en.dialogs.openTitle)).toEqual([])
    expect((electron.dialog.calls[1][0] as { properties: string[] }).properties).toEqual(['openDirectory', 'multiSelections'])
  })
})
