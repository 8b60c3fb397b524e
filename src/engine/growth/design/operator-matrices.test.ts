import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportOperator } from '../../io/export-checkpoint'
import { createLigoOperator } from '../ligo'
import { net2net } from '../net2net'
import { depthPair, disposeAll, fullPair, trainedLikeParams } from '../growth.testing'
import { learnedOperator } from '../../io/operator-file'
import { getPreset } from '../../models/presets'
import { GROWTH_METHOD_LIST } from '../methods'
import { initialOperator } from './operator-matrices'
import { matrixFor } from './sampling'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const rowsOf = (m: { values: number[]; cols: number }) => Array.from({ length: m.values.length / m.cols }, (_, i) => m.values.slice(i * m.cols, (i + 1) * m.cols))

describe('operator matrices', () => {
  it("draw StackBERT's and interpolation's depth patterns (LiGO Eq. 1)", () => {
    const { small, large } = depthPair('bert') // 2 -> 4 layers
    expect(rowsOf(initialOperator('stackbert', small, large).depth!)).toEqual([[1, 0], [0, 1], [1, 0], [0, 1]])
    expect(rowsOf(initialOperator('interpolation', small, large).depth!)).toEqual([[1, 0], [1, 0], [0, 1], [0, 1]])
    expect(initialOperator('scratch', small, large)).toMatchObject({ depth: null, width: [], mappings: [] })
  })

  it("give LiGO's exact initial coefficients (the operator's own, before training)", () => {
    const { small, large } = fullPair('bert')
    const params = trainedLikeParams(small)
    const op = createLigoOperator(params, small, large, { seed: 3 })
    const drawn = initialOperator('ligo', small, large, { seed: 3 })
    const depth = op.variables[drawn.depth!.name]
    expect(Array.from(depth.dataSync())).toEqual(drawn.depth!.values.map((v) => Math.fround(v)))
    drawn.depth && rowsOf(drawn.depth).forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5))
    const emb = drawn.width.find((m) => m.name === 'width.emb')!
    // official [I; C] trains C: the drawn B's new rows are C, its first rows the identity
    expect(emb.values.slice(emb.cols * small.hiddenSize)).toEqual(Array.from(op.variables['width.emb'].dataSync()))
    expect(rowsOf(emb)[1]).toEqual(Array.from({ length: emb.cols }, (_, j) => (j === 1 ? 1 : 0)))
    op.dispose()
    disposeAll(params)
  })

  it("say which source unit each Net2Net unit copies: what the grown weights hold", () => {
    const { small, large } = fullPair('bert')
    const params = trainedLikeParams(small)
    const grown = net2net.grow(params, small, large, { seed: 5 })
    const hidden = initialOperator('net2net', small, large, { seed: 5 }).mappings.find((m) => m.module === 'hidden')!
    expect(hidden.sourceOf.slice(0, small.hiddenSize)).toEqual(Array.from({ length: small.hiddenSize }, (_, j) => j))
    const smallEmb = params['embed.tok.weight'].arraySync() as number[][]
    const largeEmb = grown['embed.tok.weight'].arraySync() as number[][]
    hidden.sourceOf.forEach((src, j) => expect(largeEmb[3][j]).toBeCloseTo(smallEmb[3][src], 6))
    disposeAll(grown)
    disposeAll(params)
  })

  it('read back the learned operator a LiGO growth saved', async () => {
    const { small, large } = fullPair('gpt2')
    const params = trainedLikeParams(small)
    const op = createLigoOperator(params, small, large, { seed: 1 })
    const { tensors, description } = op.exportCoefficients()
    const dir = mkdtempSync(join(tmpdir(), 'ligo-op-'))
    const arrays = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { shape: t.shape, data: t.dataSync() as Float32Array }]))
    await exportOperator(join(dir, 'operator'), arrays, description as never)
    const learned = await learnedOperator(dir)
    expect(learned).toMatchObject({ kind: 'learned', smallLayers: small.numLayers, largeLayers: large.numLayers })
    expect(learned.depth!.values).toEqual(Array.from(tensors[learned.depth!.name].dataSync()))
    expect(learned.width.map((m) => m.name)).toContain('width.emb')
    await expect(learnedOperator(mkdtempSync(join(tmpdir(), 'ligo-none-')))).rejects.toThrow('no saved LiGO operator')
    disposeAll(tensors)
    op.dispose()
    disposeAll(params)
  })

  it('sample large matrices with one stride on both axes, within the cell budget', () => {
    const values = Array.from({ length: 100 * 300 }, (_, k) => k)
    const m = matrixFor('big', values, 100, 300, { rowLabel: 'r', colLabel: 'c' }, 400)
    expect(m.values.length).toBeLessThanOrEqual(400)
    const stride = m.rowIndex![1]
    expect(stride).toBeGreaterThan(1)
    expect(m.rowIndex).toEqual(Array.from({ length: Math.ceil(100 / stride) }, (_, k) => k * stride))
    expect(m.colIndex).toEqual(Array.from({ length: Math.ceil(300 / stride) }, (_, k) => k * stride))
    // every cell is the entry at its named row and column
    m.rowIndex!.forEach((i, a) => m.colIndex!.forEach((j, b) => expect(m.values[a * m.colIndex!.length + b]).toBe(i * 300 + j)))
    expect(matrixFor('small', [1, 2, 3, 4], 2, 2, { rowLabel: 'r', colLabel: 'c' }, 400)).toMatchObject({ rowIndex: null, colIndex: null, values: [1, 2, 3, 4] })
  })

  it("keep the identity block of a Net2Net width map a diagonal when sampled (BERT-Small -> Base, 768 x 512)", () => {
    const small = getPreset('bert-small').config
    const large = getPreset('bert-base').config
    const hidden = initialOperator('net2net', small, large, { seed: 1 }).mappings.find((m) => m.module === 'hidden')!
    // The map as a one-hot matrix [target unit, source unit]: unit j copies source unit sourceOf[j].
    const oneHot = new Float32Array(768 * 512)
    hidden.sourceOf.forEach((source, j) => (oneHot[j * 512 + source] = 1))
    const m = matrixFor('width.emb', oneHot, 768, 512, { rowLabel: 'large unit', colLabel: 'small unit' }, 576)
    const cols = m.colIndex!.length
    const kept = m.rowIndex!.filter((i) => i < 512).length
    expect(kept).toBeGreaterThan(10)
    for (let k = 0; k < kept; k++) {
      expect(m.values[k * cols + k], `cell (${k}, ${k})`).toBe(1)
      // off the diagonal, the identity block is 0
      if (k + 1 < cols) expect(m.values[k * cols + k + 1]).toBe(0)
    }
  })

  it("draw every registered method's picture from its descriptor: depth rows L2 x L1, each row a convex combination", () => {
    const { small, large } = depthPair('bert') // 2 -> 4 layers
    const depthOf = (method: string) => rowsOf(initialOperator(method, small, large).depth!)
    expect(depthOf('lemon')).toEqual([[1, 0], [1, 0], [0, 1], [0, 1]])
    expect(depthOf('gstack')).toEqual([[1, 0], [0, 1], [1, 0], [0, 1]])
    for (const method of GROWTH_METHOD_LIST) {
      const drawn = initialOperator(method.name, small, large)
      if (!method.picture) {
        expect(drawn.depth, method.name).toBeNull()
        continue
      }
      expect([drawn.depth!.rows, drawn.depth!.cols], method.name).toEqual([4, 2])
      rowsOf(drawn.depth!).forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5))
    }
    expect(GROWTH_METHOD_LIST.filter((m) => !m.picture).map((m) => m.name)).toEqual(['scratch', 'ki'])
  })
})
