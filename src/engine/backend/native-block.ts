/**
 * A whole pre-LN transformer block (ViT, DeiT, GPT-2, CaiT's self-attention blocks) as one TF.js kernel per
 * direction:
 *
 *   h1 = LN1(x);  [q k v] = h1·[Wq; Wk; Wv]ᵀ + [bq bk bv];  ctx = attention(q, k, v) (masks, dropout of probabilities)
 *   x2 = x + drop(ctx·Woᵀ + bo);  h2 = LN2(x2);  f1 = h2·W1ᵀ + b1;  a = act(f1);  y = x2 + drop(a·W2ᵀ + b2)
 *
 * CaiT's block (attrs.cait) uses talking-heads attention and LayerScale: x2 = x + γ1 ⊙ drop(...), y = x2 + γ2 ⊙ ....
 *
 * Why: at the small sizes a desktop grows (ViT 8 layers × hidden 96, 32 images) a training step was ~1,000 TF.js
 * kernel calls, ~130 per block with their gradients, and TF.js's bookkeeping per call (tape node, tensor objects,
 * clones of saved tensors, garbage) cost ~20 ms of a ~50 ms step (a batch of one image still took 21 ms). The two
 * kernels below chain the same addon calls the op-by-op path makes (layer norm, linear, attention, activation,
 * dropout, add), in the same order on the same data, so the values are the op-by-op path's within float rounding;
 * the bookkeeping goes, and the q, k and v projections are one GEMM each way (their [H, H] products were the least
 * efficient of a small model's GEMMs). The forward kernel returns y and the activations the backward pass needs,
 * packed in one flat tensor; the backward pass's intermediates live in reused JavaScript buffers.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { FUSED_KERNELS } from './kernel-availability'
import { packedLength, packedViews, scratchPool } from './packed-buffers'
import type { NativeAddon } from './native-kernels'
import { BLOCK_SAVED, BLOCK_WEIGHTS, CAIT_BLOCK_WEIGHTS, type BlockAttrs, type BlockWeightName } from './native-ops'

type SavedName = (typeof BLOCK_SAVED)[number]

/** Scratch buffers of the backward kernel. */
const buffer = scratchPool()

/** Wq, Wk, Wv [H, H] stacked into [3H, H] and their biases into [3H] (reused buffers; each call refills them). */
function packQkv(w: Record<BlockWeightName, Float32Array>, hidden: number): { wqkv: Float32Array; bqkv: Float32Array } {
  const [wqkv, bqkv] = [buffer('wqkv', 3 * hidden * hidden), buffer('bqkv', 3 * hidden)]
  ;[w.wq, w.wk, w.wv].forEach((weight, i) => wqkv.set(weight, i * hidden * hidden))
  ;[w.bq, w.bk, w.bv].forEach((bias, i) => bqkv.set(bias, i * hidden))
  return { wqkv, bqkv }
}

/** The q, k and v column blocks of rows [q k v] (row stride 3H): views starting at columns 0, H and 2H. */
const thirds = (qkv: Float32Array, hidden: number): Float32Array[] => [0, 1, 2].map((i) => qkv.subarray(i * hidden))

/** The weights a block's kernels take: BLOCK_WEIGHTS, then CaiT's CAIT_BLOCK_WEIGHTS when attrs.cait. */
const weightNames = (a: BlockAttrs): readonly BlockWeightName[] => (a.cait ? [...BLOCK_WEIGHTS, ...CAIT_BLOCK_WEIGHTS] : BLOCK_WEIGHTS)

function weightViews(input: Record<string, TensorInfo>, a: BlockAttrs, view: (info: TensorInfo) => Float32Array): Record<BlockWeightName, Float32Array> {
  return Object.fromEntries(weightNames(a).map((name) => [name, view(input[name])])) as Record<BlockWeightName, Float32Array>
}

interface Dims {
  batch: number
  tokens: number
  hidden: number
  ffn: number
  rows: number
}

function dimsOf(x: TensorInfo, w1: TensorInfo): Dims {
  const [batch, tokens, hidden] = x.shape
  return { batch, tokens, hidden, ffn: w1.shape[0], rows: batch * tokens }
}

/** Element counts of the saved activations, in BLOCK_SAVED order (CaiT's extras 0 in the other blocks). */
function savedSizes(d: Dims, a: BlockAttrs): Record<SavedName, number> {
  const [cells, wide, probs] = [d.rows * d.hidden, d.rows * d.ffn, d.batch * a.heads * d.tokens * d.tokens]
  const cait = a.cait === 1 ? 1 : 0
  return {
    h1: cells, mean1: d.rows, rstd1: d.rows, qkv: 3 * cells, probs, ctx: cells, x2: cells, h2: cells, mean2: d.rows, rstd2: d.rows,
    f1: wide, act: wide, scores: cait * probs, mixed: cait * probs, aOut: cait * cells, mOut: cait * cells,
  }
}

/** The saved activations as consecutive blocks of one flat array (packed-buffers.ts): one tensor for TF.js to keep. */
const savedViews = (packed: Float32Array, sizes: Record<SavedName, number>) => packedViews(packed, BLOCK_SAVED, sizes)
const savedLength = (sizes: Record<SavedName, number>): number => packedLength(BLOCK_SAVED, sizes)

/** What both kernels read first: named inputs, attrs, sizes, the backend and views of the wasm heap. */
function kernelContext(args: Parameters<KernelFunc>[0]) {
  const input = args.inputs as Record<string, TensorInfo>
  const wasm = args.backend as BackendWasm
  const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array
  return { input, a: args.attrs as unknown as BlockAttrs, d: dimsOf(input.x, input.w1), wasm, view }
}

/** x [B, T, H], the weights, keyMask [B, T] (optional) -> [y [B, T, H], saved (BLOCK_SAVED packed, flat)]. */
const blockKernel = (addon: NativeAddon): KernelFunc => (args) => {
  const { input, a, d, wasm, view } = kernelContext(args)
  const { batch, tokens, hidden, ffn, rows } = d
  const sizes = savedSizes(d, a)
  // Every output first: allocating may grow the wasm memory, which detaches views taken before.
  const outputs = [wasm.makeOutput(input.x.shape, 'float32'), wasm.makeOutput([savedLength(sizes)], 'float32')]
  const w = weightViews(input, a, view)
  const y = view(outputs[0])
  const s = savedViews(view(outputs[1]), sizes)
  const x = view(input.x)
  const cells = rows * hidden
  addon.layerNormForward(x, w.ln1Gamma, w.ln1Beta, rows, hidden, a.eps, s.h1, s.mean1, s.rstd1)
  const { wqkv, bqkv } = packQkv(w, hidden)
  addon.linearForward(s.h1, wqkv, bqkv, rows, hidden, 3 * hidden, s.qkv) // rows [q k v]: one GEMM instead of three
  const keyMask = input.keyMask ? view(input.keyMask) : null
  const [q, k, v] = thirds(s.qkv, hidden)
  const headDim = hidden / a.heads
  if (a.cait) addon.talkingAttentionForward(q, k, v, batch, a.heads, tokens, tokens, headDim, 3 * hidden, a.scale, w.tPreW, w.tPreB, w.tPostW, w.tPostB, a.pKey, a.pThreshold, a.pScale, s.scores, s.probs, s.mixed, s.ctx)
  else addon.attentionForward(q, k, v, batch, a.heads, tokens, tokens, headDim, 3 * hidden, a.scale, a.causal === 1, keyMask, a.pKey, a.pThreshold, a.pScale, s.probs, s.ctx)
  const attended = a.cait ? s.aOut : s.x2 // CaiT keeps the dropped branch output for γ1's gradient
  addon.linearForward(s.ctx, w.wo, w.bo, rows, hidden, hidden, attended)
  if (a.aThreshold) addon.dropout(attended, cells, a.aKey, a.aThreshold, a.aScale, attended)
  if (a.cait) addon.scaleAdd(x, attended, w.gamma1, rows, hidden, s.x2) // x2 = x + γ1 ⊙ drop(attention)
  else addon.add(x, s.x2, cells, s.x2) // x2 = x + drop(attention)
  addon.layerNormForward(s.x2, w.ln2Gamma, w.ln2Beta, rows, hidden, a.eps, s.h2, s.mean2, s.rstd2)
  addon.linearForward(s.h2, w.w1, w.b1, rows, hidden, ffn, s.f1)
  ;(a.tanhGelu ? addon.geluTanhForward : addon.geluForward).call(addon, s.f1, rows * ffn, s.act)
  const transformed = a.cait ? s.mOut : y
  addon.linearForward(s.act, w.w2, w.b2, rows, ffn, hidden, transformed)
  if (a.mThreshold) addon.dropout(transformed, cells, a.mKey, a.mThreshold, a.mScale, transformed)
  if (a.cait) addon.scaleAdd(s.x2, transformed, w.gamma2, rows, hidden, y) // y = x2 + γ2 ⊙ drop(mlp)
  else addon.add(s.x2, y, cells, y) // y = x2 + drop(mlp)
  return outputs
}

/** dy [B, T, H], x, the weights and the forward kernel's saved, the forward attrs -> [dx, ...one gradient per weight]. */
const blockGradKernel = (addon: NativeAddon): KernelFunc => (args) => {
  const { input, a, d, wasm, view } = kernelContext(args)
  const { batch, tokens, hidden, ffn, rows } = d
  const names = weightNames(a)
  const outputs = [wasm.makeOutput(input.x.shape, 'float32'), ...names.map((name) => wasm.makeOutput(input[name].shape, 'float32'))]
  const w = weightViews(input, a, view)
  const s = savedViews(view(input.saved), savedSizes(d, a))
  const [dx, ...gradViews] = outputs.map(view)
  const g = Object.fromEntries(names.map((name, i) => [name, gradViews[i]])) as Record<BlockWeightName, Float32Array>
  const [dy, x] = [view(input.dy), view(input.x)]
  const cells = rows * hidden
  const [tA, tB] = ['a', 'b'].map((name) => buffer(name, cells))
  const [tF, dqkv] = [buffer('f', rows * ffn), buffer('dqkv', 3 * cells)]
  // MLP: y = x2 + drop(act(h2·W1ᵀ + b1)·W2ᵀ + b2)
  let upstream = dy
  if (a.cait) addon.scaleBackward(dy, s.mOut, w.gamma2, rows, hidden, (upstream = tA), g.gamma2)
  if (a.mThreshold) addon.dropout(upstream, cells, a.mKey, a.mThreshold, a.mScale, (upstream = tA))
  addon.linearBackward(upstream, s.act, w.w2, rows, ffn, hidden, tF, g.w2, g.b2)
  ;(a.tanhGelu ? addon.geluTanhBackward : addon.geluBackward).call(addon, tF, s.f1, rows * ffn, tF)
  addon.linearBackward(tF, s.h2, w.w1, rows, hidden, ffn, tB, g.w1, g.b1)
  addon.layerNormBackward(tB, s.x2, w.ln2Gamma, s.mean2, s.rstd2, rows, hidden, tA, g.ln2Gamma, g.ln2Beta)
  addon.add(dy, tA, cells, dx) // dx holds dL/dx2 until the attention branch's share is added
  // Attention: x2 = x + drop(attention(LN1(x))·Woᵀ + bo)
  upstream = dx
  if (a.cait) addon.scaleBackward(dx, s.aOut, w.gamma1, rows, hidden, (upstream = tA), g.gamma1)
  if (a.aThreshold) addon.dropout(upstream, cells, a.aKey, a.aThreshold, a.aScale, (upstream = tA))
  addon.linearBackward(upstream, s.ctx, w.wo, rows, hidden, hidden, tB, g.wo, g.bo)
  const [q, k, v] = thirds(s.qkv, hidden)
  const [dq, dk, dv] = thirds(dqkv, hidden)
  const headDim = hidden / a.heads
  if (a.cait) addon.talkingAttentionBackward(q, k, v, s.scores, s.probs, s.mixed, tB, batch, a.heads, tokens, tokens, headDim, 3 * hidden, a.scale, w.tPreW, w.tPostW, a.pKey, a.pThreshold, a.pScale, dq, dk, dv, g.tPreW, g.tPreB, g.tPostW, g.tPostB)
  else addon.attentionBackward(q, k, v, s.probs, tB, batch, a.heads, tokens, tokens, headDim, 3 * hidden, a.scale, a.pKey, a.pThreshold, a.pScale, dq, dk, dv)
  const { wqkv } = packQkv(w, hidden)
  const [dWqkv, dbqkv] = [buffer('dwqkv', 3 * hidden * hidden), buffer('dbqkv', 3 * hidden)]
  addon.linearBackward(dqkv, s.h1, wqkv, rows, hidden, 3 * hidden, tA, dWqkv, dbqkv) // tA = dL/dh1
  const square = hidden * hidden
  ;[g.wq, g.wk, g.wv].forEach((grad, i) => grad.set(dWqkv.subarray(i * square, (i + 1) * square)))
  ;[g.bq, g.bk, g.bv].forEach((grad, i) => grad.set(dbqkv.subarray(i * hidden, (i + 1) * hidden)))
  addon.layerNormBackward(tA, x, w.ln1Gamma, s.mean1, s.rstd1, rows, hidden, tB, g.ln1Gamma, g.ln1Beta)
  addon.add(dx, tB, cells, dx)
  return outputs
}

/** The two kernels for the wasm backend, when the addon has every function they call. */
export function blockKernelConfigs(addon: NativeAddon): KernelConfig[] {
  const needed: Array<keyof NativeAddon> = ['add', 'dropout', 'scaleAdd', 'scaleBackward', 'talkingAttentionForward', 'layerNormForward', 'linearForward', 'attentionForward', 'geluForward', 'geluTanhForward']
  if (!needed.every((name) => typeof addon[name] === 'function')) return []
  return [
    { kernelName: FUSED_KERNELS.preLnBlock, backendName: 'wasm', kernelFunc: blockKernel(addon) },
    { kernelName: FUSED_KERNELS.preLnBlockGrad, backendName: 'wasm', kernelFunc: blockGradKernel(addon) },
  ]
}
