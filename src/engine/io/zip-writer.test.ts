/**
 * The export download's zip (zip-writer.ts): Python's zipfile (an independent reader) and our own checkpoint zip
 * reader both open it, find every file byte for byte, and its CRCs check; nothing is left under the final name when
 * writing fails.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openZip } from './formats/zip'
import { writeStoredZip } from './zip-writer'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ligo-zip-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Bytes that a reader mixing up offsets or lengths would not reproduce. */
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff))

describe('writeStoredZip', () => {
  it('writes an archive that Python zipfile and our reader open, with every file intact', async () => {
    const files = { 'model.safetensors': bytes(300_000, 1), 'config.json': Buffer.from('{"model_type":"bert"}'), 'README.md': Buffer.from('# Đã xuất\n'), 'empty.txt': Buffer.alloc(0) }
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
    const zip = join(dir, 'export.zip')
    const size = await writeStoredZip(zip, Object.keys(files).map((name) => ({ name, path: join(dir, name) })), new Date(2026, 11, 2, 8, 30, 10))

    const python = execFileSync('python3', ['-c', `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({"bad": z.testzip(), "names": z.namelist(), "sizes": [i.file_size for i in z.infolist()], "date": list(z.infolist()[0].date_time), "readme": z.read("README.md").decode("utf-8")}))
`, zip], { encoding: 'utf8' })
    const seen = JSON.parse(python) as { bad: string | null; names: string[]; sizes: number[]; date: number[]; readme: string }
    expect(seen.bad).toBeNull() // every CRC checks
    expect(seen.names).toEqual(Object.keys(files))
    expect(seen.sizes).toEqual(Object.values(files).map((b) => b.length))
    expect(seen.date).toEqual([2026, 12, 2, 8, 30, 10])
    expect(seen.readme).toBe('# Đã xuất\n')

    const archive = await openZip(zip)
    expect(archive.fileSize).toBe(size)
    for (const [name, content] of Object.entries(files)) expect(Buffer.from(await archive.readEntry(name)).equals(content), name).toBe(true)
  })

  it('leaves no file under the final name when a source is missing', async () => {
    writeFileSync(join(dir, 'a.bin'), bytes(10, 2))
    const zip = join(dir, 'export.zip')
    await expect(writeStoredZip(zip, [{ name: 'a.bin', path: join(dir, 'a.bin') }, { name: 'gone.bin', path: join(dir, 'gone.bin') }])).rejects.toThrow('gone.bin')
    expect(existsSync(zip)).toBe(false)
    expect(readdirSync(dir)).toEqual(['a.bin'])
  })
})
