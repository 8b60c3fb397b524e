/**
 * The arithmetic a training step really executes in matrix products, counted at the kernels while one step runs.
 *
 * Why a second count: the engine's FLOPs counter (engine/metrics/flops.ts) follows the paper's convention, which is
 * right for comparing growth methods but not for comparing how fast two models run on one machine. It charges token
 * embeddings as one-hot matmuls (2·h·vocab per token: 2.05 MFLOP a token for the reference BERT, whose lookup is a
 * gather that multiplies nothing) and a backward pass equal to the forward one (real backward passes multiply twice
 * as much: dx and dW). So the reference model's counted rate is above what its kernels execute and a vision model's
 * below it, and "× reference GFLOP/s" compares conventions as much as speed. This census counts what the kernels
 * were asked to multiply instead: FLOPs = 2 × multiply-adds of every matrix product of one step, read off each addon
 * call's arguments (the products the C kernels loop over), elementwise work not included.
 *
 * With the native addon every matrix product of a training step goes through it (linear layers, BatchMatMul via
 * sgemm, the attention cores, the block kernels that chain them); a product that went anywhere else (a TF.js kernel
 * of its own, or BatchMatMul falling back to the wasm kernel) makes the census throw rather than undercount.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { KernelConfig } from '@tensorflow/tfjs-core'
import { registerNativeKernels, unregisterNativeKernels, type NativeAddon } from '../src/engine/backend/native-kernels'

type FlopsOf = (...args: any[]) => number

/**
 * FLOPs of each addon call that multiplies matrices, from its arguments (native/kernels_gemm.c,
 * kernels_attention.c): one product [m, k]·[k, n] is 2·m·n·k.
 */
export const ADDON_MATMUL_FLOPS: Partial<Record<keyof NativeAddon, FlopsOf>> = {
  sgemm: (_ta, _tb, batch: number, m: number, n: number, k: number) => 2 * batch * m * n * k,
  linearForward: (_x, _w, _b, rows: number, inputs: number, outputs: number) => 2 * rows * inputs * outputs,
  // dx = dy·w and dw = dyᵀ·x
  linearBackward: (_dy, _x, _w, rows: number, inputs: number, outputs: number) => 2 * 2 * rows * inputs * outputs,
  // per (item, head): scores q·kᵀ and context p·v
  attentionForward: (_q, _k, _v, items: number, heads: number, queries: number, keys: number, d: number) => 2 * 2 * items * heads * queries * keys * d,
  // dv = pᵀ·dc, dp = dc·vᵀ, dq = ds·k, dk = dsᵀ·q
  attentionBackward: (_q, _k, _v, _p, _dc, items: number, heads: number, queries: number, keys: number, d: number) => 2 * 4 * items * heads * queries * keys * d,
  // the two products of attention, plus the two head-mixing maps [A, A]·[A, queries·keys] of every item
  talkingAttentionForward: (_q, _k, _v, items: number, heads: number, queries: number, keys: number, d: number) =>
    2 * (2 * items * heads * queries * keys * d + 2 * items * heads * heads * queries * keys),
  // four attention products, and two per mixing map (its weight gradient and its input gradient)
  talkingAttentionBackward: (_q, _k, _v, _s, _p, _m, _dc, items: number, heads: number, queries: number, keys: number, d: number) =>
    2 * (4 * items * heads * queries * keys * d + 4 * items * heads * heads * queries * keys),
}

/** TF.js kernels that multiply matrices without the addon: seeing one run means the census would undercount. */
const FOREIGN_MATMUL_KERNELS = ['_FusedMatMul', 'Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'DepthwiseConv2dNative', 'Einsum']

/** Wraps a registered wasm kernel (when there is one); returns its original config to put back. */
function wrapKernel(name: string, wrap: (inner: KernelConfig['kernelFunc']) => KernelConfig['kernelFunc']): KernelConfig | null {
  const original = tf.getKernel(name, 'wasm')
  if (!original) return null
  tf.unregisterKernel(name, 'wasm')
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) })
  return original
}

/**
 * FLOPs of the matrix products one `step()` executes, with the native kernels registered for wasm (the caller's
 * state, restored afterwards with `addon`). Throws naming the kernel when a product ran outside the addon.
 */
export function matmulFlopsOfStep(addon: NativeAddon, step: () => unknown): number {
  let flops = 0
  let sgemmCalls = 0
  // A counting copy of the addon (a Proxy cannot stand in: the addon's functions are read-only properties).
  const counting = Object.fromEntries(
    Object.entries(addon).map(([name, value]) => {
      if (typeof value !== 'function') return [name, value]
      const flopsOf = ADDON_MATMUL_FLOPS[name as keyof NativeAddon]
      const counted = (...args: unknown[]) => {
        if (flopsOf) flops += flopsOf(...args)
        if (name === 'sgemm') sgemmCalls++
        return value.apply(addon, args)
      }
      return [name, counted]
    }),
  ) as unknown as NativeAddon
  const foreign: string[] = []
  const restore: KernelConfig[] = []
  unregisterNativeKernels()
  registerNativeKernels(counting)
  try {
    for (const name of FOREIGN_MATMUL_KERNELS) {
      const original = wrapKernel(name, (inner) => (args) => (foreign.push(name), inner(args)))
      if (original) restore.push(original)
    }
    // The native BatchMatMul hands non-float32 or unbroadcastable products to the wasm kernel: no sgemm call then.
    const batchMatMul = wrapKernel(tf.BatchMatMul, (inner) => (args) => {
      const before = sgemmCalls
      const out = inner(args)
      if (sgemmCalls === before) foreign.push(`${tf.BatchMatMul} (the wasm kernel)`)
      return out
    })
    if (batchMatMul) restore.push(batchMatMul)
    step()
  } finally {
    for (const original of restore) {
      tf.unregisterKernel(original.kernelName, 'wasm')
      tf.registerKernel(original)
    }
    unregisterNativeKernels()
    registerNativeKernels(addon)
  }
  if (foreign.length > 0) throw new Error(`matmul census: products ran outside the native addon (${[...new Set(foreign)].join(', ')}), so they would go uncounted`)
  return flops
}
