/**
 * The optional native kernels (native/, a Node-API addon over the platform BLAS) as TensorFlow.js kernels of the
 * wasm backend.
 *
 * Why (docs/engine/measurements.md §3.4, issue "Engine speed"): tfjs-backend-wasm sends a matmul to XNNPACK (~40
 * GFLOP/s) only when it is 2-D and untransposed; every transposed or batched case (all matmul gradients, the
 * attention products) runs a naive loop at ~3 GFLOP/s, while OpenBLAS reaches ~235 GFLOP/s per core here.
 *
 * How: the addon's functions take typed arrays; for the wasm backend those are views of the wasm heap
 * (backend.typedArrayFromHeap), so the kernels read inputs and write outputs in the tensors' own memory, with no
 * copy. Views are taken after every output is allocated, because an allocation may grow (and so move) the heap.
 *
 * Where @tensorflow/tfjs-node is the backend it stays first choice and the addon is not used (libtensorflow has
 * its own BLAS). The addon is built at install by scripts/build-native.js when a compiler and a BLAS are present;
 * when it is absent the reason comes from native/build/status.json ("no C compiler", "no BLAS found", ...).
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, SumAttrs, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { NativeKernelsRecord } from '../../shared'
import { blockKernelConfigs } from './native-block'
import { classBlockKernelConfigs } from './native-class-block'
import { FUSED_KERNELS, fusedKernelActive, nativeMatMulActive, setNativeMatMul } from './kernel-availability'

export { FUSED_KERNELS, fusedKernelActive, nativeMatMulActive }

/** The addon's functions (native/ligo_kernels.c). Every array is float32 unless named labels (int32). */
export interface NativeAddon {
  sgemm(transA: boolean, transB: boolean, batch: number, m: number, n: number, k: number, a: Float32Array, strideA: number, b: Float32Array, strideB: number, c: Float32Array): void
  /** y [rows, out] = x [rows, in] · wᵀ + b, w [out, in]; b [out] or null. */
  linearForward(x: Float32Array, w: Float32Array, b: Float32Array | null, rows: number, inFeatures: number, outFeatures: number, y: Float32Array): void
  /** dx = dy·w, dw = dyᵀ·x, db = Σ_rows dy (db null: skipped). */
  linearBackward(dy: Float32Array, x: Float32Array, w: Float32Array, rows: number, inFeatures: number, outFeatures: number, dx: Float32Array, dw: Float32Array, db: Float32Array | null): void
  /** Returns [Σ loss over counted rows, counted rows]; writes lse [rows]. */
  softmaxXentForward(logits: Float32Array, labels: Int32Array, rows: number, classes: number, lse: Float32Array): [number, number]
  softmaxXentBackward(logits: Float32Array, labels: Int32Array, lse: Float32Array, rows: number, classes: number, scale: number, dlogits: Float32Array): void
  layerNormForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, rows: number, cols: number, eps: number, y: Float32Array, mean: Float32Array, rstd: Float32Array): void
  layerNormBackward(dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, rstd: Float32Array, rows: number, cols: number, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void
  geluForward(x: Float32Array, size: number, y: Float32Array): void
  geluBackward(dy: Float32Array, x: Float32Array, size: number, dx: Float32Array): void
  /** GPT-2's "gelu_new" (tanh approximation) and its gradient. */
  geluTanhForward(x: Float32Array, size: number, y: Float32Array): void
  geluTanhBackward(dy: Float32Array, x: Float32Array, size: number, dx: Float32Array): void
  /** x, y [items·heads·queries, keys]; keyMask [items, keys] (0 = padding) or null; causal needs queries = keys. */
  maskedSoftmaxForward(x: Float32Array, items: number, heads: number, queries: number, keys: number, scale: number, causal: boolean, keyMask: Float32Array | null, y: Float32Array): void
  maskedSoftmaxBackward(y: Float32Array, dy: Float32Array, rows: number, keys: number, scale: number, dx: Float32Array): void
  /**
   * The attention core (kernels_attention.c): q [items, queries, ld], k, v [items, keys, ld] (row stride ld >= heads·headDim:
   * heads·headDim for separate arrays, 3·heads·headDim for the column blocks of one q|k|v projection); context
   * [items, queries, heads·headDim]; probs [items, heads, queries, keys]; keyMask as maskedSoftmaxForward's.
   */
  attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, items: number, heads: number, queries: number, keys: number, headDim: number, ld: number, scale: number, causal: boolean, keyMask: Float32Array | null, dropKey: number, dropThreshold: number, dropScale: number, probs: Float32Array, context: Float32Array): void
  /** The forward call's dropout settings, so that the same mask is recomputed. */
  attentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, dcontext: Float32Array, items: number, heads: number, queries: number, keys: number, headDim: number, ld: number, scale: number, dropKey: number, dropThreshold: number, dropScale: number, dq: Float32Array, dk: Float32Array, dv: Float32Array): void
  /** CaiT's talking-heads attention (kernels.h); scores, probs, mixed [items, heads, queries, keys] kept for the backward pass. */
  talkingAttentionForward(q: Float32Array, k: Float32Array, v: Float32Array, items: number, heads: number, queries: number, keys: number, headDim: number, ld: number, scale: number, wPre: Float32Array, bPre: Float32Array, wPost: Float32Array, bPost: Float32Array, dropKey: number, dropThreshold: number, dropScale: number, scores: Float32Array, probs: Float32Array, mixed: Float32Array, context: Float32Array): void
  talkingAttentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, scores: Float32Array, probs: Float32Array, mixed: Float32Array, dcontext: Float32Array, items: number, heads: number, queries: number, keys: number, headDim: number, ld: number, scale: number, wPre: Float32Array, wPost: Float32Array, dropKey: number, dropThreshold: number, dropScale: number, dq: Float32Array, dk: Float32Array, dv: Float32Array, dwPre: Float32Array, dbPre: Float32Array, dwPost: Float32Array, dbPost: Float32Array): void
  /** y = x + a ⊙ gamma over rows (CaiT's LayerScale residual); backward da = dy ⊙ gamma, dgamma = Σ_rows dy ⊙ a. */
  scaleAdd(x: Float32Array, a: Float32Array, gamma: Float32Array, rows: number, cols: number, y: Float32Array): void
  scaleBackward(dy: Float32Array, a: Float32Array, gamma: Float32Array, rows: number, cols: number, da: Float32Array, dgamma: Float32Array): void
  /** out = a + b element-wise (out may be a or b). */
  add(a: Float32Array, b: Float32Array, size: number, out: Float32Array): void
  /** y = x · dropout factors of a site (backend/dropout-mask.ts); also its own backward pass, on dy. */
  dropout(x: Float32Array, size: number, key: number, threshold: number, scale: number, y: Float32Array): void
  adamwUpdate(param: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, size: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number): void
  /** x [outer, inner] -> out [inner] (Σ over rows) / out [outer] (Σ over columns). */
  sumOuter(x: Float32Array, outer: number, inner: number, out: Float32Array): void
  sumInner(x: Float32Array, outer: number, inner: number, out: Float32Array): void
  /** x [count, inner], ids [count] -> out [segments, inner]; ids outside [0, segments) skipped. */
  unsortedSegmentSum(x: Float32Array, ids: Int32Array, count: number, inner: number, segments: number, out: Float32Array): void
  info(): { blas: string; blasThreads: number; poolThreads: number }
  setThreads(blasThreads: number, poolThreads: number): void
}

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string }

/** Set to "0" to keep the addon off (measuring the WebAssembly kernels, or ruling the addon out of a bug). */
export const NATIVE_ENV_VAR = 'LIGO_NATIVE'
/** Path of a ligo_kernels.node to load instead of searching for native/build/Release. */
export const NATIVE_ADDON_ENV_VAR = 'LIGO_NATIVE_ADDON'

const ADDON_RELATIVE = join('native', 'build', 'Release', 'ligo_kernels.node')
const STATUS_RELATIVE = join('native', 'build', 'status.json')

/** The repository (or app) root: the nearest folder above this file with a native/ folder, then a package.json. */
function findRoot(from: string): string | null {
  let fallback: string | null = null
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'native', 'binding.gyp')) || existsSync(join(dir, ADDON_RELATIVE))) return dir
    if (fallback === null && existsSync(join(dir, 'package.json'))) fallback = dir
    if (dirname(dir) === dir) return fallback
  }
}

/** Why the addon is not there, in the words of the build script's status file. */
function absentReason(root: string | null): string {
  const status = root ? join(root, STATUS_RELATIVE) : null
  if (status && existsSync(status)) {
    try {
      const parsed = JSON.parse(readFileSync(status, 'utf8')) as { reason?: unknown }
      if (typeof parsed.reason === 'string') return `addon not built: ${parsed.reason}`
    } catch {
      // fall through to the generic sentence
    }
  }
  return 'addon not built: run `node scripts/build-native.js` (needs a C compiler and libopenblas-dev)'
}

let cached: AddonLoad | null = null

/** Loads the addon once per process; never throws. */
export function loadNativeAddon(env: NodeJS.ProcessEnv = process.env): AddonLoad {
  if (env[NATIVE_ENV_VAR] === '0') return { ok: false, reason: `disabled by ${NATIVE_ENV_VAR}=0` }
  if (cached) return cached
  const root = findRoot(__dirname)
  const path = env[NATIVE_ADDON_ENV_VAR] || (root ? join(root, ADDON_RELATIVE) : null)
  if (!path || !existsSync(path)) return (cached = { ok: false, reason: absentReason(root) })
  try {
    const addon = createRequire(__filename)(path) as NativeAddon
    addon.info() // proves the BLAS symbols resolve
    cached = { ok: true, addon, path }
  } catch (error) {
    cached = { ok: false, reason: `addon at ${path} failed to load: ${(error as Error).message.split('\n')[0]}` }
  }
  return cached
}

// ---- kernels ------------------------------------------------------------------------------------------------

type Heap = (info: TensorInfo) => Float32Array

const heapF32 = (backend: BackendWasm): Heap => (info) => backend.typedArrayFromHeap(info) as Float32Array
const heapI32 = (backend: BackendWasm, info: TensorInfo) => backend.typedArrayFromHeap(info) as Int32Array
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/**
 * BatchMatMul for every transpose flag and batch shape through addon.sgemm. a [...batchA, M, K] (or [..., K, M]
 * with transposeA), b [...batchB, K, N] (or [..., N, K]); out [...broadcast(batchA, batchB), M, N].
 * Batches broadcast when one side has a single matrix (its stride is 0); other broadcasts and non-float32 inputs
 * go to the backend's own kernel.
 */
function batchMatMulKernel(addon: NativeAddon, original: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args)
    const [ra, rb] = [a.shape.length, b.shape.length]
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2]
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1]
    const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2]
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1]
    if (k !== kB) {
      throw new Error(`Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`)
    }
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
    const [batchA, batchB, batch] = [size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2)), size(outer)]
    const broadcastable = (batchA === batch || batchA === 1) && (batchB === batch || batchB === 1)
    if (!broadcastable) return original(args)
    const backend = args.backend as BackendWasm
    const out = backend.makeOutput([...outer, m, n], 'float32')
    const view = heapF32(backend)
    addon.sgemm(!!transposeA, !!transposeB, batch, m, n, k, view(a), batchA === 1 ? 0 : m * k, view(b), batchB === 1 ? 0 : k * n, view(out))
    return out
  }
}

/**
 * Sum over leading axes (bias gradients: [N, out] -> [out]) or trailing axes, float32, through the addon. The
 * wasm kernel reduces only the last axis, so for a leading axis it first transposes the whole input (~17 ms for a
 * [2048, 512] bias gradient here, single-threaded). Other axis sets and dtypes go to the backend's own kernel.
 */
function sumKernel(addon: NativeAddon, original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo }
    const { axis, keepDims } = args.attrs as unknown as SumAttrs
    if (x.dtype !== 'float32' || x.shape.length === 0) return original(args)
    const rank = x.shape.length
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b)
    if (axes.length === 0) return original(args)
    const suffix = axes.every((a, i) => a === rank - axes.length + i)
    const prefix = axes.every((a, i) => a === i)
    if (!suffix && !prefix) return original(args)
    const kept = x.shape.filter((_, i) => !axes.includes(i))
    const backend = args.backend as BackendWasm
    const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept, 'float32')
    const view = heapF32(backend)
    const reduced = size(axes.map((a) => x.shape[a]))
    // A reduction over every axis is a suffix too: one row, summed with vector lanes.
    if (suffix) addon.sumInner(view(x), size(x.shape) / Math.max(reduced, 1), reduced, view(out))
    else addon.sumOuter(view(x), reduced, size(kept), view(out))
    return out
  }
}

/** UnsortedSegmentSum for float32 with 1-D ids (the embedding gradient), split over the cores by columns. */
function segmentSumKernel(addon: NativeAddon, original: KernelFunc): KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo }
    const { numSegments } = args.attrs as unknown as UnsortedSegmentSumAttrs
    if (x.dtype !== 'float32' || segmentIds.shape.length !== 1 || segmentIds.dtype !== 'int32') return original(args)
    const count = segmentIds.shape[0]
    const inner = count === 0 ? 0 : size(x.shape) / count
    const backend = args.backend as BackendWasm
    const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], 'float32')
    const view = heapF32(backend)
    addon.unsortedSegmentSum(view(x), heapI32(backend, segmentIds), count, inner, numSegments, view(out))
    return out
  }
}

/** x [N, in], w [out, in], b [out] (optional) -> y [N, out] = x·wᵀ + b. */
const linearKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend }) => {
  const { x, w, b } = inputs as { x: TensorInfo; w: TensorInfo; b?: TensorInfo }
  const [[rows, inFeatures], [outFeatures]] = [x.shape, w.shape]
  const wasm = backend as BackendWasm
  const y = wasm.makeOutput([rows, outFeatures], 'float32')
  const view = heapF32(wasm)
  addon.linearForward(view(x), view(w), b ? view(b) : null, rows, inFeatures, outFeatures, view(y))
  return y
}

/** dy [N, out], x [N, in], w [out, in], attrs {bias (0/1)} -> [dx [N, in], dw [out, in], (db [out] when bias)]. */
const linearGradKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { dy, x, w } = inputs as Record<'dy' | 'x' | 'w', TensorInfo>
  const [[rows, inFeatures], [outFeatures]] = [x.shape, w.shape]
  const wasm = backend as BackendWasm
  const outputs = [wasm.makeOutput(x.shape, 'float32'), wasm.makeOutput(w.shape, 'float32')]
  if ((attrs as { bias: number }).bias === 1) outputs.push(wasm.makeOutput([outFeatures], 'float32'))
  const view = heapF32(wasm)
  const [dx, dw, db] = outputs.map(view)
  addon.linearBackward(view(dy), view(x), view(w), rows, inFeatures, outFeatures, dx, dw, db ?? null)
  return outputs
}

/** logits [N, V], labels [N] int32 (outside [0, V) = not counted) -> [mean loss [], lse [N]]. */
const softmaxXentKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend }) => {
  const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo }
  const [rows, classes] = logits.shape
  const wasm = backend as BackendWasm
  const loss = wasm.makeOutput([], 'float32')
  const lse = wasm.makeOutput([rows], 'float32')
  const view = heapF32(wasm)
  const [total, counted] = addon.softmaxXentForward(view(logits), heapI32(wasm, labels), rows, classes, view(lse))
  view(loss)[0] = total / Math.max(counted, 1)
  return [loss, lse]
}

/** logits [N, V], labels [N], lse [N], dy [] -> dlogits [N, V] = (softmax - onehot)·dy/counted. */
const softmaxXentGradKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend }) => {
  const { logits, labels, lse, dy } = inputs as Record<'logits' | 'labels' | 'lse' | 'dy', TensorInfo>
  const [rows, classes] = logits.shape
  const wasm = backend as BackendWasm
  const dlogits = wasm.makeOutput([rows, classes], 'float32')
  const view = heapF32(wasm)
  const ids = heapI32(wasm, labels)
  let counted = 0
  for (let i = 0; i < rows; i++) if (ids[i] >= 0 && ids[i] < classes) counted++
  addon.softmaxXentBackward(view(logits), ids, view(lse), rows, classes, view(dy)[0] / Math.max(counted, 1), view(dlogits))
  return dlogits
}

/** x [N, H], gamma [H], beta [H], attrs {eps} -> [y [N, H], mean [N], rstd [N]]. */
const layerNormKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>
  const [rows, cols] = x.shape
  const wasm = backend as BackendWasm
  const outputs = [wasm.makeOutput([rows, cols], 'float32'), wasm.makeOutput([rows], 'float32'), wasm.makeOutput([rows], 'float32')]
  const view = heapF32(wasm)
  const [y, mean, rstd] = outputs.map(view)
  addon.layerNormForward(view(x), view(gamma), view(beta), rows, cols, (attrs as { eps: number }).eps, y, mean, rstd)
  return outputs
}

/** dy [N, H], x [N, H], gamma [H], mean [N], rstd [N] -> [dx [N, H], dgamma [H], dbeta [H]]. */
const layerNormGradKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend }) => {
  const { dy, x, gamma, mean, rstd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'rstd', TensorInfo>
  const [rows, cols] = x.shape
  const wasm = backend as BackendWasm
  const outputs = [wasm.makeOutput([rows, cols], 'float32'), wasm.makeOutput([cols], 'float32'), wasm.makeOutput([cols], 'float32')]
  const view = heapF32(wasm)
  const [dx, dgamma, dbeta] = outputs.map(view)
  addon.layerNormBackward(view(dy), view(x), view(gamma), view(mean), view(rstd), rows, cols, dx, dgamma, dbeta)
  return outputs
}

/** An element-wise activation x -> y through one addon pass (erf GELU, GPT-2's tanh GELU). */
const unaryKernel = (forward: (x: Float32Array, size: number, y: Float32Array) => void): KernelFunc => ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo }
  const wasm = backend as BackendWasm
  const y = wasm.makeOutput(x.shape, 'float32')
  const view = heapF32(wasm)
  forward(view(x), size(x.shape), view(y))
  return y
}

/** Its gradient: dy, x -> dx. */
const unaryGradKernel = (backward: (dy: Float32Array, x: Float32Array, size: number, dx: Float32Array) => void): KernelFunc => ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo }
  const wasm = backend as BackendWasm
  const dx = wasm.makeOutput(x.shape, 'float32')
  const view = heapF32(wasm)
  backward(view(dy), view(x), size(x.shape), view(dx))
  return dx
}

/**
 * Attention probabilities: x [B, A, Tq, Tk] scores, keyMask [B, Tk] (1 = attend, 0 = padding; optional), attrs
 * {scale, causal (0/1)} -> y [B, A, Tq, Tk] = softmax over Tk of scale·x with the masks as -1e9 logits.
 */
const maskedSoftmaxKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { x, keyMask } = inputs as { x: TensorInfo; keyMask?: TensorInfo }
  const { scale, causal } = attrs as { scale: number; causal: number }
  const [items, heads, queries, keys] = x.shape
  const wasm = backend as BackendWasm
  const y = wasm.makeOutput(x.shape, 'float32')
  const view = heapF32(wasm)
  addon.maskedSoftmaxForward(view(x), items, heads, queries, keys, scale, causal === 1, keyMask ? view(keyMask) : null, view(y))
  return y
}

/** y, dy [..., Tk], attrs {scale} -> dx = scale·y ⊙ (dy - Σ dy·y). */
const maskedSoftmaxGradKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { y, dy } = inputs as { y: TensorInfo; dy: TensorInfo }
  const keys = y.shape[y.shape.length - 1]
  const wasm = backend as BackendWasm
  const dx = wasm.makeOutput(y.shape, 'float32')
  const view = heapF32(wasm)
  addon.maskedSoftmaxBackward(view(y), view(dy), size(y.shape) / keys, keys, (attrs as { scale: number }).scale, view(dx))
  return dx
}

/** Dropout attrs {dropKey, dropThreshold, dropScale} (backend/dropout-mask.ts; dropThreshold 0: none). */
type DropoutAttrs = { dropKey: number; dropThreshold: number; dropScale: number }

/** x, attrs DropoutAttrs -> x · the site's factors (0 or 1/(1 - rate)); the same kernel is its gradient. */
const dropoutKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo }
  const { dropKey, dropThreshold, dropScale } = attrs as unknown as DropoutAttrs
  const wasm = backend as BackendWasm
  const y = wasm.makeOutput(x.shape, 'float32')
  const view = heapF32(wasm)
  addon.dropout(view(x), size(x.shape), dropKey, dropThreshold, dropScale, view(y))
  return y
}

/**
 * The attention core: q [B, Tq, H], k and v [B, Tk, H], keyMask [B, Tk] (optional), attrs {heads, scale, causal
 * (0/1)} and DropoutAttrs on the probabilities -> [context [B, Tq, H], probs [B, A, Tq, Tk]] (probs are kept for the
 * gradient, before the dropout).
 */
const attentionKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { q, k, v, keyMask } = inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo; keyMask?: TensorInfo }
  const { heads, scale, causal, dropKey, dropThreshold, dropScale } = attrs as unknown as { heads: number; scale: number; causal: number } & DropoutAttrs
  const [items, queries, width] = q.shape
  const keys = k.shape[1]
  const wasm = backend as BackendWasm
  const outputs = [wasm.makeOutput(q.shape, 'float32'), wasm.makeOutput([items, heads, queries, keys], 'float32')]
  const view = heapF32(wasm)
  const [context, probs] = outputs.map(view)
  addon.attentionForward(view(q), view(k), view(v), items, heads, queries, keys, width / heads, width, scale, causal === 1, keyMask ? view(keyMask) : null, dropKey, dropThreshold, dropScale, probs, context)
  return outputs
}

/** q, k, v, probs and dy [B, Tq, H] (the context's gradient), the forward attrs -> [dq, dk, dv]. */
const attentionGradKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { q, k, v, probs, dy } = inputs as Record<'q' | 'k' | 'v' | 'probs' | 'dy', TensorInfo>
  const { heads, scale, dropKey, dropThreshold, dropScale } = attrs as unknown as { heads: number; scale: number } & DropoutAttrs
  const [items, queries, width] = q.shape
  const keys = k.shape[1]
  const wasm = backend as BackendWasm
  const outputs = [wasm.makeOutput(q.shape, 'float32'), wasm.makeOutput(k.shape, 'float32'), wasm.makeOutput(v.shape, 'float32')]
  const view = heapF32(wasm)
  const [dq, dk, dv] = outputs.map(view)
  addon.attentionBackward(view(q), view(k), view(v), view(probs), view(dy), items, heads, queries, keys, width / heads, width, scale, dropKey, dropThreshold, dropScale, dq, dk, dv)
  return outputs
}

/**
 * CaiT's talking-heads attention: q [B, Tq, H], k, v [B, Tk, H], wPre, wPost [A, A], bPre, bPost [A], attrs {heads,
 * scale} and DropoutAttrs -> [context [B, Tq, H], scores, probs, mixed [B, A, Tq, Tk]] (the last three for the gradient).
 */
const talkingAttentionKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { q, k, v, wPre, bPre, wPost, bPost } = inputs as Record<'q' | 'k' | 'v' | 'wPre' | 'bPre' | 'wPost' | 'bPost', TensorInfo>
  const { heads, scale, dropKey, dropThreshold, dropScale } = attrs as unknown as { heads: number; scale: number } & DropoutAttrs
  const [items, queries, width] = q.shape
  const keys = k.shape[1]
  const wasm = backend as BackendWasm
  const probsShape = [items, heads, queries, keys]
  const outputs = [wasm.makeOutput(q.shape, 'float32'), ...[0, 1, 2].map(() => wasm.makeOutput(probsShape, 'float32'))]
  const view = heapF32(wasm)
  const [context, scores, probs, mixed] = outputs.map(view)
  addon.talkingAttentionForward(view(q), view(k), view(v), items, heads, queries, keys, width / heads, width, scale, view(wPre), view(bPre), view(wPost), view(bPost), dropKey, dropThreshold, dropScale, scores, probs, mixed, context)
  return outputs
}

/** q, k, v, wPre, wPost, scores, probs, mixed and dy (the context's gradient), the forward attrs -> [dq, dk, dv, dwPre, dbPre, dwPost, dbPost]. */
const talkingAttentionGradKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { q, k, v, wPre, wPost, scores, probs, mixed, dy } = inputs as Record<'q' | 'k' | 'v' | 'wPre' | 'wPost' | 'scores' | 'probs' | 'mixed' | 'dy', TensorInfo>
  const { heads, scale, dropKey, dropThreshold, dropScale } = attrs as unknown as { heads: number; scale: number } & DropoutAttrs
  const [items, queries, width] = q.shape
  const keys = k.shape[1]
  const wasm = backend as BackendWasm
  const outputs = [q.shape, k.shape, v.shape, [heads, heads], [heads], [heads, heads], [heads]].map((shape) => wasm.makeOutput(shape, 'float32'))
  const view = heapF32(wasm)
  const [dq, dk, dv, dwPre, dbPre, dwPost, dbPost] = outputs.map(view)
  addon.talkingAttentionBackward(view(q), view(k), view(v), view(scores), view(probs), view(mixed), view(dy), items, heads, queries, keys, width / heads, width, scale, view(wPre), view(wPost), dropKey, dropThreshold, dropScale, dq, dk, dv, dwPre, dbPre, dwPost, dbPost)
  return outputs
}

/**
 * AdamW in place for any number of parameters in one call: inputs param<i>, m<i>, v<i> (float32, one shape, each the
 * only tensor on its memory), grad<i> for i < weightDecays.length -> no outputs. attrs {lr, beta1, beta2, eps, step,
 * weightDecays (one per parameter)}. One TF.js call per step instead of one per parameter (136 for the small ViT).
 * Writing a buffer that another tensor shares would change that tensor too, so shared memory is refused
 * (native-ops.ts adamwUpdateInPlace gives a variable its own copy first).
 */
const adamwKernel = (addon: NativeAddon): KernelFunc => ({ inputs, backend, attrs }) => {
  const { lr, beta1, beta2, eps, step, weightDecays } = attrs as unknown as Record<'lr' | 'beta1' | 'beta2' | 'eps' | 'step', number> & { weightDecays: number[] }
  const wasm = backend as BackendWasm
  const all = inputs as Record<string, TensorInfo>
  const groups = weightDecays.map((weightDecay, i) => {
    const [param, m, v, grad] = (['param', 'm', 'v', 'grad'] as const).map((name) => all[`${name}${i}`])
    const count = size(param.shape)
    for (const [name, t] of [['param', param], ['m', m], ['v', v], ['grad', grad]] as const) {
      if (t.dtype !== 'float32' || size(t.shape) !== count) throw new Error(`${FUSED_KERNELS.adamw}: ${name} ${i} must be float32 [${param.shape}], got ${t.dtype} [${t.shape}]`)
      if (name !== 'grad' && wasm.refCount(t.dataId) !== 1) throw new Error(`${FUSED_KERNELS.adamw}: ${name} ${i} shares its memory with another tensor; an in-place update would change that tensor too`)
    }
    return { param, m, v, grad, count, weightDecay }
  })
  const view = heapF32(wasm) // after every check, before any write: no allocation happens in between
  for (const g of groups) addon.adamwUpdate(view(g.param), view(g.m), view(g.v), view(g.grad), g.count, lr, beta1, beta2, eps, g.weightDecay, step)
  return []
}

// ---- registration -------------------------------------------------------------------------------------------

/** The wasm backend's own kernels that the native ones replaced, to restore them (benchmarks, tests). */
const replaced = new Map<string, KernelConfig>()

function fusedConfigs(addon: NativeAddon): KernelConfig[] {
  const wasm = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({ kernelName, backendName: 'wasm', kernelFunc })
  // An addon built before a kernel existed (a checkout not rebuilt since) lacks its function: leave that kernel out,
  // so the models take their plain path for it instead of failing mid-training.
  const has = (...names: Array<keyof NativeAddon>) => names.every((name) => typeof addon[name] === 'function')
  return [
    ...(has('linearForward', 'linearBackward') ? [wasm(FUSED_KERNELS.linear, linearKernel(addon)), wasm(FUSED_KERNELS.linearGrad, linearGradKernel(addon))] : []),
    wasm(FUSED_KERNELS.softmaxXent, softmaxXentKernel(addon)),
    wasm(FUSED_KERNELS.softmaxXentGrad, softmaxXentGradKernel(addon)),
    wasm(FUSED_KERNELS.layerNorm, layerNormKernel(addon)),
    wasm(FUSED_KERNELS.layerNormGrad, layerNormGradKernel(addon)),
    wasm(FUSED_KERNELS.gelu, unaryKernel(addon.geluForward.bind(addon))),
    wasm(FUSED_KERNELS.geluGrad, unaryGradKernel(addon.geluBackward.bind(addon))),
    wasm(FUSED_KERNELS.geluTanh, unaryKernel(addon.geluTanhForward.bind(addon))),
    wasm(FUSED_KERNELS.geluTanhGrad, unaryGradKernel(addon.geluTanhBackward.bind(addon))),
    wasm(FUSED_KERNELS.maskedSoftmax, maskedSoftmaxKernel(addon)),
    wasm(FUSED_KERNELS.maskedSoftmaxGrad, maskedSoftmaxGradKernel(addon)),
    // The attention calls took their dropout arguments in the build that added `dropout`: an older build has the
    // attention functions with fewer arguments, so it keeps the op-by-op attention.
    ...(has('dropout') ? [wasm(FUSED_KERNELS.dropout, dropoutKernel(addon))] : []),
    ...(has('attentionForward', 'attentionBackward', 'dropout') ? [wasm(FUSED_KERNELS.attention, attentionKernel(addon)), wasm(FUSED_KERNELS.attentionGrad, attentionGradKernel(addon))] : []),
    wasm(FUSED_KERNELS.adamw, adamwKernel(addon)),
    ...(has('talkingAttentionForward', 'talkingAttentionBackward') ? [wasm(FUSED_KERNELS.talkingAttention, talkingAttentionKernel(addon)), wasm(FUSED_KERNELS.talkingAttentionGrad, talkingAttentionGradKernel(addon))] : []),
    ...blockKernelConfigs(addon),
    ...classBlockKernelConfigs(addon),
  ]
}

/**
 * Registers the native kernels for the wasm backend (idempotent) and returns their names. BatchMatMul, Sum and
 * UnsortedSegmentSum replace the backend's kernels but keep their setupFunc and call them for the cases the addon
 * leaves alone.
 */
export function registerNativeKernels(addon: NativeAddon): string[] {
  const names: string[] = []
  const replacements: Array<[string, (original: KernelFunc) => KernelFunc]> = [
    [tf.BatchMatMul, (original) => batchMatMulKernel(addon, original)],
    [tf.Sum, (original) => sumKernel(addon, original)],
    [tf.UnsortedSegmentSum, (original) => segmentSumKernel(addon, original)],
  ]
  for (const [name, wrap] of replacements) {
    if (!replaced.has(name)) {
      const original = tf.getKernel(name, 'wasm')
      if (!original && name === tf.BatchMatMul) throw new Error('registerNativeKernels: the wasm backend has no BatchMatMul kernel (is @tensorflow/tfjs-backend-wasm loaded?)')
      if (!original) continue // UnsortedSegmentSum before registerWasmKernels: left to that module
      tf.unregisterKernel(name, 'wasm')
      tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) })
      replaced.set(name, original)
    }
    names.push(name)
  }
  setNativeMatMul('wasm', true)
  for (const config of fusedConfigs(addon)) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config)
    names.push(config.kernelName)
  }
  return names
}

/** Puts the wasm backend's own kernels back and removes the fused ones (the as-shipped state). */
export function unregisterNativeKernels(): void {
  for (const [name, original] of replaced) {
    tf.unregisterKernel(name, 'wasm')
    tf.registerKernel(original)
  }
  replaced.clear()
  setNativeMatMul('wasm', false)
  for (const name of Object.values(FUSED_KERNELS)) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm')
}

/**
 * Turns the native kernels on for `backend` when it can use them, and says what happened (for the hardware
 * record and `ligo info`).
 */
export function activateNativeKernels(backend: string, load: () => AddonLoad = loadNativeAddon): NativeKernelsRecord {
  if (backend === 'tensorflow' || backend === 'tensorflow-gpu') {
    return { active: false, kernels: [], blas: null, threads: null, reason: 'not used: the TensorFlow native backend has its own BLAS kernels' }
  }
  if (backend !== 'wasm') {
    return { active: false, kernels: [], blas: null, threads: null, reason: `not used: native kernels are registered for the wasm backend only, not ${backend}` }
  }
  const loaded = load()
  if (!loaded.ok) return { active: false, kernels: [], blas: null, threads: null, reason: loaded.reason }
  try {
    const kernels = registerNativeKernels(loaded.addon)
    const info = loaded.addon.info()
    return { active: true, kernels, blas: info.blas, threads: Math.max(info.blasThreads, info.poolThreads), reason: `loaded from ${loaded.path}` }
  } catch (error) {
    return { active: false, kernels: [], blas: null, threads: null, reason: `registration failed: ${(error as Error).message}` }
  }
}
