/**
 * `ligo grow --method lemon` on the real gpt2-moby seed (2L/128 -> 4L/192, a non-divisible width): the CLI's flags
 * -> the engine method `grow`'s growCheckpoint -> the written checkpoint, reloaded and run, gives the seed's logits to 1e-5 with no eps
 * set by hand, because LEMON's targetConfig hook writes the LayerNorm eps its exactness needs (docs/growth/lemon.md).
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkpointForward } from '../../engine/tasks/checkpoint-tasks'
import { growCheckpoint } from '../../engine/experiments/grow'
import { growParams, type GrowFlags } from './grow'

const SEED = resolve(__dirname, '../../../resources/seeds/gpt2-moby')
const root = mkdtempSync(join(tmpdir(), 'ligo-grow-lemon-'))

beforeAll(async () => {
  await tf.setBackend('cpu')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

function maxAbsDiff(a: number[][][], b: number[][][]): number {
  const [x, y] = [a.flat(2), b.flat(2)]
  return x.reduce((max, v, i) => Math.max(max, Math.abs(v - y[i])), 0)
}

describe('ligo grow --method lemon', () => {
  it('writes the adjusted LayerNorm eps and a checkpoint with the seed’s logits to 1e-5', async () => {
    const seedConfig = JSON.parse(readFileSync(join(SEED, 'config.json'), 'utf8')) as Record<string, unknown>
    const target = join(root, 'large.json')
    writeFileSync(target, JSON.stringify({ ...seedConfig, n_layer: 4, n_embd: 192, n_head: 3 }))
    const out = join(root, 'grown')
    const params = growParams({ from: SEED, to: target, method: 'lemon', out } as unknown as GrowFlags, root)
    await growCheckpoint(params) // what the engine method `grow` runs (tasks/growth-tasks.ts)

    const written = JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8')) as { layer_norm_epsilon: number; n_embd: number }
    expect(written.n_embd).toBe(192)
    expect(written.layer_norm_epsilon).toBeCloseTo((1e-5 * 128) / 192, 12) // eps·k·D1/D2 with k = 1

    const input = { input_ids: [[11, 402, 7, 93, 1500, 64, 3000, 12]] }
    const source = await checkpointForward(tf, SEED, input)
    const grown = await checkpointForward(tf, join(out, 'model'), input)
    expect(grown.shape).toEqual(source.shape)
    const scale = (source.logits as number[][][]).flat(2).reduce((max, v) => Math.max(max, Math.abs(v)), 0)
    expect(scale).toBeGreaterThan(0.1)
    expect(maxAbsDiff(source.logits as number[][][], grown.logits as number[][][])).toBeLessThan(1e-5)
  }, 120_000)
})
