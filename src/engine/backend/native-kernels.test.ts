/**
 * The native kernels against independent truths: TF.js's cpu backend (its own matmul, softmax, moments, erf and
 * their registered gradients), finite differences for the fused ops' gradients, a plain-JS AdamW, and a short
 * training run with and without the addon. Tests of the addon skip (saying why) only when it is not built.
 */
import '@tensorflow/tfjs' // gradients
import * as tf from '@tensorflow/tfjs-core'
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-cpu'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activateNativeKernels, loadNativeAddon, registerNativeKernels, unregisterNativeKernels, nativeMatMulActive, type NativeAddon } from './native-kernels'
import { dropoutAt, fusedAttention, linearFused, geluFused, geluTanhFused, layerNormFused, maskedSoftmax, maskedSoftmaxReference, nativeAdamWActive, softmaxCrossEntropy, softmaxCrossEntropyReference, type AttentionMasks } from './native-ops'
import { fusedKernelActive, FUSED_KERNELS } from './kernel-availability'
import { AdamW } from '../train/adamw'
import { registerWasmKernels } from './wasm-kernels'
import { getFamily } from '../models/registry'
import { scaledDotProductAttention, type AttentionSettings } from '../models/layers/attention'
import { makeDropout } from '../models/layers/dropout'
import { dropoutFactors, dropoutKey, dropoutSite } from './dropout-mask'
import { linear } from '../models/layers/linear'
import { TINY_CONFIGS, tinyInputs } from '../models/tiny-configs'
import type { FamilyName } from '../models/config'

const loaded = loadNativeAddon()
if (!loaded.ok) console.warn(`native-kernels tests of the addon are skipped: ${loaded.reason}`)
const addon: NativeAddon | null = loaded.ok ? loaded.addon : null

/** Deterministic values in [-1, 1). */
function randomValues(count: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 31 - 1
  })
}

/** Runs fn on the named backend and returns its outputs' values. */
async function on(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  const out = tf.tidy(fn)
  const list = Array.isArray(out) ? out : [out]
  const values = list.map((t) => t.dataSync() as Float32Array)
  tf.dispose(list)
  return values
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length)
  let worst = 0
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])))
  expect(worst).toBeLessThan(tolerance)
}

beforeAll(async () => {
  const require = createRequire(__filename)
  wasmBackend.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep)
  registerWasmKernels()
  await tf.setBackend('wasm')
  if (addon) registerNativeKernels(addon)
})

afterAll(() => unregisterNativeKernels())

describe('activateNativeKernels (no addon needed)', () => {
  it('leaves the TensorFlow native backends and cpu alone, saying why', () => {
    const never = () => {
      throw new Error('must not load the addon')
    }
    expect(activateNativeKernels('tensorflow', never)).toMatchObject({ active: false, reason: expect.stringContaining('its own BLAS') })
    expect(activateNativeKernels('cpu', never)).toMatchObject({ active: false, reason: expect.stringContaining('wasm backend only') })
  })

  it('passes the build script’s reason through when the addon is absent', () => {
    const record = activateNativeKernels('wasm', () => ({ ok: false, reason: 'addon not built: no BLAS found (install libopenblas-dev)' }))
    expect(record).toEqual({ active: false, kernels: [], blas: null, threads: null, reason: 'addon not built: no BLAS found (install libopenblas-dev)' })
  })

  it('an addon built before the linear and attention kernels existed registers the rest, not those two', async () => {
    const older = { geluForward: () => {}, geluBackward: () => {}, geluTanhForward: () => {}, geluTanhBackward: () => {} } // no linear*/attention*
    await tf.setBackend('wasm')
    unregisterNativeKernels()
    const names = registerNativeKernels(older as unknown as NativeAddon)
    expect(names).toEqual(expect.arrayContaining([FUSED_KERNELS.layerNorm, FUSED_KERNELS.maskedSoftmax]))
    expect(names).not.toEqual(expect.arrayContaining([FUSED_KERNELS.linear]))
    expect(fusedKernelActive(FUSED_KERNELS.attention)).toBe(false)
    unregisterNativeKernels()
    if (addon) registerNativeKernels(addon)
  })

  it('can be disabled with LIGO_NATIVE=0', () => {
    expect(loadNativeAddon({ LIGO_NATIVE: '0' })).toEqual({ ok: false, reason: 'disabled by LIGO_NATIVE=0' })
  })

  it('the fused ops fall back to plain TF.js ops where no fused kernel is registered (cpu)', async () => {
    const [x, labels] = [randomValues(3 * 5, 3), [4, -100, 0]]
    const [fused] = await on('cpu', () => softmaxCrossEntropy(tf.tensor2d(x, [3, 5]), tf.tensor1d(labels, 'int32')))
    // -log softmax by hand for the two counted rows
    const nll = (row: number, label: number) => {
      const r = Array.from(x.slice(row * 5, row * 5 + 5))
      return Math.log(r.reduce((s, v) => s + Math.exp(v), 0)) - r[label]
    }
    expect(fused[0]).toBeCloseTo((nll(0, 4) + nll(2, 0)) / 2, 5)
    await tf.setBackend('wasm')
  })
})

// CI installs OpenBLAS and sets LIGO_REQUIRE_NATIVE=1: there a build that silently failed must not turn the addon's
// tests below into skips.
it.runIf(process.env.LIGO_REQUIRE_NATIVE === '1')('the native addon is built and loads (required by LIGO_REQUIRE_NATIVE=1)', () => {
  expect(loaded.ok ? 'loaded' : loaded.reason).toBe('loaded')
})

describe.skipIf(!addon)('native BatchMatMul on wasm', () => {
  // Odd sizes; every transpose flag; 2-D, batched, and batch broadcast from either side.
  const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = []
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const A = (batch: number[]) => [...batch, ...(ta ? [7, 5] : [5, 7])] // op(A) [5, 7]
      const B = (batch: number[]) => [...batch, ...(tb ? [3, 7] : [7, 3])] // op(B) [7, 3]
      cases.push({ a: A([]), b: B([]), ta, tb }, { a: A([3]), b: B([3]), ta, tb }, { a: A([2, 3]), b: B([]), ta, tb }, { a: A([1]), b: B([2, 3]), ta, tb })
    }
  }
  cases.push({ a: [2, 1, 5, 7], b: [1, 3, 7, 3], ta: false, tb: false }) // two-sided broadcast: the backend's own kernel

  it.each(cases)('a $a · b $b, transposeA $ta, transposeB $tb: values and gradients match the cpu backend', async ({ a, b, ta, tb }) => {
    expect(nativeMatMulActive()).toBe(true)
    const av = randomValues(a.reduce((x, y) => x * y, 1), 11)
    const bv = randomValues(b.reduce((x, y) => x * y, 1), 12)
    const run = () => {
      const [ta_, tb_] = [tf.tensor(av, a), tf.tensor(bv, b)]
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, ta, tb))) // sin: a gradient that is not all ones
      const product = tf.matMul(ta_, tb_, ta, tb)
      // tfjs 4.22's BatchMatMul gradient cannot reduce broadcast batch dims (on every backend): values only there
      if (a.length !== b.length || a.some((d, i) => i < a.length - 2 && d !== b[i])) return [product]
      return [product, ...tf.grads(f)([ta_, tb_])]
    }
    const native = await on('wasm', run)
    const reference = await on('cpu', run)
    await tf.setBackend('wasm')
    native.forEach((values, i) => expectClose(values, reference[i], 1e-5))
  })

  // Products large enough to be split over the pool (native/kernels_gemm.c): by rows, by columns, by batch items.
  it.each([
    { a: [300, 70], b: [70, 90], ta: false, tb: false }, // rows of C
    { a: [70, 300], b: [90, 70], ta: true, tb: true }, // rows, both operands transposed
    { a: [40, 64], b: [900, 64], ta: false, tb: true }, // short and wide: columns of C
    { a: [64, 40], b: [64, 900], ta: true, tb: false }, // columns, A transposed
    { a: [9, 50, 48], b: [9, 48, 70], ta: false, tb: false }, // batch items
    { a: [2, 200, 96], b: [96, 150], ta: false, tb: false }, // few items, B broadcast: rows of each
  ])('a $a · b $b (transposeA $ta, transposeB $tb), split over threads, matches the cpu backend', async ({ a, b, ta, tb }) => {
    const av = randomValues(a.reduce((x, y) => x * y, 1), 13)
    const bv = randomValues(b.reduce((x, y) => x * y, 1), 14)
    const run = () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb)
    addon!.setThreads(2, 2)
    const native = await on('wasm', run)
    const reference = await on('cpu', run)
    await tf.setBackend('wasm')
    expectClose(native[0], reference[0], 1e-5)
  })

  it('rejects views that are too small before touching memory', () => {
    const a = new Float32Array(6)
    expect(() => addon!.sgemm(false, false, 1, 2, 2, 3, a, 0, a, 0, new Float32Array(3))).toThrow(RangeError)
    expect(() => addon!.sgemm(false, false, 2, 2, 2, 3, a, 6, a, 0, new Float32Array(8))).toThrow(/argument 6 has 6 elements, needs 12/)
  })
})

describe.skipIf(!addon)('native reductions on wasm against the cpu backend', () => {
  it.each([
    { shape: [37, 19], axis: [0], keepDims: false }, // a bias gradient
    { shape: [4, 5, 19], axis: [0, 1], keepDims: true },
    { shape: [4, 5, 19], axis: [2], keepDims: false }, // trailing axis
    { shape: [4, 5, 19], axis: [1, 2], keepDims: true },
    { shape: [4, 5, 19], axis: [0, 1, 2], keepDims: false }, // everything
    { shape: [4, 5, 19], axis: [1], keepDims: false }, // a middle axis: the backend's own kernel
    { shape: [300, 41], axis: [-2], keepDims: false }, // big enough to split over threads
  ])('Sum of $shape over $axis (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    const values = randomValues(shape.reduce((a, b) => a * b, 1), 51)
    const run = () => tf.sum(tf.tensor(values, shape), axis, keepDims)
    const native = await on('wasm', run)
    const reference = await on('cpu', run)
    await tf.setBackend('wasm')
    expectClose(native[0], reference[0], 1e-5)
    const shapeOn = async (backend: string) => {
      await tf.setBackend(backend)
      return tf.tidy(() => run().shape)
    }
    expect(await shapeOn('wasm')).toEqual(await shapeOn('cpu'))
    await tf.setBackend('wasm')
  })

  it('UnsortedSegmentSum (an embedding gradient) for float32; int32 goes to the JS kernel', async () => {
    // x [300, 37], ids in [-1, 60): repeats, empty segments and skipped rows
    const values = randomValues(300 * 37, 61)
    const ids = Array.from({ length: 300 }, (_, i) => ((i * 17) % 61) - 1)
    const run = (dtype: 'float32' | 'int32') => () => tf.unsortedSegmentSum(tf.tensor2d(dtype === 'int32' ? values.map((v) => Math.round(v * 100)) : values, [300, 37], dtype), tf.tensor1d(ids, 'int32'), 60)
    const native = await on('wasm', run('float32'))
    const reference = await on('cpu', run('float32'))
    expectClose(native[0], reference[0], 1e-5)
    expect(Array.from((await on('wasm', run('int32')))[0])).toEqual(Array.from((await on('cpu', run('int32')))[0]))
    await tf.setBackend('wasm')
  })

  it('rejects an output view that is too small', () => {
    expect(() => addon!.unsortedSegmentSum(new Float32Array(6), new Int32Array(2), 2, 3, 4, new Float32Array(11))).toThrow(/argument 5 has 11 elements, needs 12/)
    expect(() => addon!.sumOuter(new Float32Array(6), 2, 3, new Float32Array(2))).toThrow(RangeError)
  })
})

/** Central finite differences of a scalar function of x's values, at a few indices. */
function finiteDifferences(f: (x: Float32Array) => number, x: Float32Array, indices: number[], h = 1e-2): number[] {
  return indices.map((i) => {
    const up = Float32Array.from(x)
    const down = Float32Array.from(x)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)
  })
}

describe.skipIf(!addon)('fused kernels on wasm (native) against the cpu backend and finite differences', () => {
  const rows = 7
  const classes = 13
  const logits = Float32Array.from(randomValues(rows * classes, 5), (v) => 3 * v)
  const labels = [3, -100, 12, 0, 5, 99, 7] // -100 and out-of-range rows do not count

  it('softmax cross-entropy: loss and dlogits', async () => {
    const run = () => {
      const x = tf.tensor2d(logits, [rows, classes])
      const y = tf.tensor1d(labels, 'int32')
      return [softmaxCrossEntropy(x, y), tf.grad((z: tf.Tensor) => softmaxCrossEntropy(z, y))(x)]
    }
    const native = await on('wasm', run)
    const reference = await on('cpu', () => {
      const x = tf.tensor2d(logits, [rows, classes])
      const y = tf.tensor1d(labels, 'int32')
      return [softmaxCrossEntropyReference(x, y), tf.grad((z: tf.Tensor) => softmaxCrossEntropyReference(z, y))(x)]
    })
    await tf.setBackend('wasm')
    expectClose(native[0], reference[0], 1e-5)
    expectClose(native[1], reference[1], 1e-5)
    // an ignored row has zero gradient
    expect(Array.from(native[1].slice(classes, 2 * classes)).every((v) => v === 0)).toBe(true)
    const loss = (x: Float32Array) => tf.tidy(() => softmaxCrossEntropy(tf.tensor2d(x, [rows, classes]), tf.tensor1d(labels, 'int32')).dataSync()[0])
    const probe = [0, 3, 2 * classes + 12, 6 * classes + 1]
    const fd = finiteDifferences(loss, logits, probe)
    probe.forEach((i, j) => expect(native[1][i]).toBeCloseTo(fd[j], 3))
  })

  it('LayerNorm over the last axis of a 3-D input: y, dx, dgamma, dbeta', async () => {
    const shape = [2, 3, 9]
    const x = randomValues(54, 21)
    const gamma = Float32Array.from(randomValues(9, 22), (v) => 1 + v)
    const beta = randomValues(9, 23)
    const upstream = randomValues(54, 24)
    const run = () => {
      const [xt, g, b, dy] = [tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta), tf.tensor(upstream, shape)]
      const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(layerNormFused(xi, gi, bi, 1e-5), dy))
      return [layerNormFused(xt, g, b, 1e-5), ...tf.grads(f)([xt, g, b])]
    }
    const native = await on('wasm', run)
    const reference = await on('cpu', run) // layerNormFused is tf.moments-based there
    await tf.setBackend('wasm')
    native.forEach((values, i) => expectClose(values, reference[i], 2e-5))
    const objective = (xv: Float32Array) => tf.tidy(() => tf.sum(tf.mul(layerNormFused(tf.tensor(xv, shape), tf.tensor1d(gamma), tf.tensor1d(beta), 1e-5), tf.tensor(upstream, shape))).dataSync()[0])
    const probe = [0, 10, 31, 53]
    const fd = finiteDifferences(objective, x, probe)
    probe.forEach((i, j) => expect(native[1][i]).toBeCloseTo(fd[j], 2))
  })

  // erf GELU (BERT, ViT, CaiT) and GPT-2's tanh GELU: on cpu the same functions run the plain ops (Erf / Pow, Tanh)
  // and their registered gradients.
  it.each([
    { name: 'GELU (erf)', op: geluFused, kernel: FUSED_KERNELS.gelu, seed: 31 },
    { name: 'GELU tanh (GPT-2 gelu_new)', op: geluTanhFused, kernel: FUSED_KERNELS.geluTanh, seed: 32 },
  ])('$name: y and dx against the cpu backend and finite differences, including large |x|', async ({ op, kernel, seed }) => {
    expect(fusedKernelActive(kernel)).toBe(true)
    const x = Float32Array.from(randomValues(101, seed), (v) => 6 * v)
    x[0] = -30
    x[1] = 30
    const run = () => {
      const xt = tf.tensor1d(x)
      return [op(xt), tf.grad((z: tf.Tensor) => tf.sum(tf.sin(op(z))))(xt)]
    }
    const native = await on('wasm', run)
    const reference = await on('cpu', run)
    await tf.setBackend('wasm')
    native.forEach((values, i) => expectClose(values, reference[i], 2e-6))
    const objective = (xv: Float32Array) => tf.tidy(() => tf.sum(tf.sin(op(tf.tensor1d(xv)))).dataSync()[0])
    const probe = [2, 40, 77]
    const fd = finiteDifferences(objective, x, probe, 1e-3)
    probe.forEach((i, j) => expect(native[1][i]).toBeCloseTo(fd[j], 2))
  })

  // Scores [B, A, T, T]; the second item's mask blocks every key (a padding-only row), the first's one key.
  const keyMask = [[1, 1, 0, 1, 1], [0, 0, 0, 0, 0]]
  const scoreShape = [2, 3, 5, 5]
  const scores = Float32Array.from(randomValues(150, 35), (v) => 4 * v)
  const maskCases: Array<{ name: string; causal: boolean; mask: boolean }> = [
    { name: 'no mask', causal: false, mask: false },
    { name: 'causal', causal: true, mask: false },
    { name: 'padding', causal: false, mask: true },
    { name: 'causal + padding', causal: true, mask: true },
  ]
  it.each(maskCases)('masked softmax ($name): probabilities and gradient against the additive-bias softmax on cpu', async ({ causal, mask }) => {
    expect(fusedKernelActive(FUSED_KERNELS.maskedSoftmax)).toBe(true)
    const upstream = randomValues(150, 36)
    const run = (softmax: (x: tf.Tensor, m: AttentionMasks) => tf.Tensor) => () => {
      const masks: AttentionMasks = { scale: 0.7, causal, keyMask: mask ? tf.tensor2d(keyMask) : undefined }
      const x = tf.tensor(scores, scoreShape)
      const f = (z: tf.Tensor) => tf.sum(tf.mul(softmax(z, masks), tf.tensor(upstream, scoreShape)))
      return [softmax(x, masks), tf.grad(f)(x)]
    }
    const native = await on('wasm', run(maskedSoftmax))
    const reference = await on('cpu', run(maskedSoftmaxReference))
    await tf.setBackend('wasm')
    native.forEach((values, i) => expectClose(values, reference[i], 2e-6))
    if (causal) expect(native[0][1]).toBe(0) // query 0 never sees key 1
    const objective = (xv: Float32Array) =>
      tf.tidy(() => tf.sum(tf.mul(maskedSoftmax(tf.tensor(xv, scoreShape), { scale: 0.7, causal, keyMask: mask ? tf.tensor2d(keyMask) : undefined }), tf.tensor(upstream, scoreShape))).dataSync()[0])
    const probe = [0, 7, 24, 61]
    const fd = finiteDifferences(objective, scores, probe, 1e-2)
    probe.forEach((i, j) => expect(native[1][i]).toBeCloseTo(fd[j], 2))
  })

  // The attention core in one kernel per direction (q, k, v [B, T, H], 3 heads of 4): on cpu the same call runs the
  // op-by-op path (head split, matmuls, additive-bias softmax, merge) and TF.js's registered gradients.
  const attentionCases = [
    { name: 'no mask', queries: 5, causal: false, mask: false },
    { name: 'causal + padding', queries: 5, causal: true, mask: true },
    { name: 'padding', queries: 5, causal: false, mask: true },
    { name: 'one query: class attention', queries: 1, causal: false, mask: false },
  ]
  const droppedAttentionCases = [
    { name: 'dropout 0.3', queries: 5, causal: false, mask: false, dropout: 0.3 },
    { name: 'causal + padding + dropout 0.1', queries: 5, causal: true, mask: true, dropout: 0.1 },
  ]
  // Heads' products up to 16,384 multiply-adds run as loops in the kernel, larger ones through the BLAS: 40 × 40 keys
  // × 16 columns take the BLAS (the cases above the loops).
  const blasAttentionCases = [
    { name: 'BLAS-sized heads, causal + padding + dropout 0.2', queries: 40, keys: 40, hidden: 32, heads: 2, causal: true, mask: true, dropout: 0.2 },
    { name: 'BLAS-sized heads, no mask', queries: 40, keys: 40, hidden: 32, heads: 2, causal: false, mask: false, dropout: 0 },
  ]
  const smallShape = { keys: 5, hidden: 12, heads: 3 }
  it.each([...attentionCases.map((c) => ({ ...c, ...smallShape, dropout: 0 })), ...droppedAttentionCases.map((c) => ({ ...c, ...smallShape })), ...blasAttentionCases])('fused attention ($name): context, dq, dk and dv against the op-by-op path on cpu', async ({ queries, keys, hidden, heads, causal, mask, dropout }) => {
    const batch = 2
    // the small cases keep the shared mask (its second item is all padding); the long one pads item 1's last 2 keys
    const maskRows = keys === keyMask[0].length ? keyMask : Array.from({ length: batch }, (_, b) => Array.from({ length: keys }, (_, k) => (b === 1 && k >= keys - 2 ? 0 : 1)))
    const [qShape, kShape] = [[batch, queries, hidden], [batch, keys, hidden]]
    const [qv, kv, vv, upstream] = [randomValues(batch * queries * hidden, 51), randomValues(batch * keys * hidden, 52), randomValues(batch * keys * hidden, 53), randomValues(batch * queries * hidden, 54)]
    // With dropout, the op-by-op path on cpu drops its [B·A, Tq, Tk] probabilities with the JavaScript mask of the
    // same site: the fused kernel must drop the same entries, forward and backward.
    const settings = (): AttentionSettings => ({ numHeads: heads, impl: 'batched', probsDropout: dropout, dropout: makeDropout(dropout > 0, 11), causal, keyMask: mask ? tf.tensor2d(maskRows) : undefined })
    const run = () => {
      const [q, k, v] = [tf.tensor(qv, qShape), tf.tensor(kv, kShape), tf.tensor(vv, kShape)]
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(scaledDotProductAttention(a, b, c, settings()), tf.tensor(upstream, qShape)))
      return [scaledDotProductAttention(q, k, v, settings()), ...tf.grads(f)([q, k, v])]
    }
    await tf.setBackend('wasm')
    expect((await tf.profile(() => tf.tidy(run))).kernelNames).toEqual(expect.arrayContaining([FUSED_KERNELS.attention, FUSED_KERNELS.attentionGrad]))
    const native = await on('wasm', run)
    const reference = await on('cpu', run)
    await tf.setBackend('wasm')
    native.forEach((values, i) => expectClose(values, reference[i], 1e-5))
    if (dropout > 0) {
      // the dropout took effect: the context differs from the undropped one
      const undropped = await on('wasm', () => scaledDotProductAttention(tf.tensor(qv, qShape), tf.tensor(kv, kShape), tf.tensor(vv, kShape), { ...settings(), probsDropout: 0 }))
      expect(() => expectClose(native[0], undropped[0], 1e-3)).toThrow()
    }
  })

  it.each([{ name: 'with bias', bias: true }, { name: 'without bias', bias: false }])('fused linear ($name): y, dx, dW and db of a 3-D input against the matmul path on cpu', async ({ bias }) => {
    const [xShape, out] = [[2, 3, 7], 5]
    const [xv, wv, bv, upstream] = [randomValues(42, 61), randomValues(35, 62), randomValues(5, 63), randomValues(30, 64)]
    const run = () => {
      const inputs = [tf.tensor(xv, xShape), tf.tensor2d(wv, [out, 7]), ...(bias ? [tf.tensor1d(bv)] : [])]
      const f = (xi: tf.Tensor, wi: tf.Tensor, bi?: tf.Tensor) => tf.sum(tf.mul(linear(xi, wi, bi), tf.tensor(upstream, [2, 3, out])))
      return [linear(inputs[0], inputs[1], inputs[2]), ...tf.grads(f)(inputs)]
    }
    await tf.setBackend('wasm')
    expect((await tf.profile(() => tf.tidy(run))).kernelNames).toEqual(expect.arrayContaining([FUSED_KERNELS.linear, FUSED_KERNELS.linearGrad]))
    const native = await on('wasm', run)
    const reference = await on('cpu', run)
    await tf.setBackend('wasm')
    expect(native.length).toBe(bias ? 4 : 3)
    native.forEach((values, i) => expectClose(values, reference[i], 1e-5))
    expect(() => linearFused(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrow('linearFused takes x [N, in], weight [out, in]')
    expect(() => addon!.linearForward(new Float32Array(6), new Float32Array(12), null, 2, 3, 4, new Float32Array(7))).toThrow(RangeError)
  })

  it('dropout: the kernel drops exactly the elements of the JavaScript mask, and is its own gradient', async () => {
    for (const [size, rate, seed] of [[1, 0.5, 1], [17, 0.1, 2], [100_003, 0.25, 3], [65_536, 0.9, -4]] as const) {
      const site = dropoutSite(rate, dropoutKey(seed, 1))!
      const x = randomValues(size, 71 + size)
      const y = new Float32Array(size)
      addon!.dropout(x, size, site.key, site.threshold, site.scale, y)
      const factors = dropoutFactors(site, size)
      expect(Array.from(y)).toEqual(Array.from(x, (xi, i) => Math.fround(xi * factors[i])))
    }
    const site = dropoutSite(0.2, 12345)!
    const [xv, upstream] = [randomValues(6 * 35, 81), randomValues(6 * 35, 82)]
    const run = () => {
      const x = tf.tensor(xv, [6, 5, 7])
      return [dropoutAt(x, site), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(dropoutAt(a, site), tf.tensor(upstream, [6, 5, 7]))))(x)]
    }
    await tf.setBackend('wasm')
    expect((await tf.profile(() => tf.tidy(run))).kernelNames).toContain(FUSED_KERNELS.dropout)
    const native = await on('wasm', run)
    const reference = await on('cpu', run) // the plain path: x times the JavaScript factors
    await tf.setBackend('wasm')
    native.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(reference[i])))
    const factors = dropoutFactors(site, xv.length)
    expect(Array.from(native[1])).toEqual(Array.from(upstream, (u, i) => Math.fround(u * factors[i])))
    expect(() => addon!.dropout(new Float32Array(4), 4, 2 ** 32, 1, 1, new Float32Array(4))).toThrow(RangeError)
    expect(() => addon!.dropout(new Float32Array(4), 5, 1, 1, 1, new Float32Array(5))).toThrow(RangeError)
  })

  it('fused attention rejects mismatched shapes, a causal mask on one query and a mask of the wrong shape', () => {
    const masks = { numHeads: 2, scale: 1, causal: false }
    expect(() => fusedAttention(tf.zeros([1, 3, 4]), tf.zeros([1, 3, 6]), tf.zeros([1, 3, 6]), masks)).toThrow('fusedAttention takes q [B, Tq, H] and k, v [B, Tk, H]')
    expect(() => fusedAttention(tf.zeros([1, 1, 4]), tf.zeros([1, 3, 4]), tf.zeros([1, 3, 4]), { ...masks, causal: true })).toThrow('as many queries as keys')
    expect(() => fusedAttention(tf.zeros([2, 3, 4]), tf.zeros([2, 3, 4]), tf.zeros([2, 3, 4]), { ...masks, keyMask: tf.ones([1, 3]) })).toThrow('keyMask must be [2, 3], got [1,3]')
    expect(() => addon!.attentionForward(new Float32Array(12), new Float32Array(12), new Float32Array(12), 1, 2, 3, 3, 2, 4, 1, false, null, 0, 0, 1, new Float32Array(17), new Float32Array(12))).toThrow(RangeError)
    expect(() => addon!.attentionForward(new Float32Array(12), new Float32Array(12), new Float32Array(12), 1, 2, 3, 3, 2, 3, 1, false, null, 0, 0, 1, new Float32Array(18), new Float32Array(12))).toThrow('must be at least heads·headDim')
    // the talking-heads and LayerScale entry points check their arrays the same way
    const f = (n: number) => new Float32Array(n)
    expect(() => addon!.talkingAttentionForward(f(12), f(12), f(12), 1, 2, 3, 3, 2, 4, 1, f(4), f(2), f(3), f(2), 0, 0, 1, f(18), f(18), f(18), f(12))).toThrow('argument 12 has 3 elements, needs 4')
    expect(() => addon!.talkingAttentionForward(f(12), f(12), f(12), 1, 2, 3, 3, 2, 4, 1, f(4), f(2), f(4), f(2), 2 ** 32, 1, 1, f(18), f(18), f(18), f(12))).toThrow('must be an integer in [0, 2^32)')
    expect(() => addon!.scaleAdd(f(6), f(5), f(3), 2, 3, f(6))).toThrow(RangeError)
    expect(() => addon!.scaleBackward(f(6), f(6), f(3), 2, 3, f(6), f(2))).toThrow(RangeError)
  })

  // Three paths per family: everything native (ViT, DeiT, GPT-2 and CaiT blocks, CaiT's class-attention blocks, as one kernel each way), the fused attention
  // cores (CaiT's talking heads too) and linear layers without the block kernels, and op by op (none of them). With dropout (training,
  // seeded) every path drops the same entries: the block, the attention core and the plain ops hash the same indices.
  const pathCases = [
    ...(['vit', 'deit', 'cait', 'gpt2', 'bert'] as const).map((name) => ({ name, dropout: 0 })),
    ...(['vit', 'gpt2', 'bert', 'cait'] as const).map((name) => ({ name, dropout: 0.1 })),
  ]
  it.each(pathCases)('$name, dropout $dropout: logits and every parameter gradient the same with the block kernels, the fused attention core and linear layers, and op by op', async ({ name, dropout }) => {
    const family = getFamily(name)
    const step = tinyStep(name, dropout)
    const params = family.init(step.config, 7)
    const names = Object.keys(params).filter((k) => !k.startsWith('pooler.'))
    const options = { training: dropout > 0, dropoutSeed: 5, ...step.options }
    const evaluate = (): Float32Array[] =>
      tf.tidy(() => {
        const logits = (...values: tf.Tensor[]) => family.forward({ ...params, ...Object.fromEntries(names.map((n, i) => [n, values[i]])) }, step.config, step.inputs, options)
        const { value, grads } = tf.valueAndGrads((...values: tf.Tensor[]) => family.loss(logits(...values), step.targets))(names.map((n) => params[n]))
        return [logits(...names.map((n) => params[n])), value, ...grads].map((t) => t.dataSync() as Float32Array)
      })
    const kernelsOfForward = async () => (await tf.profile(() => tf.tidy(() => family.forward(params, step.config, step.inputs, options)))).kernelNames
    const usesBlock = name !== 'bert'
    const native = evaluate()
    expect(await kernelsOfForward()).toEqual(expect.arrayContaining(usesBlock ? [FUSED_KERNELS.preLnBlock, ...(name === 'cait' ? [FUSED_KERNELS.classBlock] : [])] : [FUSED_KERNELS.attention, FUSED_KERNELS.linear]))
    const blockKernels = [FUSED_KERNELS.preLnBlock, FUSED_KERNELS.preLnBlockGrad, FUSED_KERNELS.classBlock, FUSED_KERNELS.classBlockGrad]
    for (const kernel of blockKernels) tf.unregisterKernel(kernel, 'wasm')
    const fusedCore = evaluate()
    expect(await kernelsOfForward()).toEqual(expect.arrayContaining([name === 'cait' ? FUSED_KERNELS.talkingAttention : FUSED_KERNELS.attention, FUSED_KERNELS.linear]))
    const coreKernels = [FUSED_KERNELS.attention, FUSED_KERNELS.attentionGrad, FUSED_KERNELS.talkingAttention, FUSED_KERNELS.talkingAttentionGrad, FUSED_KERNELS.linear, FUSED_KERNELS.linearGrad]
    for (const kernel of coreKernels) tf.unregisterKernel(kernel, 'wasm')
    const opByOp = evaluate()
    registerNativeKernels(addon!)
    expect([...blockKernels, ...coreKernels].every(fusedKernelActive)).toBe(true)
    expect(opByOp.length).toBe(names.length + 2)
    native.forEach((values, i) => expectClose(values, opByOp[i], 1e-5))
    fusedCore.forEach((values, i) => expectClose(values, opByOp[i], 1e-5))
    tf.dispose([...Object.values(params), ...Object.values(step.inputs), step.targets.labels])
  })

  // The block kernels need every weight: a model without q/k/v biases runs its blocks (and CaiT's class-attention blocks) op by op.
  const noBiasCases = [
    { name: 'vit' as const, fused: [FUSED_KERNELS.preLnBlock], used: [FUSED_KERNELS.attention] },
    { name: 'cait' as const, fused: [FUSED_KERNELS.preLnBlock, FUSED_KERNELS.classBlock], used: [FUSED_KERNELS.talkingAttention, FUSED_KERNELS.attention] },
  ]
  it.each(noBiasCases)('a $name without q/k/v biases runs its blocks op by op, with the same values as the cpu backend', async ({ name, fused, used }) => {
    const config = { ...TINY_CONFIGS[name], qkvBias: false, hiddenDropout: 0, attentionDropout: 0 }
    const family = getFamily(name)
    const params = family.init(config, 3)
    const inputs = tf.tidy(() => tinyInputs(config, 5))
    const run = () => family.forward(params, config, inputs, { training: false })
    await tf.setBackend('wasm')
    const kernels = (await tf.profile(() => tf.tidy(run))).kernelNames
    for (const kernel of fused) expect(kernels).not.toContain(kernel)
    expect(kernels).toEqual(expect.arrayContaining(used))
    const [native] = await on('wasm', run)
    const [reference] = await on('cpu', run)
    await tf.setBackend('wasm')
    expectClose(native, reference, 1e-5)
    tf.dispose([...Object.values(params), ...Object.values(inputs)])
  })

  it('masked softmax rejects a causal mask on non-square scores and a mask of the wrong shape', () => {
    expect(() => maskedSoftmax(tf.zeros([1, 1, 2, 3]), { scale: 1, causal: true })).toThrow('as many queries as keys')
    expect(() => maskedSoftmax(tf.zeros([2, 1, 3, 3]), { scale: 1, causal: false, keyMask: tf.ones([1, 3]) })).toThrow('keyMask must be [2, 3], got [1,3]')
    expect(() => addon!.maskedSoftmaxForward(new Float32Array(9), 1, 1, 3, 3, 1, false, null, new Float32Array(8))).toThrow(RangeError)
  })

  it('AdamW update in place matches the torch.optim.AdamW formula written out in JS', () => {
    const n = 37
    const [p, m, v, g] = [randomValues(n, 41), randomValues(n, 42), Float32Array.from(randomValues(n, 43), Math.abs), randomValues(n, 44)]
    const [lr, b1, b2, eps, wd, step] = [1e-2, 0.9, 0.999, 1e-8, 0.01, 3]
    const expected = Float64Array.from(p, (pi, i) => {
      const mi = b1 * m[i] + (1 - b1) * g[i]
      const vi = b2 * v[i] + (1 - b2) * g[i] * g[i]
      const decayed = pi * (1 - lr * wd)
      return decayed - (lr * (mi / (1 - b1 ** step))) / (Math.sqrt(vi / (1 - b2 ** step)) + eps)
    })
    addon!.adamwUpdate(p, m, v, g, n, lr, b1, b2, eps, wd, step)
    p.forEach((pi, i) => expect(pi).toBeCloseTo(expected[i], 6))
    expect(m[0]).toBeCloseTo(0.9 * randomValues(n, 42)[0] + 0.1 * g[0], 6)
  })
})

/** Inputs and targets of a tiny config's training step; text batches carry a padded position (mask 0). */
function tinyStep(family: FamilyName, dropout = 0) {
  const config = { ...TINY_CONFIGS[family], hiddenDropout: dropout, attentionDropout: dropout }
  const inputs = tf.tidy(() => tinyInputs(config, 5)) // tinyInputs leaves its intermediates to the caller's scope
  if ('inputIds' in inputs) {
    const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    const labels = family === 'gpt2' ? inputs.inputIds : tf.tensor2d([[4, -100, 1, -100, 2], [-100, 6, -100, 0, -100]], [2, 5], 'int32')
    return { config, inputs: { ...inputs, attentionMask }, targets: { labels }, options: {} }
  }
  return { config, inputs, targets: { labels: tf.tensor1d([2, 0], 'int32') }, options: family === 'deit' ? { deitHeads: 'both' as const } : {} }
}

describe.skipIf(!addon)('training with and without the native kernels', () => {
  const cases = [
    ...(['bert', 'roberta', 'gpt2', 'vit', 'deit', 'cait'] as const).map((name) => ({ name, dropout: 0 })),
    // Dropout 0.1 on the hidden states and the attention probabilities: the hashed masks drop the same units on both
    // paths (the fused attention core inside itself, the plain path on its probabilities tensor).
    ...(['bert', 'gpt2', 'cait'] as const).map((name) => ({ name, dropout: 0.1 })),
  ]
  it.each(cases)('$name, dropout $dropout: the same losses over 4 AdamW steps (weight decay on), initial tensors left alone', ({ name, dropout }) => {
    const family = getFamily(name)
    const curve = (rate = dropout) => {
      const step = tinyStep(name, rate)
      const initial = family.init(step.config, 4)
      const firstName = Object.keys(initial)[0]
      const firstValues = initial[firstName].dataSync().slice()
      // tf.variable shares the initial tensors' memory: the in-place AdamW must not write through to them
      const params = Object.fromEntries(Object.entries(initial).map(([k, t]) => [k, tf.variable(t, true, `family-curve/${name}/${k}/${nativeMatMulActive()}`)]))
      const trained = Object.fromEntries(Object.entries(params).filter(([k]) => !k.startsWith('pooler.')))
      const optimizer = new AdamW(trained, { weightDecay: 0.01, noDecay: family.noDecay })
      const losses: number[] = []
      for (let i = 0; i < 4; i++) {
        const { value, grads } = tf.variableGrads(() => family.loss(family.forward(params, step.config, step.inputs, { training: true, dropoutSeed: 100 + i, ...step.options }), step.targets), Object.values(trained))
        optimizer.apply(Object.fromEntries(Object.keys(trained).map((k) => [k, grads[trained[k].name]])), 0.02)
        losses.push(value.dataSync()[0])
        tf.dispose([value, ...Object.values(grads)])
      }
      expect(Array.from(initial[firstName].dataSync())).toEqual(Array.from(firstValues))
      tf.dispose([...Object.values(initial), ...Object.values(params), ...Object.values(step.inputs), step.targets.labels])
      optimizer.dispose()
      return losses
    }
    const before = tf.memory().numTensors
    const withNative = curve()
    const undropped = dropout > 0 ? curve(0) : []
    expect(tf.memory().numTensors).toBe(before)
    unregisterNativeKernels()
    const without = curve()
    expect(nativeMatMulActive()).toBe(false)
    expect(nativeAdamWActive()).toBe(false)
    registerNativeKernels(addon!)
    expect(withNative[3]).toBeLessThan(withNative[0]) // it trains
    if (dropout > 0) expect(Math.max(...withNative.map((loss, i) => Math.abs(loss - undropped[i])))).toBeGreaterThan(1e-3) // the dropout took effect
    withNative.forEach((loss, i) => expect(loss).toBeCloseTo(without[i], 4))
  })
})
