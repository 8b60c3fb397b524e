/**
 * The addon's thread pool (native/thread_pool.c) under stress: thousands of back-to-back jobs with varying chunk
 * counts, checked element by element against plain-JS references. A chunk that runs twice (a helper finishing one
 * job claiming a chunk of the next) or a call that returns while a helper still runs one shows up as a wrong AdamW
 * step (applied twice or not at all) or a wrong segment sum. Inputs are seeded; nothing is timed. Sum-inner jobs are
 * interleaved because their chunks are tiny, which keeps helpers arriving while a new job is being published.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { loadNativeAddon, type NativeAddon } from './native-kernels'

const loaded = loadNativeAddon()
const addon: NativeAddon | null = loaded.ok ? loaded.addon : null

/** A seeded generator of floats in [-1, 1) and integers below a bound. */
function generator(seed: number): { float(): number; int(below: number): number } {
  let s = seed >>> 0 || 1
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0)
  return { float: () => next() / 2 ** 31 - 1, int: (below) => next() % below }
}

/** torch.optim.AdamW's step in float32, element by element (as kernels.h states it). */
function adamwReference(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, lr: number, step: number): void {
  const [b1, b2, eps, decay] = [0.9, 0.999, 1e-8, 0.01].map(Math.fround)
  const c1 = Math.fround(1 - 0.9 ** step)
  const c2 = Math.fround(1 - 0.999 ** step)
  const f = Math.fround
  for (let i = 0; i < p.length; i++) {
    m[i] = f(f(b1 * m[i]) + f(f(1 - b1) * g[i]))
    v[i] = f(f(b2 * v[i]) + f(f(f(1 - b2) * g[i]) * g[i]))
    const update = f(f(m[i] / c1) / f(f(Math.sqrt(f(v[i] / c2))) + eps))
    p[i] = f(p[i] - f(f(lr) * f(update + f(decay * p[i]))))
  }
}

const previousThreads = addon?.info().poolThreads ?? 0
afterAll(() => addon?.setThreads(0, previousThreads))

describe.skipIf(!addon)('native thread pool under thousands of jobs', () => {
  it('runs every chunk exactly once (AdamW in place, segment sums, row sums) with 2 to 4 threads', () => {
    const native = addon!
    const random = generator(16)
    // Inputs and references are made once for the largest job; a job of n elements is checked against the first n
    // (every kernel here is element- or row-wise, so a prefix of the input gives a prefix of the output).
    const maxAdam = 65536 * 5
    const p0 = Float32Array.from({ length: maxAdam }, random.float)
    const g = Float32Array.from({ length: maxAdam }, random.float)
    const adamExpected = [1, 2, 3].map((step) => {
      const [p, m, v] = [p0.slice(), new Float32Array(maxAdam), new Float32Array(maxAdam)]
      adamwReference(p, m, v, g, 1e-3, step)
      return { p, m, v }
    })
    const maxRows = 16384 * 6
    const rowData = Float32Array.from({ length: maxRows * 3 }, () => random.int(7))
    const rowExpected = [1, 2, 3].map((width) =>
      Float32Array.from({ length: maxRows }, (_, r) => {
        let total = 0
        for (let c = 0; c < width; c++) total += rowData[r * width + c]
        return total
      }),
    )
    const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b)) // FMA contraction: 1 ulp

    let jobs = 0
    for (let round = 0; round < 300; round++) {
      native.setThreads(0, 2 + (round % 3)) // the pool's thread count changes between jobs too

      // AdamW: at least 65536 elements per thread, so 2..5 x 65536 elements make 2..20 chunks.
      const size = 65536 * (2 + random.int(3)) + random.int(65536)
      const step = 1 + random.int(3)
      const [p, m, v] = [p0.slice(0, size), new Float32Array(size), new Float32Array(size)]
      native.adamwUpdate(p, m, v, g, size, 1e-3, 0.9, 0.999, 1e-8, 0.01, step)
      jobs++

      // Segment sums over columns (at least 32 per thread); count * inner >= 65536 takes the parallel path.
      const inner = 64 + random.int(448)
      const count = Math.ceil(65536 / inner) + random.int(16)
      const segments = 1 + random.int(8)
      const x = p0.subarray(0, count * inner)
      const ids = Int32Array.from({ length: count }, () => random.int(segments + 1) - 1) // -1: skipped
      const out = new Float32Array(segments * inner).fill(Number.NaN)
      native.unsortedSegmentSum(x, ids, count, inner, segments, out)
      jobs++

      // A burst of small jobs with many tiny chunks, so helpers keep arriving while the next job is published.
      const rowSums: Array<{ width: number; sums: Float32Array }> = []
      for (let burst = 0; burst < 8; burst++) {
        const width = 1 + random.int(3)
        const rows = 16384 + random.int(maxRows - 16384)
        const sums = new Float32Array(rows).fill(Number.NaN)
        native.sumInner(rowData, rows, width, sums)
        rowSums.push({ width, sums })
        jobs++
      }

      // Checked after the whole round, so a helper still writing into an earlier job's output would be seen.
      const adam = adamExpected[step - 1]
      for (let i = 0; i < size; i++) {
        if (!near(p[i], adam.p[i]) || !near(m[i], adam.m[i]) || !near(v[i], adam.v[i])) {
          expect.fail(`round ${round}: AdamW element ${i} of ${size} is (${p[i]}, ${m[i]}, ${v[i]}), expected (${adam.p[i]}, ${adam.m[i]}, ${adam.v[i]})`)
        }
      }
      const expected = new Float32Array(segments * inner)
      for (let i = 0; i < count; i++) {
        if (ids[i] < 0) continue
        for (let c = 0; c < inner; c++) expected[ids[i] * inner + c] = Math.fround(expected[ids[i] * inner + c] + x[i * inner + c])
      }
      for (let i = 0; i < expected.length; i++) {
        // Each column is summed in row order on every path, so the sums are exact.
        if (out[i] !== expected[i]) expect.fail(`round ${round}: segment sum element ${i} is ${out[i]}, expected ${expected[i]}`)
      }
      for (const { width, sums } of rowSums) {
        for (let r = 0; r < sums.length; r++) {
          if (sums[r] !== rowExpected[width - 1][r]) expect.fail(`round ${round}: row sum ${r} (width ${width}) is ${sums[r]}, expected ${rowExpected[width - 1][r]}`)
        }
      }
    }
    expect(jobs).toBe(300 * 10)
  }, 120_000)
})
