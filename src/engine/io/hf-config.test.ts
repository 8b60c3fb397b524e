import { describe, expect, it } from 'vitest'
import { makeConfig, type VisionConfig } from '../models/config'
import { timmConfigJson, timmNormalization } from './hf-config'

const mnistCait = makeConfig('cait', {
  imageSize: 28, patchSize: 7, numChannels: 1, numClasses: 10, numLayers: 2, numClassLayers: 1,
  hiddenSize: 64, numHeads: 2, intermediateSize: 256, layerScaleInit: 0.1,
}) as VisionConfig

describe('timm pretrained_cfg normalisation', () => {
  it('declares the engine convention (raw [0, 1] pixels: mean 0, std 1) for a model the engine trained', () => {
    expect(timmNormalization(mnistCait, null)).toEqual({ mean: [0], std: [1] })
    const cfg = timmConfigJson(mnistCait).pretrained_cfg as { mean: number[]; std: number[]; input_size: number[] }
    expect([cfg.mean, cfg.std, cfg.input_size]).toEqual([[0], [1], [1, 28, 28]])
  })

  it("keeps an imported checkpoint's own statistics when they fit the channel count", () => {
    const rgb = { ...mnistCait, numChannels: 3 } as VisionConfig
    const imagenet = { pretrained_cfg: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } }
    expect(timmNormalization(rgb, imagenet)).toEqual(imagenet.pretrained_cfg)
    // three statistics cannot describe a one-channel model: fall back to the engine convention
    expect(timmNormalization(mnistCait, imagenet)).toEqual({ mean: [0], std: [1] })
  })
})
