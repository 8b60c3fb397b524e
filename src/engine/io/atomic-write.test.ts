import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AtomicWriteError, writeFileAtomic } from './atomic-write'

let folder = ''
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'atomic-write-'))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('writeFileAtomic', () => {
  it('writes bytes and chunk streams, replacing the old file and leaving no temporary file', async () => {
    const target = join(folder, 'out.bin')
    writeFileSync(target, 'old')
    await writeFileAtomic(target, Buffer.from('hello'))
    expect(readFileSync(target, 'utf8')).toBe('hello')
    async function* chunks() {
      yield Buffer.from('a')
      yield Buffer.from('bc')
    }
    await writeFileAtomic(target, chunks())
    expect(readFileSync(target, 'utf8')).toBe('abc')
    expect(readdirSync(folder)).toEqual(['out.bin'])
  })

  it('keeps the old file intact when writing fails midway', async () => {
    const target = join(folder, 'keep.bin')
    writeFileSync(target, 'original')
    function* failing() {
      yield Buffer.from('partial')
      throw new Error('disk on fire')
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('disk on fire')
    expect(readFileSync(target, 'utf8')).toBe('original')
    expect(readdirSync(folder).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('refuses to overwrite a protected source, also through a symlink', async () => {
    const source = join(folder, 'source.bin')
    writeFileSync(source, 'weights')
    const link = join(folder, 'link.bin')
    symlinkSync(source, link)
    for (const target of [source, link]) {
      const error = await writeFileAtomic(target, Buffer.from('x'), { protectedPaths: [source] }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AtomicWriteError)
      expect((error as Error).message).toContain(`refusing to overwrite ${source}: it is a source file of this export`)
    }
    expect(readFileSync(source, 'utf8')).toBe('weights')
    await writeFileAtomic(join(folder, 'other.bin'), Buffer.from('x'), { protectedPaths: [source] })
  })
})
