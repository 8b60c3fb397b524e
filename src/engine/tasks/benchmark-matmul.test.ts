import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EngineEvent, TaskProgressEvent } from '../../shared'
import { benchmarkMatmul } from './benchmark-matmul'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('benchmarkMatmul', () => {
  it('times each size, reports GFLOP/s = 2n^3 / seconds per product, and emits progress after each size', async () => {
    const events: EngineEvent[] = []
    const before = tf.memory().numTensors
    const result = await benchmarkMatmul(tf, { sizes: [16, 32], path: 'backend', taskId: '7', signal: new AbortController().signal, emit: (e) => events.push(e), secondsPerSize: 0.05 })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.backend).toBe('cpu')
    expect(result.rows.map((r) => r.size)).toEqual([16, 32])
    for (const row of result.rows) {
      expect(row.repeats).toBeGreaterThan(0)
      expect(row.gflops).toBeGreaterThan(0)
      // the definition, recomputed from the row's own time per product
      expect(row.gflops).toBeCloseTo((2 * row.size ** 3) / (row.milliseconds / 1000) / 1e9, 6)
    }
    const progress = events.filter((e): e is TaskProgressEvent => e.type === 'task.progress')
    expect(progress.map((p) => [p.done, p.total, p.unit, p.taskId])).toEqual([[0, 2, 'sizes', '7'], [1, 2, 'sizes', '7'], [2, 2, 'sizes', '7']])
    expect(progress[0].etaSeconds).toBeNull()
    expect(progress[1].etaSeconds).toBeGreaterThan(0)
    expect(progress[2].etaSeconds).toBe(0)
    expect(progress[2].elapsedSeconds).toBeGreaterThanOrEqual(0.1)
    expect(events.filter((e) => e.type === 'task.metric').map((e) => (e as { values: Record<string, number> }).values.size)).toEqual([16, 32])
  })

  it('computes a real product (checked against a hand-computed 16x16 case)', async () => {
    // The benchmark trusts tf.matMul; check that the backend it times multiplies correctly: I * B = B.
    const b = tf.tidy(() => tf.reshape(tf.range(0, 256), [16, 16]))
    const product = tf.tidy(() => tf.matMul(tf.eye(16), b))
    expect(product.arraySync()).toEqual(b.arraySync())
    tf.dispose([b, product])
  })

  it('stops between products when cancelled, with a cancelled error, and frees its tensors', async () => {
    const controller = new AbortController()
    const before = tf.memory().numTensors
    const run = benchmarkMatmul(tf, {
      sizes: [16, 16, 16],
      path: 'backend',
      taskId: '1',
      signal: controller.signal,
      emit: (e) => {
        if (e.type === 'task.progress' && e.done === 1) controller.abort()
      },
      secondsPerSize: 0.05,
    })
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: 'The matmul benchmark (at 16x16) was cancelled' })
    expect(tf.memory().numTensors).toBe(before)
  })
})
