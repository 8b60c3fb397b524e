/**
 * Test helper: the wasm backend with the engine's extra kernels (and the native addon's when built), the way the
 * engine runs on a machine without tfjs-node. Training tests use it because the pure-JS cpu backend is ~6x slower even on tiny models.
 * Import '@tensorflow/tfjs' in the test file first (gradient functions).
 */
import * as tf from '@tensorflow/tfjs-core'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { registerWasmKernels } from '../backend/wasm-kernels'
import { activateNativeKernels } from '../backend/native-kernels'

export async function useWasmBackend(): Promise<void> {
  const require = createRequire(import.meta.url)
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/')
  registerWasmKernels()
  if (!(await tf.setBackend('wasm'))) throw new Error('The wasm backend did not initialise')
  // As the engine does: the native kernels when the addon is built, so tests run that path; LIGO_NATIVE=0 runs
  // the plain wasm one (CI runs both).
  activateNativeKernels('wasm')
}
