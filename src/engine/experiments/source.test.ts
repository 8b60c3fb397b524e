/** `from` of a growth or comparison goes through the one model resolver: seeds by name and by zoo id, presets, paths. */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { findSeedsDir, resolveSeed } from '../seeds'
import { disposeSmall, loadSmallModel } from './source'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('loadSmallModel', () => {
  it('loads the real built-in seed by name, by zoo id and by path: the same weights and its tokenizer', async () => {
    const dir = resolveSeed('bert-moby', findSeedsDir()).dir
    const before = tf.memory().numTensors
    const [byName, byId, byPath] = [await loadSmallModel('bert-moby', 0), await loadSmallModel('seed:bert-moby', 0), await loadSmallModel(dir, 0)]
    expect([byName.source, byId.source, byPath.source]).toEqual([dir, dir, dir])
    expect(byName.config).toEqual(byPath.config)
    expect(byName.tokenizer).toBeDefined()
    const name = 'embed.tok.weight'
    expect(Array.from(byName.params[name].dataSync())).toEqual(Array.from(byPath.params[name].dataSync()))
    expect(Object.keys(byId.params).sort()).toEqual(Object.keys(byPath.params).sort())
    for (const small of [byName, byId, byPath]) disposeSmall(small)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('starts a preset (by id or zoo id) from its random init', async () => {
    const small = await loadSmallModel('preset:bert-mini', 3)
    expect([small.source, small.trainedOn, small.config.family]).toEqual(['bert-mini', 'untrained', 'bert'])
    disposeSmall(small)
  })

  it('refuses an unknown name and a config file, naming them', async () => {
    await expect(loadSmallModel('no-such-model', 0)).rejects.toThrow(/Unknown model "no-such-model": not a model preset .*not a built-in seed/)
    const dir = mkdtempSync(join(tmpdir(), 'ligo-source-'))
    try {
      writeFileSync(join(dir, 'large.json'), '{"family": "bert"}')
      await expect(loadSmallModel(join(dir, 'large.json'), 0)).rejects.toThrow(/large\.json is a config file: it has no weights to grow from/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
