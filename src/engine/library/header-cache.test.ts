import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readCheckpointHeaders } from './checkpoint-headers'
import { cachedHeaderReader } from './header-cache'
import type { HeaderReader } from './catalog'
import { SHARED_FIXTURES } from '../../../test/fixtures/bad-checkpoints/builders'

const FIXTURE = join(SHARED_FIXTURES, 'bert-tiniest-lmhead')

describe('cachedHeaderReader', () => {
  let dir: string
  let reads: string[]
  const counting: HeaderReader = (path, layout) => {
    reads.push(path)
    return readCheckpointHeaders(path, layout)
  }
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'header-cache-'))
    cpSync(FIXTURE, join(dir, 'bert'), { recursive: true })
    reads = []
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('parses a checkpoint once while its files stay the same, with the same answer as a fresh read', async () => {
    const read = cachedHeaderReader(counting)
    const first = await read(join(dir, 'bert'), 'hf')
    const second = await read(join(dir, 'bert'), 'hf')
    expect(reads).toHaveLength(1)
    expect(second).toEqual(first)
    expect(second).toEqual(await readCheckpointHeaders(join(dir, 'bert'), 'hf'))
  })

  it('reads again when a file in the folder changed, was added, or was replaced by a rename', async () => {
    const read = cachedHeaderReader(counting)
    const path = join(dir, 'bert')
    const before = await read(path, 'hf')
    // config.json edited: another layer norm epsilon, same size class of change, a later mtime
    const configPath = join(path, 'config.json')
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>
    writeFileSync(configPath, JSON.stringify({ ...config, layer_norm_eps: 1e-7 }))
    utimesSync(configPath, new Date(), new Date(Date.now() + 5000))
    const edited = await read(path, 'hf')
    expect(reads).toHaveLength(2)
    expect(edited.config).not.toEqual(before.config)
    expect((edited.config as { layerNormEps: number }).layerNormEps).toBe(1e-7)
    await read(path, 'hf')
    expect(reads).toHaveLength(2)
    // a file added next to the weights
    writeFileSync(join(path, 'README.md'), 'notes')
    await read(path, 'hf')
    expect(reads).toHaveLength(3)
    // the weights replaced atomically (temp + rename): another inode
    const weights = join(path, 'model.safetensors')
    cpSync(weights, `${weights}.tmp`)
    renameSync(`${weights}.tmp`, weights)
    await read(path, 'hf')
    expect(reads).toHaveLength(4)
  })

  it('keeps no failed read and holds at most its capacity', async () => {
    const read = cachedHeaderReader(counting, 1)
    writeFileSync(join(dir, 'broken.safetensors'), Buffer.from([1, 2, 3]))
    await expect(read(join(dir, 'broken.safetensors'), 'hf')).rejects.toThrow('broken.safetensors')
    await expect(read(join(dir, 'broken.safetensors'), 'hf')).rejects.toThrow('broken.safetensors')
    expect(reads).toHaveLength(2)
    await read(join(dir, 'bert'), 'hf')
    expect(read.size).toBe(1)
  })
})
