/**
 * fp32 matmul throughput on the active backend: for each size n, time repeated n x n times n x n products
 * for about `secondsPerSize` and report GFLOP/s = 2 n^3 / seconds per product (n^2 outputs, each n
 * multiply-adds). Reference points on the 2-vCPU dev machine (docs/engine/measurements.md, section 1):
 * tfjs wasm + SIMD ~35-42 GFLOP/s, tfjs cpu ~1 GFLOP/s, OpenBLAS peak ~235 per core.
 */
import type * as tfCore from '@tensorflow/tfjs-core'
import type { EngineEvent, MatmulBenchmarkResult } from '../../shared'
import { throwIfCancelled } from '../runtime/engine-server'

export const DEFAULT_SECONDS_PER_SIZE = 0.3

export interface MatmulBenchmarkOptions {
  sizes: number[]
  /** What tf.matMul runs on: the native addon's BLAS (when it serves BatchMatMul) or the backend's kernel. */
  path: MatmulBenchmarkResult['path']
  taskId: string
  signal: AbortSignal
  emit(event: EngineEvent): void
  secondsPerSize?: number
  now?: () => number
}

/** Lets IPC messages (cancel, other requests) and the event batcher's timer run between products. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export async function benchmarkMatmul(tf: typeof tfCore, options: MatmulBenchmarkOptions): Promise<MatmulBenchmarkResult> {
  const { sizes, taskId, signal, emit } = options
  const budgetMs = (options.secondsPerSize ?? DEFAULT_SECONDS_PER_SIZE) * 1000
  const now = options.now ?? (() => performance.now())
  const startedAt = now()
  const rows: MatmulBenchmarkResult['rows'] = []
  const elapsedSeconds = () => (now() - startedAt) / 1000

  const progress = (done: number, message: string) =>
    emit({
      type: 'task.progress',
      taskId,
      done,
      total: sizes.length,
      unit: 'sizes',
      elapsedSeconds: elapsedSeconds(),
      // Every size gets the same time budget, so the average so far is a fair estimate for the rest.
      etaSeconds: done === 0 ? null : (elapsedSeconds() / done) * (sizes.length - done),
      message,
    })

  progress(0, `Timing ${sizes.length} matrix size${sizes.length === 1 ? '' : 's'} on ${tf.getBackend()}${options.path === 'native' ? ' with the native BLAS kernels' : ''}`)
  for (const [index, n] of sizes.entries()) {
    throwIfCancelled(signal, `The matmul benchmark (at ${n}x${n})`)
    const a = tf.randomNormal([n, n], 0, 1, 'float32')
    const b = tf.randomNormal([n, n], 0, 1, 'float32')
    try {
      // Warm-up product: the first call on a backend allocates and, for wasm/native, sets up the kernel.
      multiplyAndWait(tf, a, b)
      let computeMs = 0
      let repeats = 0
      const sizeStartedAt = now()
      while (repeats === 0 || now() - sizeStartedAt < budgetMs) {
        throwIfCancelled(signal, `The matmul benchmark (at ${n}x${n})`)
        const t0 = now()
        multiplyAndWait(tf, a, b)
        computeMs += now() - t0 // only the product and its read-back, not the yields
        repeats++
        await yieldToEventLoop()
      }
      const secondsPerProduct = computeMs / 1000 / repeats
      const gflops = (2 * n ** 3) / secondsPerProduct / 1e9
      rows.push({ size: n, gflops, milliseconds: computeMs / repeats, repeats })
      emit({ type: 'task.metric', taskId, values: { size: n, gflops, milliseconds: computeMs / repeats } })
      progress(index + 1, `${n}x${n}: ${gflops.toFixed(1)} GFLOP/s (${repeats} products)`)
    } finally {
      a.dispose()
      b.dispose()
    }
  }
  return { backend: tf.getBackend(), path: options.path, rows }
}

/**
 * One product, read back so the time covers the whole computation even on backends that queue work
 * (reading forces completion). The read-back of n^2 floats is small next to 2 n^3 FLOPs except for tiny n.
 */
function multiplyAndWait(tf: typeof tfCore, a: tfCore.Tensor, b: tfCore.Tensor): void {
  const product = tf.matMul(a, b)
  try {
    product.dataSync()
  } finally {
    product.dispose()
  }
}
