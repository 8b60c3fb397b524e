import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, SETTINGS_FILE, type Settings, type SettingsUpdate } from '../shared'
import { studioRejection as rejection } from '../../test/helpers/studio-rejection'
import { SettingsStore } from './settings-store'
import { studioHarness } from './testing/studio-harness'

describe('SettingsStore', () => {
  let dir: string
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-settings-')))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('starts from the defaults without writing anything, then writes each change atomically', async () => {
    const store = new SettingsStore(dir)
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    expect(store.loadNotice).toBeNull()
    expect(existsSync(join(dir, SETTINGS_FILE))).toBe(false)
    const next = await store.update({ theme: 'dark', energy: { gridRegion: 'de', pue: 1.2 } })
    expect(next).toMatchObject({ theme: 'dark', energy: { gridRegion: 'DE', pue: 1.2, gridIntensity: null } })
    expect(JSON.parse(readFileSync(join(dir, SETTINGS_FILE), 'utf8'))).toEqual(next)
    expect(readdirSync(dir)).toEqual([SETTINGS_FILE]) // no temporary file left behind
    expect(new SettingsStore(dir).get()).toEqual(next)
  })

  it('refuses a bad change with the setting named, and keeps the file as it was', async () => {
    const store = new SettingsStore(dir)
    await store.update({ language: 'vi' })
    const before = readFileSync(join(dir, SETTINGS_FILE), 'utf8')
    await expect(store.update({ energy: { gridRegion: 'XX' } })).rejects.toThrow(/Unknown grid region "XX" in updateSettings params\.patch\.energy\.gridRegion/)
    expect(readFileSync(join(dir, SETTINGS_FILE), 'utf8')).toBe(before)
    expect(store.get().language).toBe('vi')
  })

  for (const [label, content, why] of [
    ['not JSON', '{"theme": "dark",', /not valid JSON/],
    ['a wrong value', JSON.stringify({ ...DEFAULT_SETTINGS, theme: 'purple' }), /theme must be one of system, light, dark, got "purple"/],
    ['another version', JSON.stringify({ ...DEFAULT_SETTINGS, version: 99 }), /version must be 1, got 99/],
    ['an unknown field', JSON.stringify({ ...DEFAULT_SETTINGS, extra: 1 }), /unknown field "extra"/],
  ] as const) {
    it(`a settings file with ${label} falls back to the defaults with a notice and is kept aside`, () => {
      writeFileSync(join(dir, SETTINGS_FILE), content)
      const store = new SettingsStore(dir, () => new Date('2026-12-02T08:00:00Z'))
      expect(store.get()).toEqual(DEFAULT_SETTINGS)
      expect(store.loadNotice).toMatch(why)
      expect(store.loadNotice).toContain('The defaults apply')
      expect(readFileSync(join(dir, `${SETTINGS_FILE}.unreadable-2026-12-02T08-00-00-000Z`), 'utf8')).toBe(content)
    })
  }
})

describe('getSettings / updateSettings', () => {
  it('reports a corrupt file as a settings.notice event and says which change waits for an engine restart', async () => {
    const h = studioHarness({ host: 'serve' })
    try {
      writeFileSync(join(h.workspaceDir, SETTINGS_FILE), 'garbage')
      expect(await h.invoke<Settings>('getSettings')).toEqual(DEFAULT_SETTINGS)
      const notice = await h.waitForEvent((e) => e.type === 'settings.notice')
      expect(notice).toMatchObject({ level: 'warn' })
      const update = await h.invoke<SettingsUpdate>('updateSettings', { patch: { backend: 'wasm', theme: 'light' } })
      expect(update.pendingRestart).toEqual(['backend'])
      expect(update.settings).toMatchObject({ backend: 'wasm', theme: 'light' })
      // serve's workspace is fixed by --workspace
      expect((await rejection(h.invoke('updateSettings', { patch: { workspace: '/tmp/elsewhere' } }))).code).toBe('unsupported')
      expect((await rejection(h.invoke('updateSettings', { patch: { theme: 'blue' } }))).code).toBe('invalid_request')
    } finally {
      h.close()
    }
  })

  it('desktop: a new workspace folder is used from the next request on', async () => {
    const h = studioHarness({ host: 'desktop' })
    const other = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-other-')))
    try {
      await h.invoke('updateSettings', { patch: { workspace: other } })
      expect(await h.invoke('getAppInfo')).toMatchObject({ workspace: other })
      expect(readdirSync(other).sort()).toEqual(['exports', 'library', 'runs', 'uploads'])
      expect((await rejection(h.invoke('updateSettings', { patch: { workspace: 'relative/dir' } }))).message).toMatch(/absolute path/)
    } finally {
      h.close()
      rmSync(other, { recursive: true, force: true })
    }
  })
})
