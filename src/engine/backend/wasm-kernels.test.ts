import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from './select-backend'
import { copyBox } from './wasm-kernels'

const execFileAsync = promisify(execFile)

/** Runs fn on a backend and returns plain arrays (so results from two backends can be compared). */
async function on<T>(backend: 'wasm' | 'cpu', fn: () => T): Promise<T> {
  await tf.setBackend(backend)
  return fn()
}

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    // The real selection path: loads the wasm package, sets its paths, registers the extra kernels.
    const { record } = await selectBackend({ start: { backend: 'wasm', backendSource: 'environment' }, probeGpus: async () => ({ gpus: [], note: null }) })
    expect(record.backend).toBe('wasm')
  })

  it('is registered for wasm (tfjs-backend-wasm 4.22 ships none)', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined()
  })

  it('matches the cpu backend and a hand-computed sum, for float32 and int32, skipping out-of-range ids', async () => {
    // x: [4, 3], segmentIds: [4], numSegments 3 -> out [3, 3]; id -1 is skipped, segment 1 gets nothing
    const x = [[1, 2, 3], [10, 20, 30], [100, 200, 300], [0.5, 0.25, 0.125]]
    const ids = [2, 0, -1, 2]
    const expected = [[10, 20, 30], [0, 0, 0], [1.5, 2.25, 3.125]]
    const compute = (dtype: 'float32' | 'int32') => () =>
      tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(x, [4, 3], dtype), tf.tensor1d(ids, 'int32'), 3).arraySync())
    const before = tf.memory().numTensors
    const wasm = await on('wasm', compute('float32'))
    const cpu = await on('cpu', compute('float32'))
    expect(wasm).toEqual(cpu)
    expect(wasm).toEqual(expected)
    expect(await on('wasm', compute('int32'))).toEqual(await on('cpu', compute('int32')))
    expect(await on('wasm', compute('int32'))).toEqual([[10, 20, 30], [0, 0, 0], [1, 2, 3]])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('matches the cpu backend on a larger random case', async () => {
    // x: [50, 7], ids in [-1, 12): every segment, repeats and skipped rows; sums of the same floats in the same order
    const values = Array.from({ length: 50 * 7 }, (_, i) => Math.sin(i) * 10)
    const ids = Array.from({ length: 50 }, (_, i) => ((i * 7) % 13) - 1)
    const compute = () => tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(values, [50, 7]), tf.tensor1d(ids, 'int32'), 12).arraySync())
    const wasm = await on('wasm', compute)
    const cpu = await on('cpu', compute)
    expect(wasm).toHaveLength(12)
    wasm.flat().forEach((v, i) => expect(v).toBeCloseTo(cpu.flat()[i], 4))
  })

  it("makes tf.gather's gradient (an embedding lookup's) work and agree with cpu", async () => {
    // In a child process: gradients load through Node's own import + resolve hook, which vitest cannot host.
    const script = join(import.meta.dirname, '..', '..', '..', 'test', 'helpers', 'gather-gradient.ts')
    const { stdout } = await execFileAsync(process.execPath, ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, script], { timeout: 30_000 })
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
    expect(line, stdout).toBeDefined()
    const { wasm, cpu, leaked } = JSON.parse(line!.slice('RESULT '.length))
    expect(wasm).toEqual(cpu)
    expect(wasm).toEqual([[0, 0], [6, 8], [0, 0], [3, 4], [0, 0]])
    expect(leaked).toBe(0)
  })
})

describe('wasm fast paths (same values as the stock kernels, no copies)', () => {
  beforeAll(async () => {
    const { record } = await selectBackend({ start: { backend: 'wasm', backendSource: 'environment' }, probeGpus: async () => ({ gpus: [], note: null }) })
    expect(record.backend).toBe('wasm')
  })

  it('GatherV2 along axis 0 matches the cpu backend for float32 and int32, 1-D and 2-D indices, and rejects bad indices', async () => {
    // table [5, 3], indices [2, 3] -> [2, 3, 3]; repeats and the last row included
    const table = Array.from({ length: 15 }, (_, i) => i * 1.5 - 4)
    const ids = [[4, 0, 4], [2, 1, 3]]
    for (const dtype of ['float32', 'int32'] as const) {
      const compute = () => tf.tidy(() => [tf.gather(tf.tensor2d(table, [5, 3], dtype), tf.tensor2d(ids, [2, 3], 'int32')).arraySync(), tf.gather(tf.tensor2d(table, [5, 3], dtype), tf.tensor1d([3, 3], 'int32')).arraySync()])
      expect(await on('wasm', compute)).toEqual(await on('cpu', compute))
    }
    // axis 1 goes to the stock kernel: still the cpu's values
    const axis1 = () => tf.tidy(() => tf.gather(tf.tensor2d(table, [5, 3]), tf.tensor1d([2, 0], 'int32'), 1).arraySync())
    expect(await on('wasm', axis1)).toEqual(await on('cpu', axis1))
    await tf.setBackend('wasm')
    const before = tf.memory().numTensors
    expect(() => tf.tidy(() => tf.gather(tf.tensor2d(table, [5, 3]), tf.tensor1d([1, 5], 'int32')))).toThrow(/index value 5 is not in \[0, 4\]/)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('Identity (tf.clone) and identity-permutation Transpose share memory instead of copying; other permutations still transpose', async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]])
    const buffers = tf.engine().backend.numDataIds()
    const clone = tf.clone(x)
    const same = tf.transpose(x, [0, 1])
    expect(tf.engine().backend.numDataIds()).toBe(buffers) // a copy would be a new buffer on the heap
    x.dispose() // the shared memory lives on while the clone and the view do
    expect(clone.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]])
    expect(same.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]])
    const swapped = tf.transpose(clone)
    expect(swapped.arraySync()).toEqual([[1, 4], [2, 5], [3, 6]])
    tf.dispose([clone, same, swapped])
  })

  /** A shape of rank 1-4 (sides 1-5), with a box inside it: [shape, begin, size]. */
  const shapeWithBox = fc
    .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
    .chain((shape) =>
      fc.tuple(fc.constant(shape), fc.tuple(...shape.map((side) => fc.integer({ min: 0, max: side - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: side - b })))))),
    )
    .map(([shape, ranges]) => ({ shape, begin: ranges.map(([b]) => b), size: ranges.map(([, s]) => s) }))

  it('copyBox copies exactly the box, element by element as indices say (any rank, empty boxes included)', () => {
    fc.assert(
      fc.property(shapeWithBox, ({ shape, begin, size }) => {
        const total = shape.reduce((a, b) => a * b, 1)
        const source = Float32Array.from({ length: total }, (_, i) => i)
        const out = new Float32Array(size.reduce((a, b) => a * b, 1))
        copyBox(source, shape, begin, size, out)
        // expected: walk every index of the box in row-major order, read source at begin + index
        const expected: number[] = []
        const walk = (d: number, offset: number) => {
          if (d === shape.length) return void expected.push(source[offset])
          const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1)
          for (let i = 0; i < size[d]; i++) walk(d + 1, offset + (begin[d] + i) * stride)
        }
        walk(0, 0)
        expect(Array.from(out)).toEqual(expected)
      }),
    )
  })

  it('Slice, SplitV and Concat match the cpu backend for float32, int32 and bool, and leak nothing', async () => {
    const cases = fc.sample(shapeWithBox, { numRuns: 60, seed: 7 })
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const { shape, begin, size } of cases) {
        const total = shape.reduce((a, b) => a * b, 1)
        const values = Array.from({ length: total }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i * 0.5 - 7))
        const axis = shape.length - 1 - (total % shape.length)
        const cut = Math.floor(shape[axis] / 2)
        const compute = () =>
          tf.tidy(() => {
            const x = tf.tensor(values as number[], shape, dtype)
            const parts = cut > 0 ? tf.split(x, [cut, shape[axis] - cut], axis) : [x] // SplitV: Concat's gradient
            return {
              slice: tf.slice(x, begin, size).arraySync(),
              split: parts.map((p) => p.arraySync()),
              concat: tf.concat([...parts].reverse(), axis).arraySync(),
            }
          })
        await tf.setBackend('wasm')
        const before = tf.memory().numTensors
        const wasm = compute()
        expect(tf.memory().numTensors).toBe(before)
        expect(wasm, `${dtype} [${shape}] box ${begin}+${size}, split at ${cut} of axis ${axis}`).toEqual(await on('cpu', compute))
      }
    }
  })

  it('the fast paths are registered in place of the stock Slice, SplitV and Concat', async () => {
    await tf.setBackend('wasm')
    // the stock kernels copy the input out of the heap (readSync); the fast paths read it in place
    const x = tf.tensor3d(Array.from({ length: 2 * 3 * 4 }, (_, i) => i), [2, 3, 4])
    const backend = tf.engine().backend as unknown as { readSync: (...args: unknown[]) => unknown }
    const readSync = backend.readSync
    let reads = 0
    backend.readSync = (...args: unknown[]) => (reads++, readSync.apply(backend, args))
    try {
      tf.dispose([tf.slice(x, [0, 1, 0], [2, 1, 4]), ...tf.split(x, [1, 2], 1), tf.concat([x, x], 1)])
    } finally {
      backend.readSync = readSync
      x.dispose()
    }
    expect(reads).toBe(0)
  })
})
