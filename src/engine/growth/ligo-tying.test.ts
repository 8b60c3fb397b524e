/**
 * LiGO's tying (docs/growth/ligo.md §1.4, §1.5) checked against a reference built by hand, in plain arrays, from the
 * paper's table: for every module of BERT, GPT-2 and ViT (embeddings, Q/K/V/O, FFN, LayerNorms, heads) the grown
 * tensor must equal E_out · (depth mix of the small tensors) · E_inᵀ, with E = [I; C] (official form) or the full
 * B (paper form), which expansion on which axis written out below rather than read from layout.ts. Every
 * coefficient is set to random non-zero values first, so a wrong space, a transposed expansion or a missing axis
 * shows (Prop. 1 with [I; 0] widths is in ligo.test.ts; it cannot see the width coefficients).
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FamilyName, ModelConfig, ParamMap } from '../models'
import { disposeAll, fullPair, trainedLikeParams } from './growth.testing'
import { createLigoOperator } from './ligo'
import type { LigoParameterization } from './types'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

type Matrix = number[][]

const matrixOf = (t: tf.Tensor): Matrix => {
  const rows = t.shape[0]
  const cols = t.size / rows
  const data = Array.from(t.dataSync())
  return Array.from({ length: rows }, (_, r) => data.slice(r * cols, (r + 1) * cols))
}
const vectorOf = (t: tf.Tensor): number[] => Array.from(t.dataSync())
const transpose = (a: Matrix): Matrix => a[0].map((_, c) => a.map((row) => row[c]))
const matmul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, c) => row.reduce((s, v, k) => s + v * b[k][c], 0)))
const matvec = (a: Matrix, v: number[]): number[] => a.map((row) => row.reduce((s, x, k) => s + x * v[k], 0))
const scale = (a: Matrix, s: number): Matrix => a.map((row) => row.map((v) => v * s))
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, r) => row.map((v, c) => v + b[r][c]))
const identityOver = (c: Matrix): Matrix => c[0].map((_, r) => c[0].map((__, k) => (r === k ? 1 : 0)))

/** [I; C] for the official form; the matrix itself (full B) for the paper form. */
const expansionOf = (p: LigoParameterization, m: Matrix): Matrix => (p === 'official' ? [...identityOver(m), ...m] : m)

/** Large-layer i's module in every small layer j: Σ_j w_ij · f(W_j, j). */
function depthMix<T extends Matrix | number[]>(weights: number[], parts: T[]): T {
  const isVector = !Array.isArray(parts[0][0])
  if (isVector) return (parts as number[][]).reduce((acc, v, j) => acc.map((x, k) => x + weights[j] * v[k]), new Array((parts[0] as number[]).length).fill(0)) as T
  return (parts as Matrix[]).reduce((acc, m, j) => add(acc, scale(m, weights[j])), scale(parts[0] as Matrix, 0)) as T
}

function maxDiff(a: number[] | Matrix, b: number[] | Matrix): number {
  const fa = (a as unknown[]).flat(2) as number[]
  const fb = (b as unknown[]).flat(2) as number[]
  expect(fa.length).toBe(fb.length)
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i])), 0)
}

/** Which width space each axis of each block module takes (docs/growth/ligo.md §1.4 table), by hand. */
const BLOCK_MODULES: Record<string, { out: string; in?: string }> = {
  'attn.q': { out: 'q', in: 'emb' },
  'attn.k': { out: 'k', in: 'emb' },
  'attn.v': { out: 'v', in: 'emb' },
  'attn.out': { out: 'emb', in: 'v' }, // O's input is V's output space (A^O = B^V)
  'mlp.up': { out: 'ffn', in: 'emb' },
  'mlp.down': { out: 'emb', in: 'ffn' }, // FFN down's input is FFN up's output space
  attn_norm: { out: 'emb' },
  mlp_norm: { out: 'emb' },
}

interface Coefficients {
  width(space: string, layer: number): Matrix
  depth(module: string, part: 'weight' | 'bias', largeLayer: number): number[]
}

function coefficients(p: LigoParameterization, values: Record<string, tf.Tensor>): Coefficients {
  return {
    // Official: per-large-layer q/k/v/ffn; paper: per-small-layer (the caller passes the right index).
    width: (space, layer) => matrixOf(values[space === 'emb' || space === 'head' ? `width.${space}` : `width.blocks.${layer}.${space}`]),
    depth: (module, part, i) => matrixOf(values[p === 'official' ? `depth.blocks.${module}.${part}` : `depth.blocks.${module}`])[i],
  }
}

/** The grown block tensor of large layer i, from the paper's formula (paper) or the official code's (official). */
function expectedBlock(p: LigoParameterization, small: ParamMap, c: Coefficients, module: string, part: 'weight' | 'bias', i: number, l1: number): number[] | Matrix {
  const spaces = BLOCK_MODULES[module]
  const name = (j: number) => `blocks.${j}.${module}.${part}`
  const w = c.depth(module, part, i)
  const isWeight = part === 'weight' && spaces.in !== undefined
  if (p === 'official') {
    // [I; C^out_i] (Σ_j w_ij W_j) [I; C^in_i]ᵀ: depth first, width per large layer.
    const out = expansionOf(p, c.width(spaces.out, i))
    if (!isWeight) return matvec(out, depthMix(w, Array.from({ length: l1 }, (_, j) => vectorOf(small[name(j)]))))
    const mixed = depthMix(w, Array.from({ length: l1 }, (_, j) => matrixOf(small[name(j)])))
    return matmul(matmul(out, mixed), transpose(expansionOf(p, c.width(spaces.in!, i))))
  }
  // Σ_j w_ij · B^out_j W_j B^in_jᵀ: width per small layer j, then depth.
  const grownOf = (j: number) => {
    const out = c.width(spaces.out, j)
    return isWeight ? matmul(matmul(out, matrixOf(small[name(j)])), transpose(c.width(spaces.in!, j))) : matvec(out, vectorOf(small[name(j)]))
  }
  return depthMix(w, Array.from({ length: l1 }, (_, j) => grownOf(j)) as Array<Matrix | number[]>)
}

/**
 * Tensors outside the blocks, by hand: embedding tables grow their hidden axis (columns), the patch projection its
 * output channels only, CLS/position/norm vectors in the residual stream, BERT's MLM transform in its own head space
 * (official) or the residual stream's (paper), classifier heads only in their input.
 */
function expectedOutside(p: LigoParameterization, small: ParamMap, c: Coefficients, name: string): number[] | Matrix | null {
  const emb = expansionOf(p, c.width('emb', 0))
  const head = p === 'official' && name.startsWith('head.mlm') ? expansionOf(p, c.width('head', 0)) : emb
  const t = small[name]
  switch (name) {
    case 'embed.tok.weight':
    case 'embed.pos.weight':
    case 'embed.type.weight':
      return matmul(matrixOf(t), transpose(emb)) // [rows, H1] -> [rows, H2]
    case 'embed.patch.weight': {
      // [H, C, p, p]: only the output channels grow.
      return matmul(emb, matrixOf(t))
    }
    case 'embed.patch.bias':
    case 'embed.cls':
    case 'embed.norm.weight':
    case 'embed.norm.bias':
    case 'final_norm.weight':
    case 'final_norm.bias':
      return matvec(emb, vectorOf(t))
    case 'head.mlm.dense.weight':
      return matmul(matmul(head, matrixOf(t)), transpose(emb))
    case 'head.mlm.dense.bias':
    case 'head.mlm.norm.weight':
    case 'head.mlm.norm.bias':
      return matvec(head, vectorOf(t))
    case 'head.mlm.bias':
    case 'head.cls.bias':
      return vectorOf(t) // vocabulary / classes stay
    case 'head.cls.weight':
      return matmul(matrixOf(t), transpose(emb))
    case 'pooler.weight':
      return matmul(matmul(emb, matrixOf(t)), transpose(emb))
    case 'pooler.bias':
      return matvec(emb, vectorOf(t))
    default:
      return null
  }
}

const FAMILIES: FamilyName[] = ['bert', 'gpt2', 'vit']

describe('LiGO tying with non-zero width coefficients against a hand-built reference (docs/growth/ligo.md §1.4)', () => {
  for (const p of ['official', 'paper'] as const)
    for (const family of FAMILIES) {
      it(`${p}, ${family}: every module of every large layer`, () => {
        const pair = fullPair(family)
        // Untied decoders would add a tensor; keep each family's own tie setting, the reference covers both heads.
        const { small, large }: { small: ModelConfig; large: ModelConfig } = pair
        const params = trainedLikeParams(small)
        const op = createLigoOperator(params, small, large, { seed: 3, parameterization: p })
        // Random non-zero values for every coefficient (widths well away from [I; 0] and from a convex mix).
        const values: Record<string, tf.Tensor> = {}
        Object.entries(op.variables).forEach(([name, v], k) => (values[name] = tf.randomNormal(v.shape, 0, 0.5, 'float32', 100 + k)))
        op.loadCoefficients(values)
        const grown = op.materializeKept()
        const c = coefficients(p, values)
        const checked: string[] = []
        for (const [name, tensor] of Object.entries(grown)) {
          const block = /^blocks\.(\d+)\.(.+)\.(weight|bias)$/.exec(name)
          const expected = block
            ? expectedBlock(p, params, c, block[2], block[3] as 'weight' | 'bias', Number(block[1]), small.numLayers)
            : expectedOutside(p, params, c, name)
          if (expected === null) throw new Error(`${name}: no hand-built reference for this tensor`)
          const actual = tensor.rank === 1 ? vectorOf(tensor) : matrixOf(tensor) // rank 4 (patch projection): [H, C·p·p]
          const diff = maxDiff(actual, expected)
          if (!(diff < 1e-3)) throw new Error(`${name}: differs from the hand-built reference by ${diff}`)
          checked.push(name)
        }
        // Every block module of every large layer was compared.
        for (let i = 0; i < large.numLayers; i++)
          for (const module of Object.keys(BLOCK_MODULES)) expect(checked).toContain(`blocks.${i}.${module}.weight`)
        op.dispose()
        disposeAll(grown)
        disposeAll(params)
        tf.dispose(Object.values(values))
      })
    }
})
