/**
 * Kernels that tfjs-backend-wasm 4.22 lacks but training needs, written in JS on top of the wasm heap.
 * There is no kernel fallback across backends: a missing kernel throws "Kernel 'X' not registered for
 * backend 'wasm'" (shared/docs/engine-measurements.md, section 3.2).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core'
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
  // readSync copies out of the heap, so these stay valid when makeOutput grows the heap below.
  const values = wasm.readSync(x.dataId) as Float32Array | Int32Array
  const ids = wasm.readSync(segmentIds.dataId) as Int32Array
  const idCount = ids.length
  const inner = idCount === 0 ? 0 : values.length / idCount
  const output = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype)
  const out = wasm.typedArrayFromHeap(output) // a fresh view, taken after the allocation
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

/** Every JS kernel this module adds to the wasm backend (kernel name -> config). */
export const WASM_EXTRA_KERNELS: readonly KernelConfig[] = [
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum },
]

/**
 * Registers the missing kernels; idempotent, and never replaces a kernel a newer tfjs-backend-wasm ships.
 * Returns the names it registered now.
 */
export function registerWasmKernels(): string[] {
  const registered: string[] = []
  for (const config of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName)) continue
    tf.registerKernel(config)
    registered.push(config.kernelName)
  }
  return registered
}
