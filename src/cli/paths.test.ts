import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRendererRoot } from './paths'

describe('defaultRendererRoot', () => {
  let build: string
  beforeAll(() => {
    build = mkdtempSync(join(tmpdir(), 'ligo-build-'))
    mkdirSync(join(build, 'main', 'chunks'), { recursive: true })
    mkdirSync(join(build, 'renderer'))
    writeFileSync(join(build, 'renderer', 'index.html'), '')
  })
  afterAll(() => rmSync(build, { recursive: true, force: true }))

  it('finds the renderer next to the bundle, from cli.js or from a chunk', () => {
    expect(defaultRendererRoot(join(build, 'main'))).toBe(join(build, 'renderer'))
    expect(defaultRendererRoot(join(build, 'main', 'chunks'))).toBe(join(build, 'renderer'))
  })

  it('uses <repo>/out/renderer from source, never src/renderer', () => {
    expect(defaultRendererRoot('/repo/src/cli')).toBe(resolve('/repo/out/renderer'))
    expect(defaultRendererRoot(resolve(__dirname))).toBe(resolve(__dirname, '..', '..', 'out', 'renderer'))
  })

  it('names the expected folder when nothing is built', () => {
    expect(defaultRendererRoot('/nowhere/main')).toBe(resolve('/nowhere/renderer'))
  })
})
