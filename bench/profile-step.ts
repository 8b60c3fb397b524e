/**
 * Where a training step's time goes, per TF.js kernel: wraps every kernel registered for wasm in a timer, runs the
 * reference model's training step (bench/reference-model.ts: the engine's forward, loss and AdamW) and prints the
 * kernels by total time per step.
 *
 *   npx tsx bench/profile-step.ts [--variant mlm15|full] [--family F] [--steps 3] [--no-native] [--shapes] [--threads N]
 *     --family   a family's bench model (bench/family-models.ts: bert, roberta, gpt2, vit, deit, cait) instead
 *     --shapes   one line per kernel and input shapes
 *     --threads  threads of the native addon (its default: the online CPUs)
 *     --cpu      the process's CPU time instead of wall time: on a loaded machine wall time counts the waits for a
 *                core, CPU time only the work (with --threads 1 the kernels' own; more threads add up)
 */
import '@tensorflow/tfjs' // gradients
import * as tf from '@tensorflow/tfjs-core'
import { loadNativeAddon, registerNativeKernels } from '../src/engine/backend/native-kernels'
import { BENCH_FAMILIES, familyBench, familyTrainer, type BenchFamily } from './family-models'
import { engineLossFn, engineTrainer, makeInputs, makeVariables, useWasm, type LossVariant } from './reference-model'

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const variant = option('--variant', 'mlm15') as LossVariant
const STEPS = Number(option('--steps', '3'))
/** Milliseconds of wall time, or of the process's CPU time with --cpu. */
const clock = args.includes('--cpu')
  ? () => {
      const used = process.cpuUsage()
      return (used.user + used.system) / 1000
    }
  : () => performance.now()

/** Re-registers every wasm kernel with a timer around it; returns the totals (filled while `on()` is true). */
function timeKernels(on: () => boolean): Map<string, { ms: number; calls: number }> {
  const totals = new Map<string, { ms: number; calls: number }>()
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc
    tf.unregisterKernel(config.kernelName, 'wasm')
    tf.registerKernel({
      ...config,
      kernelFunc: (a) => {
        if (!on()) return inner(a)
        const start = clock()
        const out = inner(a)
        const key = args.includes('--shapes') ? `${config.kernelName} ${Object.values(a.inputs).map((t) => `[${t?.shape}]`).join(' ')}` : config.kernelName
        const entry = totals.get(key) ?? { ms: 0, calls: 0 }
        entry.ms += clock() - start
        entry.calls += 1
        totals.set(key, entry)
        return out
      },
    })
  }
  return totals
}

async function main(): Promise<void> {
  await useWasm()
  const loaded = loadNativeAddon()
  const native = loaded.ok && !args.includes('--no-native')
  if (loaded.ok && native) {
    registerNativeKernels(loaded.addon)
    if (args.includes('--threads')) loaded.addon.setThreads(Number(option('--threads', '1')), Number(option('--threads', '1')))
  }
  let timing = false
  const totals = timeKernels(() => timing)
  const family = args.includes('--family') ? (option('--family', '') as BenchFamily) : null
  if (family !== null && !BENCH_FAMILIES.includes(family)) throw new Error(`--family must be one of ${BENCH_FAMILIES.join(', ')}, got "${family}"`)
  const trainer = family ? familyTrainer(familyBench(family)) : engineTrainer(makeVariables('profile'), engineLossFn(makeInputs()), variant)
  trainer.step() // warm-up: first-call allocations and heap growth
  timing = true
  const start = clock()
  for (let i = 0; i < STEPS; i++) trainer.step()
  const wall = clock() - start
  const sorted = [...totals].sort((a, b) => b[1].ms - a[1].ms)
  const inKernels = sorted.reduce((s, [, e]) => s + e.ms, 0)
  console.log(`${family ?? variant}, native ${native}: ${(wall / STEPS).toFixed(1)} ms${args.includes('--cpu') ? ' CPU' : ''}/step, ${(inKernels / STEPS).toFixed(1)} ms in kernels`)
  for (const [name, e] of sorted.slice(0, 25)) console.log(`${name.padEnd(60)} ${(e.ms / STEPS).toFixed(2).padStart(8)} ms ${String(e.calls / STEPS).padStart(6)} calls`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
