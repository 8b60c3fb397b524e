/** Every registered family: shapes, gradients (against finite differences), masks, dropout, memory. */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { beforeAll, describe, expect, it } from 'vitest'
import { FAMILY_NAMES, type CaiTConfig, type EncoderConfig, type ModelConfig, type ViTConfig } from './config'
import { classAttentionStage } from './cait'
import { positionIds } from './encoder'
import { patchEmbed } from './layers/patch-embed'
import { missingGradients } from './gradients'
import { checkParameters, FAMILIES, forward, getFamily, parameterGroups } from './registry'
import { tinyConfig, tinyInputs, TINY_CONFIGS } from './tiny-configs'
import type { ParamMap } from './layers/params'
import type { ModelInputs } from './types'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const eval_ = { training: false } as const

function withParams<T>(config: ModelConfig, seed: number, fn: (params: ParamMap) => T): T {
  const params = getFamily(config.family).init(config, seed)
  try {
    return fn(params)
  } finally {
    Object.values(params).forEach((t) => t.dispose())
  }
}

function expectedShape(config: ModelConfig): number[] {
  if ('vocabSize' in config) return [2, 5, config.vocabSize]
  return [2, config.numClasses]
}

describe('every family', () => {
  it('has TF.js gradients registered in this test environment', () => {
    expect(missingGradients()).toEqual([])
  })

  for (const family of FAMILY_NAMES) {
    const config = TINY_CONFIGS[family]

    it(`${family}: init matches the shape table, forward gives ${JSON.stringify(expectedShape(config))}`, () => {
      withParams(config, 1, (params) => {
        checkParameters(params, config)
        tf.tidy(() => {
          const logits = forward(params, config, tinyInputs(config) as ModelInputs, eval_)
          expect(logits.shape).toEqual(expectedShape(config))
          expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true)
        })
      })
    })

    it(`${family}: every used parameter gets a gradient, and nothing leaks`, () => {
      withParams(config, 2, (params) => {
        const before = tf.memory().numTensors
        tf.tidy(() => {
          const names = Object.keys(params).filter((n) => !n.startsWith('pooler.')) // the pooler is not on the MLM path
          const inputs = tinyInputs(config) as ModelInputs
          const labels = 'vocabSize' in config ? tf.randomUniform([2, 5], 0, config.vocabSize, 'int32', 3) : tf.tensor1d([0, 1], 'int32')
          const fam = getFamily(family)
          const grads = tf.grads((...ts: tf.Tensor[]) => {
            const p = { ...params, ...Object.fromEntries(names.map((n, i) => [n, ts[i]])) }
            return fam.loss(fam.forward(p, config, inputs, { training: true, dropoutSeed: 5 }), { labels })
          })(names.map((n) => params[n]))
          grads.forEach((g, i) => {
            const norm = tf.norm(g).dataSync()[0]
            if (!(norm > 0 && Number.isFinite(norm))) throw new Error(`${family}: parameter ${names[i]} got gradient norm ${norm}`)
          })
        })
        expect(tf.memory().numTensors).toBe(before)
      })
    })
  }
})

/** Loss used for gradient checks: every logit matters, with a different fixed weight. */
function probeLoss(config: ModelConfig, params: ParamMap, inputs: ModelInputs, weights: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(forward(params, config, inputs, eval_), weights)) as tf.Scalar
}

describe('gradients agree with central finite differences', () => {
  const probes: Record<string, string[]> = {
    bert: ['embed.tok.weight', 'embed.pos.weight', 'blocks.0.attn.q.weight', 'blocks.1.mlp.down.weight', 'blocks.0.attn_norm.weight', 'head.mlm.dense.weight'],
    roberta: ['embed.type.weight', 'blocks.1.attn.k.bias', 'blocks.0.mlp.up.weight', 'head.lm.weight', 'head.mlm.bias'],
    gpt2: ['embed.tok.weight', 'embed.pos.weight', 'blocks.0.attn.v.weight', 'blocks.1.attn.out.weight', 'final_norm.bias'],
    vit: ['embed.patch.weight', 'embed.cls', 'embed.pos.weight', 'blocks.0.attn.q.weight', 'blocks.1.mlp.up.bias', 'head.cls.weight'],
    deit: ['embed.dist', 'blocks.1.attn.k.weight', 'head.dist.weight', 'final_norm.weight'],
    cait: ['embed.cls', 'blocks.0.attn.talk_pre.weight', 'blocks.1.attn.talk_post.weight', 'blocks.0.attn_scale', 'cls_blocks.0.attn.q.weight', 'cls_blocks.1.mlp_scale', 'embed.patch.weight'],
  }
  for (const family of FAMILY_NAMES) {
    it(family, () => {
      // A larger init scale than 0.02 gives gradients well above float32 noise; LayerScale 0.5 for the same reason.
      const config = tinyConfig(family, { initializerRange: 0.4, ...(family === 'cait' ? { layerScaleInit: 0.5 } : {}) })
      withParams(config, 11, (params) => {
        tf.tidy(() => {
          const inputs = tinyInputs(config, 4) as ModelInputs
          const weights = tf.randomNormal(expectedShape(config), 0, 1, 'float32', 9)
          const names = probes[family]
          const analytic = tf.grads((...ts: tf.Tensor[]) => probeLoss(config, { ...params, ...Object.fromEntries(names.map((n, i) => [n, ts[i]])) }, inputs, weights))(names.map((n) => params[n]))
          const eps = 1e-2
          names.forEach((name, i) => {
            const t = params[name]
            const grad = Array.from(analytic[i].dataSync())
            // probe the entry with the largest gradient and one pseudo-random entry
            const largest = grad.reduce((best: number, v: number, j: number) => (Math.abs(v) > Math.abs(grad[best]) ? j : best), 0)
            for (const index of [largest, (i * 7919 + 13) % t.size]) {
              const shifted = (delta: number) => {
                const values = Float32Array.from(t.dataSync())
                values[index] += delta
                return probeLoss(config, { ...params, [name]: tf.tensor(values, t.shape) }, inputs, weights).dataSync()[0]
              }
              // central differences at eps and eps/2, Richardson-extrapolated: the O(eps²) error cancels
              const central = (h: number) => (shifted(h) - shifted(-h)) / (2 * h)
              const numeric = (4 * central(eps / 2) - central(eps)) / 3
              const tolerance = 2e-2 * Math.max(Math.abs(numeric), Math.abs(grad[index])) + 3e-3
              if (Math.abs(numeric - grad[index]) > tolerance)
                throw new Error(`${family} ${name}[${index}]: analytic ${grad[index]}, finite difference ${numeric}`)
            }
          })
        })
      })
    })
  }
})

describe('masks', () => {
  it('gpt2: changing a later token leaves earlier logits unchanged (causal mask)', () => {
    const config = TINY_CONFIGS.gpt2
    withParams(config, 3, (params) =>
      tf.tidy(() => {
        const a = forward(params, config, { inputIds: tf.tensor2d([[1, 2, 3, 4, 5]], undefined, 'int32') }, eval_)
        const b = forward(params, config, { inputIds: tf.tensor2d([[1, 2, 3, 9, 0]], undefined, 'int32') }, eval_)
        const early = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0], [1, 3, -1]).dataSync())
        expect(early(b)).toEqual(early(a))
        const late = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 3, 0], [1, 1, -1]).dataSync())
        expect(late(b)).not.toEqual(late(a)) // the changed position itself does change
      }),
    )
  })

  for (const family of ['bert', 'roberta'] as const) {
    it(`${family}: padding tokens do not change the other positions (attention mask)`, () => {
      const config = TINY_CONFIGS[family]
      withParams(config, 4, (params) =>
        tf.tidy(() => {
          const attentionMask = tf.tensor2d([[1, 1, 1, 0, 0]], undefined, 'int32')
          const run = (ids: number[]) => forward(params, config, { inputIds: tf.tensor2d([ids], undefined, 'int32'), attentionMask }, eval_)
          const a = run([2, 3, 4, 5, 6])
          const b = run([2, 3, 4, 11, 0])
          const real = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0], [1, 3, -1]).dataSync())
          real(b).forEach((v, i) => expect(v).toBeCloseTo(real(a)[i], 6))
          // without the mask the padded tokens would leak into the real positions
          const c = forward(params, config, { inputIds: tf.tensor2d([[2, 3, 4, 11, 0]], undefined, 'int32') }, eval_)
          expect(real(c)).not.toEqual(real(a))
        }),
      )
    })
  }

  it('roberta: positions count from padTokenId + 1 and padding takes padTokenId', () => {
    const config = TINY_CONFIGS.roberta as EncoderConfig // padTokenId 1
    const ids = tf.tensor2d([[5, 6, 7, 1, 1]], undefined, 'int32')
    expect(positionIds(config, ids).arraySync()).toEqual([[2, 3, 4, 1, 1]])
    expect(positionIds(TINY_CONFIGS.bert as EncoderConfig, ids).arraySync()).toEqual([[0, 1, 2, 3, 4]])
  })

  it('rejects sequences longer than the position table', () => {
    const config = TINY_CONFIGS.roberta // maxPositions 8, pad 1 -> 6 tokens
    withParams(config, 1, (params) =>
      tf.tidy(() => {
        expect(() => forward(params, config, { inputIds: tf.zeros([1, 7], 'int32') }, eval_)).toThrow(/sequence length 7 exceeds the 6 positions/)
      }),
    )
  })
})

describe('vision specifics', () => {
  it('patch embedding equals a stride-p convolution, for NHWC and NCHW input', () => {
    const config = TINY_CONFIGS.vit as ViTConfig
    withParams(config, 5, (params) =>
      tf.tidy(() => {
        const pixels = tinyInputs(config, 6) as { pixels: tf.Tensor4D }
        const w = params['embed.patch.weight'] // [H, C, p, p]
        const filter = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D // [p, p, C, H]
        const conv = tf.add(tf.conv2d(pixels.pixels as tf.Tensor4D, filter, config.patchSize, 'valid'), params['embed.patch.bias']) // [B, g, g, H]
        const viaMatmul = patchEmbed(pixels.pixels, w, params['embed.patch.bias'], 'NHWC')
        const nchw = patchEmbed(tf.transpose(pixels.pixels, [0, 3, 1, 2]), w, params['embed.patch.bias'], 'NCHW')
        const expected = tf.reshape(conv, viaMatmul.shape).dataSync()
        viaMatmul.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
        nchw.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
      }),
    )
  })

  it('deit: "both" returns [2, B, K] whose mean is the default output', () => {
    const config = TINY_CONFIGS.deit
    withParams(config, 6, (params) =>
      tf.tidy(() => {
        const inputs = tinyInputs(config) as ModelInputs
        const both = forward(params, config, inputs, { training: false, deitHeads: 'both' })
        expect(both.shape).toEqual([2, 2, 3])
        const averaged = forward(params, config, inputs, eval_).dataSync()
        tf.mean(both, 0).dataSync().forEach((v, i) => expect(v).toBeCloseTo(averaged[i], 6))
        expect(Array.from(tf.sub(tf.slice(both, [0], [1]), tf.slice(both, [1], [1])).dataSync()).some((v) => Math.abs(v) > 1e-6)).toBe(true)
      }),
    )
  })

  it('cait: class attention updates the CLS token only and ignores the order of patches', () => {
    const config = TINY_CONFIGS.cait as CaiTConfig
    withParams(config, 7, (params) =>
      tf.tidy(() => {
        const patches = tf.randomNormal([2, 4, config.hiddenSize], 0, 1, 'float32', 8)
        const tokens = classAttentionStage(params, config, patches, eval_) // [B, 1+N, H]
        expect(tokens.shape).toEqual([2, 5, config.hiddenSize])
        expect(Array.from(tf.slice(tokens, [0, 1, 0], [-1, -1, -1]).dataSync())).toEqual(Array.from(patches.dataSync()))
        const cls = tf.slice(tokens, [0, 0, 0], [-1, 1, -1])
        expect(Array.from(tf.sub(cls, tf.reshape(params['embed.cls'], [1, 1, -1])).dataSync()).some((v) => Math.abs(v) > 1e-4)).toBe(true)
        const reversed = tf.reverse(patches, 1)
        const clsReversed = tf.slice(classAttentionStage(params, config, reversed, eval_), [0, 0, 0], [-1, 1, -1]).dataSync()
        cls.dataSync().forEach((v, i) => expect(clsReversed[i]).toBeCloseTo(v, 5))
      }),
    )
  })
})

describe('dropout', () => {
  it('is reproducible with a seed, differs across seeds, and is off when not training', () => {
    const config = tinyConfig('bert', { hiddenDropout: 0.3, attentionDropout: 0.3 })
    withParams(config, 8, (params) =>
      tf.tidy(() => {
        const inputs = tinyInputs(config) as ModelInputs
        const run = (options: { training: boolean; dropoutSeed?: number }) => Array.from(forward(params, config, inputs, options).dataSync())
        expect(run({ training: true, dropoutSeed: 1 })).toEqual(run({ training: true, dropoutSeed: 1 }))
        expect(run({ training: true, dropoutSeed: 1 })).not.toEqual(run({ training: true, dropoutSeed: 2 }))
        expect(run({ training: false, dropoutSeed: 1 })).toEqual(run({ training: false }))
        const noDropout = { ...config, hiddenDropout: 0, attentionDropout: 0 }
        expect(Array.from(forward(params, noDropout, inputs, { training: true, dropoutSeed: 1 }).dataSync())).toEqual(run({ training: false }))
      }),
    )
  })
})

describe('registry', () => {
  it('lists every family and refuses unknown names', () => {
    expect(Object.keys(FAMILIES).sort()).toEqual([...FAMILY_NAMES].sort())
    expect(() => getFamily('t5')).toThrow(/Unknown model family "t5". Expected one of: bert, roberta/)
  })

  it('checkParameters names missing, extra and misshaped tensors', () => {
    const config = TINY_CONFIGS.gpt2
    withParams(config, 1, (params) => {
      const broken = { ...params, extra: params['final_norm.bias'], 'final_norm.weight': params['embed.tok.weight'] }
      delete (broken as ParamMap)['blocks.0.attn.q.bias']
      expect(() => checkParameters(broken, config)).toThrow(/3 problems.*missing blocks\.0\.attn\.q\.bias \[8\].*final_norm\.weight: got \[11,8\], config needs \[8\].*unexpected extra/)
    })
  })

  it('forward names a missing parameter', () => {
    const config = TINY_CONFIGS.vit
    withParams(config, 1, (params) => {
      const partial = { ...params }
      delete partial['blocks.1.mlp.up.weight']
      expect(() => tf.tidy(() => forward(partial, config, tinyInputs(config) as ModelInputs, eval_))).toThrow(/vit forward: missing parameter "blocks\.1\.mlp\.up\.weight"/)
    })
  })

  it('groups parameters by stage and layer index', () => {
    const groups = parameterGroups(TINY_CONFIGS.cait)
    expect(groups['blocks.1.attn.talk_pre.weight']).toEqual({ stage: 'blocks', layer: 1 })
    expect(groups['cls_blocks.0.mlp_scale']).toEqual({ stage: 'cls_blocks', layer: 0 })
    expect(groups['embed.pos.weight']).toEqual({ stage: 'embed', layer: null })
    expect(groups['final_norm.weight']).toEqual({ stage: 'final', layer: null })
    expect(groups['head.cls.bias']).toEqual({ stage: 'head', layer: null })
    expect(Object.values(parameterGroups(TINY_CONFIGS.bert)).filter((g) => g.stage === 'blocks' && g.layer === 1)).toHaveLength(16)
  })

  it('exempts 1-D tensors from weight decay, and the position table for vision', () => {
    const bert = FAMILIES.bert, vit = FAMILIES.vit
    expect(bert.noDecay('blocks.0.attn.q.bias', [8])).toBe(true)
    expect(bert.noDecay('embed.norm.weight', [8])).toBe(true)
    expect(bert.noDecay('embed.tok.weight', [13, 8])).toBe(false)
    expect(bert.noDecay('embed.pos.weight', [6, 8])).toBe(false)
    expect(vit.noDecay('embed.pos.weight', [5, 8])).toBe(true)
    expect(vit.noDecay('embed.cls', [8])).toBe(true)
    expect(vit.noDecay('blocks.0.mlp.up.weight', [12, 8])).toBe(false)
  })
})
