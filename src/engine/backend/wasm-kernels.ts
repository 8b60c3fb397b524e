/**
 * Kernels that tfjs-backend-wasm 4.22 lacks but training needs, written in JS on top of the wasm heap.
 * There is no kernel fallback across backends: a missing kernel throws "Kernel 'X' not registered for
 * backend 'wasm'" (docs/engine/measurements.md, section 3.2). Also stock kernels that cost a training step
 * memory or time for nothing (Identity and identity-Transpose copies, GatherV2 per element), replaced by
 * same-valued fast paths.
 *
 * Kernels here read their inputs as views of the wasm heap, taken after the outputs are allocated (an allocation
 * may grow, and so move, the heap). The stock JS kernels read through `readSync`, which copies the whole input into
 * a fresh ArrayBuffer: on the machines measured a fresh buffer costs its page faults, ~300-600 µs for 200 KB, so a
 * 3 KB slice of the class token out of [32, 17, 96] took ~0.8 ms (Slice, SplitV, Concat below).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ConcatAttrs, DataType, GatherV2Attrs, KernelConfig, KernelFunc, SliceAttrs, SplitVAttrs, TensorInfo, TransposeAttrs, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * UnsortedSegmentSum: out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] == s.
 * The gradient of tf.gather (embedding lookup) calls it, so without it no model with an embedding trains on wasm.
 *
 *   x:          [N, ...inner]          (float32 or int32)
 *   segmentIds: [N]                    (int32; tf.unsortedSegmentSum and gather's gradient pass 1-D ids)
 *   out:        [numSegments, ...inner]
 *
 * Ids outside [0, numSegments) are skipped, as the cpu backend's mask-and-sum does.
 * Cost is one pass over x: ~8-13 ms per step for a 2048-token batch at hidden 128 (measured, section 3.2).
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo }
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs
  const wasm = backend as BackendWasm
  const idCount = tf.util.sizeFromShape(segmentIds.shape)
  const inner = idCount === 0 ? 0 : tf.util.sizeFromShape(x.shape) / idCount
  const output = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype)
  // Views taken after the allocation
  const values = wasm.typedArrayFromHeap(x) as Float32Array | Int32Array
  const ids = wasm.typedArrayFromHeap(segmentIds) as Int32Array
  const out = wasm.typedArrayFromHeap(output) as Float32Array | Int32Array
  out.fill(0)
  for (let i = 0; i < idCount; i++) {
    const segment = ids[i]
    if (segment < 0 || segment >= numSegments) continue
    const from = i * inner
    const to = segment * inner
    for (let j = 0; j < inner; j++) out[to + j] += values[from + j]
  }
  return output
}

/**
 * Identity without a copy: the output shares the input's memory (refcounted, as the cpu backend and wasm's own
 * Reshape do). tfjs-core clones every tensor a kernel saves for its gradient through Identity, so the stock wasm
 * kernel (a full copy) doubled the activation memory of a training step and cost ~20 ms per reference step.
 * Sharing is safe because no wasm kernel writes its inputs; the one in-place writer, the native AdamW
 * (native-ops.ts), gives a variable its own memory first.
 */
const zeroCopyIdentity = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  if (x.dtype === 'string') return original(args)
  const wasm = args.backend as BackendWasm
  wasm.incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
}

/**
 * GatherV2 along axis 0 (embedding lookups, picking the MLM rows) as one row copy per index on the heap. The stock
 * kernel computes every element's source index (~13 ms for 2048 rows of 128 here); this is ~0.2 ms. Other axes,
 * batchDims and dtypes go to the stock kernel. Indices outside [0, rows) throw, as on the cpu backend.
 */
const rowGather = (original: KernelFunc): KernelFunc => (args) => {
  const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo }
  const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs
  const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0]
  if (parsedAxis !== 0 || (batchDims ?? 0) !== 0 || (x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32') return original(args)
  const wasm = args.backend as BackendWasm
  const rows = x.shape[0]
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1)
  const output = wasm.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype)
  // Views taken after the allocation (an allocation may grow, and so move, the heap).
  const source = wasm.typedArrayFromHeap(x) as Float32Array | Int32Array
  const ids = wasm.typedArrayFromHeap(indices) as Int32Array
  const out = wasm.typedArrayFromHeap(output) as Float32Array | Int32Array
  for (let i = 0; i < ids.length; i++) {
    const row = ids[i]
    if (!(row >= 0 && row < rows)) {
      wasm.disposeData(output.dataId)
      throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`)
    }
    out.set(source.subarray(row * inner, (row + 1) * inner), i * inner)
  }
  return output
}

/**
 * Transpose with the identity permutation (tf.gather's gradient transposes its values and result that way for
 * axis 0: a full copy of the [V, H] embedding gradient each step) shares memory, like Reshape; other permutations
 * go to the stock kernel.
 */
const identityTranspose = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  const { perm } = args.attrs as unknown as TransposeAttrs
  if (x.dtype === 'string' || !perm.every((axis, i) => axis === i)) return original(args)
  ;(args.backend as BackendWasm).incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
}

type HeapArray = Float32Array | Int32Array | Uint8Array
/** Dtypes whose heap view is a plain typed array (strings and complex numbers keep the stock kernels). */
const onHeap = (dtype: DataType): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool'

/**
 * Copies the box [begin, begin + size) of a row-major array of `shape` into `out` (row-major, from 0), one
 * `set` per contiguous run: trailing axes the box covers whole join the run, so the class token of [B, T, H]
 * is B runs of H and a block of whole rows is one run.
 */
export function copyBox(source: HeapArray, shape: readonly number[], begin: readonly number[], size: readonly number[], out: HeapArray): void {
  if (size.some((s) => s === 0)) return
  const strides = [...tf.util.computeStrides([...shape]), 1] // strides[d]: elements per step along axis d
  let axis = shape.length - 1
  while (axis >= 0 && begin[axis] === 0 && size[axis] === shape[axis]) axis--
  if (axis < 0) {
    out.set(source.subarray(0, out.length))
    return
  }
  const run = size[axis] * strides[axis]
  const index = new Array<number>(axis).fill(0) // position within the box along the axes before `axis`
  const runs = size.slice(0, axis).reduce((a, b) => a * b, 1)
  for (let n = 0, to = 0; n < runs; n++, to += run) {
    let from = begin[axis] * strides[axis]
    for (let d = 0; d < axis; d++) from += (begin[d] + index[d]) * strides[d]
    out.set(source.subarray(from, from + run), to)
    for (let d = axis - 1; d >= 0 && ++index[d] === size[d]; d--) index[d] = 0
  }
}

/** Slice from the heap view (the stock kernel copies all of x first, see the header). */
const heapSlice = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  if (!onHeap(x.dtype)) return original(args)
  const { begin, size } = args.attrs as unknown as SliceAttrs
  const [start, extent] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size)
  tf.slice_util.assertParamsValid(x as unknown as tf.Tensor, start, extent)
  const wasm = args.backend as BackendWasm
  const output = wasm.makeOutput(extent, x.dtype)
  copyBox(wasm.typedArrayFromHeap(x) as HeapArray, x.shape, start, extent, wasm.typedArrayFromHeap(output) as HeapArray)
  return output
}

/** SplitV (Concat's gradient: the class token and the patches) as slices from the heap view. */
const heapSplitV = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  if (!onHeap(x.dtype)) return original(args)
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs
  const along = tf.util.parseAxisParam(axis, x.shape)[0]
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, along)
  const wasm = args.backend as BackendWasm
  const shapes = sizes.map((s) => x.shape.map((d, i) => (i === along ? s : d)))
  const outputs = shapes.map((shape) => wasm.makeOutput(shape, x.dtype))
  const source = wasm.typedArrayFromHeap(x) as HeapArray
  let offset = 0
  outputs.forEach((output, i) => {
    const begin = x.shape.map((_, d) => (d === along ? offset : 0))
    copyBox(source, x.shape, begin, shapes[i], wasm.typedArrayFromHeap(output) as HeapArray)
    offset += sizes[i]
  })
  return outputs
}

/** Concat along any axis from heap views: per outer index, each input's block in turn. */
const heapConcat = (original: KernelFunc): KernelFunc => (args) => {
  const inputs = Object.values(args.inputs as Record<string, TensorInfo>)
  if (inputs.length === 0 || !inputs.every((t) => onHeap(t.dtype) && t.dtype === inputs[0].dtype)) return original(args)
  const { axis } = args.attrs as unknown as ConcatAttrs
  const along = tf.util.parseAxisParam(axis, inputs[0].shape)[0]
  const shapes = inputs.map((t) => t.shape)
  tf.backend_util.assertParamsConsistent(shapes, along)
  const outShape = tf.backend_util.computeOutShape(shapes, along)
  const wasm = args.backend as BackendWasm
  const output = wasm.makeOutput(outShape, inputs[0].dtype)
  const out = wasm.typedArrayFromHeap(output) as HeapArray
  const parts = inputs
    .map((t) => ({ view: wasm.typedArrayFromHeap(t) as HeapArray, block: tf.util.sizeFromShape(t.shape.slice(along)) }))
    .filter((p) => p.block > 0)
  const outer = tf.util.sizeFromShape(outShape.slice(0, along))
  for (let o = 0, to = 0; o < outer; o++) {
    for (const { view, block } of parts) {
      out.set(view.subarray(o * block, (o + 1) * block), to)
      to += block
    }
  }
  return output
}

/** Every JS kernel this module adds to the wasm backend (kernel name -> config). */
export const WASM_EXTRA_KERNELS: readonly KernelConfig[] = [
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum },
]

/** Stock wasm kernels this module replaces with faster ones of the same values: name -> wrapper of the original. */
const FAST_PATHS: ReadonlyArray<[string, (original: KernelFunc) => KernelFunc]> = [
  [tf.Identity, zeroCopyIdentity],
  [tf.GatherV2, rowGather],
  [tf.Transpose, identityTranspose],
  [tf.Slice, heapSlice],
  [tf.SplitV, heapSplitV],
  [tf.Concat, heapConcat],
]
const replacedStock = new Map<string, KernelConfig>()

/**
 * Registers the missing kernels and the fast paths; idempotent, and never replaces a missing-kernel fill-in that a
 * newer tfjs-backend-wasm ships. Returns the names it registered now.
 */
export function registerWasmKernels(): string[] {
  const registered: string[] = []
  for (const config of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName)) continue
    tf.registerKernel(config)
    registered.push(config.kernelName)
  }
  for (const [name, wrap] of FAST_PATHS) {
    const stock = tf.getKernel(name, 'wasm')
    if (!stock || replacedStock.has(name)) continue
    tf.unregisterKernel(name, 'wasm')
    tf.registerKernel({ ...stock, kernelFunc: wrap(stock.kernelFunc) })
    replacedStock.set(name, stock)
    registered.push(name)
  }
  return registered
}

/** Puts the stock kernels of FAST_PATHS back (the benchmark's as-shipped row, tests). */
export function unregisterWasmFastPaths(): void {
  for (const [name, stock] of replacedStock) {
    tf.unregisterKernel(name, 'wasm')
    tf.registerKernel(stock)
  }
  replacedStock.clear()
}
