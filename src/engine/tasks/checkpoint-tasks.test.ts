/**
 * Forward on imported checkpoints: grown-like models (random parameters of a bigger config) give the same
 * outputs after export and re-import, in both formats; HF-named inputs are validated with clear messages.
 * Parity with PyTorch is in test/reference/forward-parity.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportCheckpoint } from '../io/export-checkpoint'
import { importCheckpoint } from '../io/import-checkpoint'
import { deterministicParams, tempDir } from '../io/export-fixtures.testing'
import { makeConfig, type ModelConfig } from '../models/config'
import { checkpointForward, forwardOnInput, paramsToTensors, tensorsToParams } from './checkpoint-tasks'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Grown-like sizes: wider and deeper than the tiny test configs, more heads. */
const GROWN: Record<string, ModelConfig> = {
  bert: makeConfig('bert', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 24, vocabSize: 17, maxPositions: 8 }),
  roberta: makeConfig('roberta', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 24, vocabSize: 17, maxPositions: 10, tieWordEmbeddings: false }),
  gpt2: makeConfig('gpt2', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 64, vocabSize: 17, maxPositions: 8 }),
  vit: makeConfig('vit', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 24, imageSize: 8, patchSize: 4, numClasses: 5 }),
  deit: makeConfig('deit', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 24, imageSize: 8, patchSize: 4, numClasses: 5 }),
  cait: makeConfig('cait', { hiddenSize: 16, numHeads: 4, numLayers: 3, intermediateSize: 64, imageSize: 8, patchSize: 4, numClasses: 5, numClassLayers: 2, layerScaleInit: 0.1 }),
}

function inputFor(config: ModelConfig): Record<string, unknown> {
  if ('vocabSize' in config) return { input_ids: [[2, 5, 7, 3], [4, 4, 9, 16]], attention_mask: [[1, 1, 1, 1], [1, 1, 1, 0]] }
  const side = config.imageSize
  const image = (b: number) => Array.from({ length: config.numChannels }, (_, c) => Array.from({ length: side }, (_, y) => Array.from({ length: side }, (_, x) => Math.sin(b + c * 3 + y * 0.7 + x * 0.3))))
  return { pixel_values: [image(0), image(1)] }
}

describe('grown-like models export and re-import with the same outputs', () => {
  const cases = Object.entries(GROWN).flatMap(([family, config]) =>
    (family === 'cait' ? ['timm'] : family === 'vit' || family === 'deit' ? ['hf', 'timm'] : ['hf']).map((format) => [`${family} as ${format}`, config, format] as const),
  )
  it.each(cases)('%s', async (_name, config, format) => {
    const params = deterministicParams(config, 0.3)
    const before = forwardOnInput(tf, config, params, inputFor(config))
    const outDir = join(tempDir('grown'), 'out')
    await exportCheckpoint({ config, params }, { format: format as 'hf' | 'timm', outDir })
    const after = await checkpointForward(tf, outDir, inputFor(config))
    expect(after.shape).toEqual(before.shape)
    expect(after.logits).toEqual(before.logits)
    expect(after.warnings).toEqual([])
    const shapes = 'vocabSize' in config ? [2, 4, config.vocabSize] : [2, config.numClasses]
    expect(after.shape).toEqual(shapes)
    // Different parameters give different outputs: the comparison above can fail.
    const other = deterministicParams(config, 0.31)
    expect(forwardOnInput(tf, config, other, inputFor(config)).logits).not.toEqual(before.logits)
    // And re-imported parameters are bit-identical.
    const back = await importCheckpoint(outDir)
    for (const [name, p] of Object.entries(back.params)) expect(Buffer.from(p.data.buffer).equals(Buffer.from(params[name].data.buffer)), name).toBe(true)
  })
})

describe('tf tensors <-> export params', () => {
  it('round-trips a parameter map exactly', async () => {
    const params = deterministicParams(GROWN.cait)
    const tensors = paramsToTensors(tf, params)
    const back = await tensorsToParams(tensors)
    Object.values(tensors).forEach((t) => t.dispose())
    expect(back).toEqual(params)
  })
})

describe('forward input validation', () => {
  const gpt2 = GROWN.gpt2
  const vit = GROWN.vit
  const params = deterministicParams(gpt2)
  const run = (input: unknown, config = gpt2, p = params) => () => forwardOnInput(tf, config, p, input)

  it('names the field and the problem', () => {
    expect(run({ input_ids: [[1, 2], [3]] })).toThrow('Forward input: input_ids[1] must have 2 items like input_ids[0]')
    expect(run({ input_ids: [[1, 17]] })).toThrow('Forward input: input_ids[0][1] must be an integer in [0, 17), got 17')
    expect(run({ input_ids: [[1, 2]], attention_mask: [[1, 1, 1]] })).toThrow('attention_mask must have the shape of input_ids [1, 2], got [1, 3]')
    expect(run({ input_ids: [[1, 2]], token_type_ids: [[0, 0]] })).toThrow('token_type_ids is not an input of GPT-2')
    expect(run({ input_ids: [Array(9).fill(1)] })).toThrow("input_ids has 9 tokens, more than the model's 8 positions")
    expect(run({ pixel_values: [] })).toThrow('unknown field "pixel_values" for a gpt2 model (expected input_ids, attention_mask, token_type_ids)')
    expect(run({ input_ids: [[1]] }, vit, deterministicParams(vit))).toThrow('unknown field "input_ids" for a vit model (expected pixel_values)')
    expect(run({ pixel_values: [[[[0]]]] }, vit, deterministicParams(vit))).toThrow('pixel_values[0] must have 3 channels')
    expect(run([1, 2])).toThrow('Forward input: must be a JSON object')
  })

  it('leaves no tensors behind, even when the input is refused', () => {
    const before = tf.memory().numTensors
    forwardOnInput(tf, gpt2, params, { input_ids: [[1, 2, 3]] })
    expect(run({ input_ids: [[99]] })).toThrow()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('reports import problems as invalid requests', async () => {
    await expect(checkpointForward(tf, '/no/such/checkpoint', { input_ids: [[1]] })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/no such file or folder/) })
  })
})
