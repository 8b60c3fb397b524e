// @vitest-environment node
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_RECENT_OPENS, RECENT_OPENS_FILE, RecentOpens, readRecentOpens, recentOpensWriter } from './recent-opens'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ligo-recent-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function recent(initial: string[] = []) {
  const os = { added: [] as string[], cleared: 0, addRecentDocument: (p: string) => os.added.push(p), clearRecentDocuments: () => (os.cleared += 1) }
  let changes = 0
  const writer = recentOpensWriter(dir, { warn: () => {} })
  const list = new RecentOpens(initial, writer, os, () => (changes += 1))
  return { list, os, writer, changes: () => changes }
}

describe('RecentOpens', () => {
  it('keeps the most recent first, each path once, at most MAX_RECENT_OPENS, and persists the list', async () => {
    const { list, os, writer, changes } = recent()
    for (let i = 0; i < MAX_RECENT_OPENS + 2; i++) list.add(`/models/m${i}.safetensors`)
    list.add('/models/m5.safetensors')
    expect(list.list[0]).toBe('/models/m5.safetensors')
    expect(list.list).toHaveLength(MAX_RECENT_OPENS)
    expect(new Set(list.list).size).toBe(MAX_RECENT_OPENS)
    expect(list.list).not.toContain('/models/m0.safetensors')
    expect(os.added).toHaveLength(MAX_RECENT_OPENS + 3)
    expect(changes()).toBe(MAX_RECENT_OPENS + 3)
    await writer.flush()
    expect(readRecentOpens(dir)).toEqual({ value: list.list })
  })

  it('ignores names that are not absolute paths (browser uploads) and a repeat of the first entry', () => {
    const { list, changes } = recent(['/a'])
    list.add('model.safetensors')
    list.add('/a')
    expect([list.list, changes()]).toEqual([['/a'], 0])
  })

  it('clears the list and the OS recent documents', async () => {
    const { list, os, writer } = recent(['/a', '/b'])
    list.clear()
    await writer.flush()
    expect([list.list, os.cleared, readRecentOpens(dir).value]).toEqual([[], 1, []])
  })

  it('reads a damaged file as an empty list with a warning, and drops entries that are not absolute paths', () => {
    writeFileSync(join(dir, RECENT_OPENS_FILE), '{"paths": ')
    expect(readRecentOpens(dir)).toEqual({ value: null, warning: expect.stringContaining('is not valid JSON') })
    writeFileSync(join(dir, RECENT_OPENS_FILE), JSON.stringify({ paths: ['/ok', 'relative', 42, '/ok', '/nul\0', '/two'] }))
    expect(readRecentOpens(dir)).toEqual({ value: ['/ok', '/two'] })
    writeFileSync(join(dir, RECENT_OPENS_FILE), '["/ok"]')
    expect(readRecentOpens(dir).warning).toContain('expected {"paths": [...]}')
  })
})
