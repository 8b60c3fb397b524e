/**
 * Test helper: the wasm backend with the engine's extra kernels, the way the engine runs on a machine without
 * tfjs-node. Training tests use it because the pure-JS cpu backend is ~6x slower even on tiny models.
 * Import '@tensorflow/tfjs' in the test file first (gradient functions).
 */
import * as tf from '@tensorflow/tfjs-core'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { registerWasmKernels } from '../backend/wasm-kernels'

export async function useWasmBackend(): Promise<void> {
  const require = createRequire(import.meta.url)
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/')
  registerWasmKernels()
  if (!(await tf.setBackend('wasm'))) throw new Error('The wasm backend did not initialise')
}
