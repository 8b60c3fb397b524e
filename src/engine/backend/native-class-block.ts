/**
 * CaiT's class-attention block (timm cait.py LayerScaleBlockClassAttn; models/cait.ts classAttentionBlock) as one
 * TF.js kernel per direction:
 *
 *   u = [cls; patches] [B, 1+N, H];  hu = LN1(u);  q = hu[:, 0]·Wqᵀ + bq [B, H];  k, v = hu·Wk/vᵀ + bk/v [B, 1+N, H]
 *   c1 = cls + γ1 ⊙ drop(attention(q, k, v)·Woᵀ + bo);  out = c1 + γ2 ⊙ drop(MLP(LN2(c1)))      (the new CLS, [B, 1, H])
 *
 * Why: op by op each of CaiT's two class-attention blocks was ~60 TF.js kernel calls with their gradients (concat,
 * slices, LayerScale multiplies and adds on [B, 1, H], reshapes) whose bookkeeping outweighed their arithmetic: the
 * blocks multiply little (one query per image). The kernels chain the addon calls the op-by-op block makes on the same
 * data, so the values are the same within float rounding (native-kernels.test.ts compares every gradient).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { FUSED_KERNELS } from './kernel-availability'
import { packedLength, packedViews, scratchPool } from './packed-buffers'
import type { NativeAddon } from './native-kernels'
import { CLASS_BLOCK_SAVED, CLASS_BLOCK_WEIGHTS, type ClassBlockAttrs, type ClassBlockWeightName } from './native-ops'

type SavedName = (typeof CLASS_BLOCK_SAVED)[number]

/** Scratch buffers of the backward kernel. */
const buffer = scratchPool()

interface Dims {
  batch: number
  /** 1 + patches */
  tokens: number
  hidden: number
  ffn: number
  heads: number
}

/** Element counts of the saved activations, in CLASS_BLOCK_SAVED order. */
function savedSizes(d: Dims): Record<SavedName, number> {
  const [all, one] = [d.batch * d.tokens * d.hidden, d.batch * d.hidden]
  return {
    u: all, hu: all, mean1: d.batch * d.tokens, rstd1: d.batch * d.tokens, huCls: one, q: one, k: all, v: all,
    probs: d.batch * d.heads * d.tokens, ctx: one, aOut: one, c1: one, hc: one, mean2: d.batch, rstd2: d.batch,
    f1: d.batch * d.ffn, act: d.batch * d.ffn, mOut: one,
  }
}

const savedViews = (packed: Float32Array, sizes: Record<SavedName, number>) => packedViews(packed, CLASS_BLOCK_SAVED, sizes)

function kernelContext(args: Parameters<KernelFunc>[0]) {
  const input = args.inputs as Record<string, TensorInfo>
  const a = args.attrs as unknown as ClassBlockAttrs
  const wasm = args.backend as BackendWasm
  const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array
  const [batch, , hidden] = input.cls.shape
  const d: Dims = { batch, tokens: 1 + input.patches.shape[1], hidden, ffn: input.w1.shape[0], heads: a.heads }
  const weights = () => Object.fromEntries(CLASS_BLOCK_WEIGHTS.map((name) => [name, view(input[name])])) as Record<ClassBlockWeightName, Float32Array>
  return { input, a, d, wasm, view, weights }
}

/** Row b·tokens (the CLS row of item b) of an [B·tokens, H] array <-> row b of an [B, H] array. */
function clsRows(d: Dims, all: Float32Array, cls: Float32Array, direction: 'gather' | 'scatter'): void {
  for (let b = 0; b < d.batch; b++) {
    const row = all.subarray(b * d.tokens * d.hidden, (b * d.tokens + 1) * d.hidden)
    if (direction === 'gather') cls.set(row, b * d.hidden)
    else row.set(cls.subarray(b * d.hidden, (b + 1) * d.hidden))
  }
}

/** cls [B, 1, H], patches [B, N, H], the weights -> [the new cls [B, 1, H], saved (CLASS_BLOCK_SAVED packed, flat)]. */
const classBlockKernel = (addon: NativeAddon): KernelFunc => (args) => {
  const { input, a, d, wasm, view, weights } = kernelContext(args)
  const { batch, tokens, hidden, ffn } = d
  const sizes = savedSizes(d)
  const length = packedLength(CLASS_BLOCK_SAVED, sizes)
  // Every output first: allocating may grow the wasm memory, which detaches views taken before.
  const outputs = [wasm.makeOutput(input.cls.shape, 'float32'), wasm.makeOutput([length], 'float32')]
  const w = weights()
  const [y, s] = [view(outputs[0]), savedViews(view(outputs[1]), sizes)]
  const [cls, patches] = [view(input.cls), view(input.patches)]
  const rows = batch * tokens
  const patchCells = (tokens - 1) * hidden
  for (let b = 0; b < batch; b++) s.u.set(patches.subarray(b * patchCells, (b + 1) * patchCells), (b * tokens + 1) * hidden)
  clsRows(d, s.u, cls, 'scatter') // u = [cls; patches]
  addon.layerNormForward(s.u, w.ln1Gamma, w.ln1Beta, rows, hidden, a.eps, s.hu, s.mean1, s.rstd1)
  clsRows(d, s.hu, s.huCls, 'gather')
  addon.linearForward(s.huCls, w.wq, w.bq, batch, hidden, hidden, s.q) // the query: CLS only
  addon.linearForward(s.hu, w.wk, w.bk, rows, hidden, hidden, s.k)
  addon.linearForward(s.hu, w.wv, w.bv, rows, hidden, hidden, s.v)
  addon.attentionForward(s.q, s.k, s.v, batch, a.heads, 1, tokens, hidden / a.heads, hidden, a.scale, false, null, a.pKey, a.pThreshold, a.pScale, s.probs, s.ctx)
  addon.linearForward(s.ctx, w.wo, w.bo, batch, hidden, hidden, s.aOut)
  if (a.aThreshold) addon.dropout(s.aOut, batch * hidden, a.aKey, a.aThreshold, a.aScale, s.aOut)
  addon.scaleAdd(cls, s.aOut, w.gamma1, batch, hidden, s.c1) // c1 = cls + γ1 ⊙ drop(attention)
  addon.layerNormForward(s.c1, w.ln2Gamma, w.ln2Beta, batch, hidden, a.eps, s.hc, s.mean2, s.rstd2)
  addon.linearForward(s.hc, w.w1, w.b1, batch, hidden, ffn, s.f1)
  addon.geluForward(s.f1, batch * ffn, s.act)
  addon.linearForward(s.act, w.w2, w.b2, batch, ffn, hidden, s.mOut)
  if (a.mThreshold) addon.dropout(s.mOut, batch * hidden, a.mKey, a.mThreshold, a.mScale, s.mOut)
  addon.scaleAdd(s.c1, s.mOut, w.gamma2, batch, hidden, y) // out = c1 + γ2 ⊙ drop(mlp)
  return outputs
}

/** dy [B, 1, H], cls, patches, saved, the weights, the forward attrs -> [dcls, dpatches, ...one gradient per weight]. */
const classBlockGradKernel = (addon: NativeAddon): KernelFunc => (args) => {
  const { input, a, d, wasm, view, weights } = kernelContext(args)
  const { batch, tokens, hidden, ffn } = d
  const outputs = [input.cls.shape, input.patches.shape, ...CLASS_BLOCK_WEIGHTS.map((name) => input[name].shape)].map((shape) => wasm.makeOutput(shape, 'float32'))
  const w = weights()
  const s = savedViews(view(input.saved), savedSizes(d))
  const [dcls, dpatches, ...gradViews] = outputs.map(view)
  const g = Object.fromEntries(CLASS_BLOCK_WEIGHTS.map((name, i) => [name, gradViews[i]])) as Record<ClassBlockWeightName, Float32Array>
  const dy = view(input.dy)
  const rows = batch * tokens
  const [tA, tB, dq, dctx] = ['a', 'b', 'dq', 'dctx'].map((name) => buffer(name, batch * hidden)) // [B, H] each
  const [dk, dv, dhu, tRows] = ['dk', 'dv', 'dhu', 'rows'].map((name) => buffer(name, rows * hidden))
  const wide = buffer('wide', batch * ffn)
  // MLP branch: out = c1 + γ2 ⊙ drop(act(hc·W1ᵀ + b1)·W2ᵀ + b2)
  addon.scaleBackward(dy, s.mOut, w.gamma2, batch, hidden, tA, g.gamma2)
  if (a.mThreshold) addon.dropout(tA, batch * hidden, a.mKey, a.mThreshold, a.mScale, tA)
  addon.linearBackward(tA, s.act, w.w2, batch, ffn, hidden, wide, g.w2, g.b2)
  addon.geluBackward(wide, s.f1, batch * ffn, wide)
  addon.linearBackward(wide, s.hc, w.w1, batch, hidden, ffn, tA, g.w1, g.b1)
  addon.layerNormBackward(tA, s.c1, w.ln2Gamma, s.mean2, s.rstd2, batch, hidden, tB, g.ln2Gamma, g.ln2Beta)
  const dc1 = dcls // dL/dc1 = dy + the MLP branch's share; the CLS row of LN1's gradient is added at the end
  addon.add(dy, tB, batch * hidden, dc1)
  // Attention branch: c1 = cls + γ1 ⊙ drop(attention·Woᵀ + bo)
  addon.scaleBackward(dc1, s.aOut, w.gamma1, batch, hidden, tA, g.gamma1)
  if (a.aThreshold) addon.dropout(tA, batch * hidden, a.aKey, a.aThreshold, a.aScale, tA)
  addon.linearBackward(tA, s.ctx, w.wo, batch, hidden, hidden, dctx, g.wo, g.bo)
  addon.attentionBackward(s.q, s.k, s.v, s.probs, dctx, batch, a.heads, 1, tokens, hidden / a.heads, hidden, a.scale, a.pKey, a.pThreshold, a.pScale, dq, dk, dv)
  addon.linearBackward(dk, s.hu, w.wk, rows, hidden, hidden, dhu, g.wk, g.bk)
  addon.linearBackward(dv, s.hu, w.wv, rows, hidden, hidden, tRows, g.wv, g.bv)
  addon.add(dhu, tRows, rows * hidden, dhu)
  addon.linearBackward(dq, s.huCls, w.wq, batch, hidden, hidden, tA, g.wq, g.bq)
  clsRows(d, dhu, tB, 'gather') // the CLS rows of dhu gain the query's share
  addon.add(tB, tA, batch * hidden, tB)
  clsRows(d, dhu, tB, 'scatter')
  addon.layerNormBackward(dhu, s.u, w.ln1Gamma, s.mean1, s.rstd1, rows, hidden, tRows, g.ln1Gamma, g.ln1Beta) // tRows = dL/du
  clsRows(d, tRows, tA, 'gather')
  addon.add(dc1, tA, batch * hidden, dcls)
  const patchCells = (tokens - 1) * hidden
  for (let b = 0; b < batch; b++) dpatches.set(tRows.subarray((b * tokens + 1) * hidden, (b + 1) * tokens * hidden), b * patchCells)
  return outputs
}

/** The two kernels for the wasm backend, when the addon has every function they call. */
export function classBlockKernelConfigs(addon: NativeAddon): KernelConfig[] {
  const needed: Array<keyof NativeAddon> = ['add', 'dropout', 'scaleAdd', 'scaleBackward', 'layerNormForward', 'linearForward', 'attentionForward', 'geluForward']
  if (!needed.every((name) => typeof addon[name] === 'function')) return []
  return [
    { kernelName: FUSED_KERNELS.classBlock, backendName: 'wasm', kernelFunc: classBlockKernel(addon) },
    { kernelName: FUSED_KERNELS.classBlockGrad, backendName: 'wasm', kernelFunc: classBlockGradKernel(addon) },
  ]
}
