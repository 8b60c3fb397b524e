import { createRequire } from 'node:module'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const REPO = resolve(import.meta.dirname, '../..')
const require = createRequire(import.meta.url)
const { prepareElectron, atLeast } = require(join(REPO, 'scripts/prestart.js')) as {
  prepareElectron(options: { electronDir: string; nodeVersion: string; requireElectron(dir: string): unknown; log: { log(t: string): void; error(t: string): void } }): number
  atLeast(version: string, minimum: string): boolean
}

/** A fake electron package: package.json with engines, and an index.js that "downloads" (or fails) like Electron 45's. */
function fakeElectron(root: string, behaviour: 'downloads' | 'fails'): string {
  const dir = join(root, `electron-${behaviour}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0', main: 'index.js', engines: { node: '>= 22.12.0' } }))
  writeFileSync(
    join(dir, 'index.js'),
    behaviour === 'downloads'
      ? `const fs = require('fs'), path = require('path')
         fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true })
         fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), 'binary')
         fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron')
         fs.appendFileSync(path.join(__dirname, 'downloads.log'), 'download\\n')`
      : `throw new Error('Electron failed to install correctly: getaddrinfo ENOTFOUND github.com')`,
  )
  return dir
}

describe('npm start: prestart', () => {
  let root: string
  let lines: string[]
  const log = { log: (t: string) => void lines.push(t), error: (t: string) => void lines.push(t) }
  const load = (dir: string) => require(dir)
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ligo-prestart-'))
    lines = []
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('runs before electron-vite: npm runs "prestart" before "start"', () => {
    const scripts = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>
    expect(scripts.prestart).toBe('node scripts/prestart.js')
    expect(scripts.start).toMatch(/^electron-vite preview/)
  })

  it("triggers Electron's own download when the binary is missing, once", () => {
    const dir = fakeElectron(root, 'downloads')
    expect(prepareElectron({ electronDir: dir, nodeVersion: '22.12.0', requireElectron: load, log })).toBe(0)
    expect(existsSync(join(dir, 'path.txt'))).toBe(true)
    expect(lines).toEqual(['npm start: downloading the Electron binary (about 100 MB, once)...'])
    expect(prepareElectron({ electronDir: dir, nodeVersion: '24.1.0', requireElectron: load, log })).toBe(0)
    expect(readFileSync(join(dir, 'downloads.log'), 'utf8')).toBe('download\n')
  })

  it('a failed download gives one clear message and exit code 1', () => {
    const dir = fakeElectron(root, 'fails')
    expect(prepareElectron({ electronDir: dir, nodeVersion: '22.12.0', requireElectron: load, log })).toBe(1)
    expect(lines.at(-1)).toMatch(/the Electron binary could not be downloaded \(Electron failed to install correctly: getaddrinfo ENOTFOUND github\.com\)/)
    expect(lines.at(-1)).toMatch(/ELECTRON_MIRROR/)
  })

  it('says which Node the desktop app needs before trying anything', () => {
    const dir = fakeElectron(root, 'downloads')
    expect(prepareElectron({ electronDir: dir, nodeVersion: '20.19.0', requireElectron: load, log })).toBe(1)
    expect(lines[0]).toMatch(/needs Node 22\.12\.0 or newer .* this is Node 20\.19\.0/)
    expect(lines[0]).toMatch(/npm test, npx ligo, ligo serve\) work from Node 20\.19/)
    expect(existsSync(join(dir, 'path.txt'))).toBe(false)
    expect([atLeast('22.12.0', '22.12.0'), atLeast('22.11.9', '22.12.0'), atLeast('23.0.0', '22.12.0')]).toEqual([true, false, true])
  })
})
