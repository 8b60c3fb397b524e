import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset } from './presets'
import { initParameters, initRule } from './init'
import { tinyConfig, TINY_CONFIGS } from './tiny-configs'
import type { DecoderConfig } from './config'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const dispose = (params: Record<string, tf.Tensor>) => Object.values(params).forEach((t) => t.dispose())

describe('initParameters', () => {
  it('is reproducible from a seed and differs between seeds', () => {
    const config = TINY_CONFIGS.cait
    const a = initParameters(config, 1), b = initParameters(config, 1), c = initParameters(config, 2)
    expect(Array.from(a['blocks.0.attn.q.weight'].dataSync())).toEqual(Array.from(b['blocks.0.attn.q.weight'].dataSync()))
    expect(Array.from(a['blocks.0.attn.q.weight'].dataSync())).not.toEqual(Array.from(c['blocks.0.attn.q.weight'].dataSync()))
    // two parameters of one shape get different values from one seed
    expect(Array.from(a['blocks.0.attn.q.weight'].dataSync())).not.toEqual(Array.from(a['blocks.0.attn.k.weight'].dataSync()))
    ;[a, b, c].forEach(dispose)
  })

  it('uses ones for norms, zeros for biases, LayerScale init for CaiT scales, zero for the padding row', () => {
    const cait = initParameters(TINY_CONFIGS.cait, 3)
    expect(Array.from(cait['blocks.1.attn_norm.weight'].dataSync()).every((v) => v === 1)).toBe(true)
    expect(Array.from(cait['final_norm.bias'].dataSync()).every((v) => v === 0)).toBe(true)
    expect(Array.from(cait['cls_blocks.0.mlp_scale'].dataSync()).every((v) => Math.abs(v - 0.1) < 1e-7)).toBe(true)
    dispose(cait)
    const roberta = initParameters(TINY_CONFIGS.roberta, 3) // padTokenId 1
    const table = roberta['embed.tok.weight'].arraySync() as number[][]
    expect(table[1].every((v) => v === 0)).toBe(true)
    expect(table[0].some((v) => v !== 0)).toBe(true)
    expect(Array.from(roberta['head.mlm.norm.weight'].dataSync()).every((v) => v === 1)).toBe(true)
    dispose(roberta)
  })

  it('draws weights from normal(0, initializerRange); GPT-2 residual projections use std/√(2L)', () => {
    const config = tinyConfig<DecoderConfig>('gpt2', { hiddenSize: 64, numHeads: 2, intermediateSize: 64, numLayers: 8, vocabSize: 200 })
    const params = initParameters(config, 4)
    const std = (t: tf.Tensor) => tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]))
    expect(std(params['embed.tok.weight'])).toBeCloseTo(0.02, 3)
    expect(std(params['blocks.0.mlp.down.weight'])).toBeCloseTo(0.02 / 4, 3) // √(2·8) = 4
    expect(initRule(config, 'blocks.3.attn.out.weight')).toEqual({ kind: 'normal', std: 0.005 })
    dispose(params)
  })

  it('creates exactly the tensors it returns (no leaks)', () => {
    const before = tf.memory().numTensors
    const params = initParameters(getPreset('vit-mini').config, 5)
    expect(tf.memory().numTensors - before).toBe(Object.keys(params).length)
    dispose(params)
    expect(tf.memory().numTensors).toBe(before)
  })
})
