/**
 * Child-process script for src/engine/backend/wasm-kernels.test.ts: loads gradients the way the engine does
 * (ensureGradients loads the @tensorflow/tfjs union package) and prints the
 * gradient of an embedding lookup on wasm and on cpu as JSON.
 *   node --import tsx test/helpers/gather-gradient.ts
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { ensureGradients } from '../../src/engine/backend/gradients'
import { selectBackend } from '../../src/engine/backend/select-backend'

async function main(): Promise<void> {
  await selectBackend({ start: { backend: 'wasm', backendSource: 'environment' }, probeGpus: async () => ({ gpus: [], note: null }) })
  await ensureGradients()
  // Embedding E: [5, 2]; ids [1, 3, 1]; loss = sum(gather(E, ids) * w) so dLoss/dE[r] = sum of the w rows with id r
  const gradient = () =>
    tf.tidy(() => {
      const grad = tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, tf.tensor1d([1, 3, 1], 'int32')), tf.tensor2d([[1, 2], [3, 4], [5, 6]]))))
      return grad(tf.tensor2d([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]])).arraySync()
    })
  const before = tf.memory().numTensors
  const wasm = gradient()
  const leaked = tf.memory().numTensors - before
  await tf.setBackend('cpu')
  const cpu = gradient()
  process.stdout.write(`RESULT ${JSON.stringify({ wasm, cpu, leaked })}\n`)
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error))
  process.exit(1)
})
