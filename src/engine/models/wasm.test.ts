/**
 * The same tiny models on the wasm backend: values and gradients equal the cpu backend's, with both attention
 * implementations. Uses engine/backend's registerWasmKernels (gather's gradient needs UnsortedSegmentSum) and the
 * native kernels when the addon is built.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmKernels } from '../backend/wasm-kernels'
import { activateNativeKernels } from '../backend/native-kernels'
import { FAMILY_NAMES, type ModelConfig } from './config'
import { getFamily } from './registry'
import { tinyConfig, tinyInputs } from './tiny-configs'
import type { ModelInputs } from './types'

beforeAll(async () => {
  const require = createRequire(import.meta.url)
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/')
  registerWasmKernels()
  await tf.setBackend('wasm')
  // The native kernels when the addon is built (BLAS matmuls, fused LayerNorm/GELU/cross-entropy); LIGO_NATIVE=0
  // tests the plain wasm kernels. Either way the values must equal the cpu backend's.
  activateNativeKernels('wasm')
})

/** Logits and the loss gradient of every parameter, as plain arrays, on the current backend. */
function run(config: ModelConfig, attention: 'batched' | 'per-head'): { logits: Float32Array; grads: Record<string, Float32Array> } {
  const family = getFamily(config.family)
  const params = family.init(config, 3)
  const names = Object.keys(params).filter((n) => !n.startsWith('pooler.'))
  const result = tf.tidy(() => {
    const inputs = tinyInputs(config, 2) as ModelInputs
    const labels = 'vocabSize' in config ? tf.randomUniform([2, 5], 0, config.vocabSize, 'int32', 3) : tf.tensor1d([0, 2], 'int32')
    const options = { training: false, attention }
    const logits = family.forward(params, config, inputs, options).dataSync() as Float32Array
    const grads = tf.grads((...ts: tf.Tensor[]) => family.loss(family.forward({ ...params, ...Object.fromEntries(names.map((n, i) => [n, ts[i]])) }, config, inputs, options), { labels }))(names.map((n) => params[n]))
    return { logits, grads: Object.fromEntries(names.map((n, i) => [n, grads[i].dataSync() as Float32Array])) }
  })
  Object.values(params).forEach((t) => t.dispose())
  return result
}

describe('wasm backend', () => {
  for (const family of FAMILY_NAMES) {
    it(`${family}: forward and gradients match the cpu backend`, async () => {
      const config = tinyConfig(family)
      await tf.setBackend('cpu')
      const reference = run(config, 'batched')
      expect(await tf.setBackend('wasm')).toBe(true)
      const before = tf.memory().numTensors
      for (const attention of ['per-head', 'batched'] as const) {
        const got = run(config, attention)
        got.logits.forEach((v, i) => expect(v).toBeCloseTo(reference.logits[i], 4))
        for (const [name, g] of Object.entries(got.grads)) {
          const want = reference.grads[name]
          g.forEach((v, i) => {
            if (Math.abs(v - want[i]) > 1e-4 + 1e-3 * Math.abs(want[i])) throw new Error(`${family} ${attention} ${name}[${i}]: wasm ${v}, cpu ${want[i]}`)
          })
        }
      }
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
