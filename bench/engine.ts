/**
 * `npm run bench:engine`: training throughput (tokens/s) of the reference model (engine-measurements.md §2:
 * BERT-like, 2 layers, hidden 128, 2 heads, FFN 512, vocab 8000, batch 16 × 128 tokens, Adam 1e-3), both loss
 * variants (`full`: logits at all 2048 positions; `mlm15`: at a fixed random 15 %), for:
 *   - wasm as shipped: plain tfjs code on the stock wasm kernels (bench/as-shipped-model.ts),
 *   - the engine on wasm: engine/models' `bert` family (FASTMM linears, per-head attention), no addon,
 *   - the engine on wasm + the native addon (BLAS matmuls, batched attention), 1 and all threads,
 *     and the same with the fused softmax-cross-entropy loss (engine/backend/native-ops.ts),
 *   - PyTorch (bench/torch_peer.py, Debian's python3-torch) on 1 and 2 threads, when installed.
 * Median of --steps timed steps after --warmup steps. Same process environment for every row.
 *
 *   npx tsx bench/engine.ts [--steps 5] [--warmup 2] [--quick] [--no-torch] [--json out.json]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { createRequire } from 'node:module'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import * as tf from '@tensorflow/tfjs-core'
import * as wasm from '@tensorflow/tfjs-backend-wasm'
import { registerWasmKernels } from '../src/engine/backend/wasm-kernels'
import { loadNativeAddon, registerNativeKernels, unregisterNativeKernels, type NativeAddon } from '../src/engine/backend/native-kernels'
import { softmaxCrossEntropy } from '../src/engine/backend/native-ops'
import { makeConfig, type EncoderConfig } from '../src/engine/models/config'
import { encoderHidden, mlmHead } from '../src/engine/models/encoder'
import { getFamily } from '../src/engine/models/registry'
import type { ParamMap } from '../src/engine/models/layers/params'
import { asShippedHead, asShippedHidden, asShippedLoss } from './as-shipped-model'

type LossVariant = 'full' | 'mlm15'
interface Row { label: string; full?: number; mlm15?: number; note?: string }

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const quick = args.includes('--quick')
const STEPS = option('--steps', quick ? 2 : 5)
const WARMUP = option('--warmup', quick ? 1 : 2)
const BATCH = 16
const SEQ = 128
const TOKENS = BATCH * SEQ

const config: EncoderConfig = makeConfig('bert', {
  hiddenSize: 128, numLayers: 2, numHeads: 2, intermediateSize: 512, vocabSize: 8000, maxPositions: SEQ,
  tieWordEmbeddings: false, hiddenDropout: 0, attentionDropout: 0,
})
const family = getFamily('bert')

/** Fixed inputs, made once the backend is up: ids [B, T], the 15 % rows (sorted flat indices), random targets. */
let ids: tf.Tensor2D
let mlmRows: tf.Tensor1D
let targets: Record<LossVariant, tf.Tensor1D>
function makeInputs(): void {
  ids = tf.randomUniform([BATCH, SEQ], 1, config.vocabSize, 'int32', 7) as tf.Tensor2D
  const shuffled = Array.from(tf.util.createShuffledIndices(TOKENS)).slice(0, Math.round(TOKENS * 0.15))
  mlmRows = tf.tensor1d(shuffled.sort((a, b) => a - b), 'int32')
  targets = {
    full: tf.randomUniform([TOKENS], 0, config.vocabSize, 'int32', 8) as tf.Tensor1D,
    mlm15: tf.randomUniform([mlmRows.size], 0, config.vocabSize, 'int32', 9) as tf.Tensor1D,
  }
}

type LossFn = (p: ParamMap, variant: LossVariant) => tf.Scalar

const asShippedLossFn: LossFn = (p, variant) => {
  const hidden = asShippedHidden(p, config, ids) // [B·T, H]
  const rows = variant === 'full' ? hidden : tf.gather(hidden, mlmRows)
  return asShippedLoss(asShippedHead(p, config, rows), targets[variant])
}

/** engine/models' forward + loss; `fusedLoss` swaps the family's cross-entropy for the fused op. */
const engineLossFn = (attention: 'auto' | 'batched', fusedLoss: boolean): LossFn => (p, variant) => {
  const hidden = tf.reshape(encoderHidden(p, config, { inputIds: ids }, { training: true, attention }), [TOKENS, config.hiddenSize])
  const rows = variant === 'full' ? hidden : tf.gather(hidden, mlmRows)
  const logits = mlmHead(p, config, rows) // [N, V]
  if (fusedLoss) return softmaxCrossEntropy(logits, targets[variant])
  return family.loss(tf.reshape(logits, [1, ...logits.shape]), { labels: tf.reshape(targets[variant], [1, -1]) })
}

/** Median ms per Adam step and the losses seen. */
function measure(lossFn: LossFn, variant: LossVariant): { ms: number; losses: number[] } {
  const initial = family.init(config, 1)
  const params: Record<string, tf.Variable> = {}
  for (const [name, t] of Object.entries(initial)) params[name] = tf.variable(t, true, `bench/${name}`)
  tf.dispose(Object.values(initial))
  const optimizer = tf.train.adam(1e-3)
  const times: number[] = []
  const losses: number[] = []
  for (let step = 0; step < WARMUP + STEPS; step++) {
    const start = performance.now()
    const loss = optimizer.minimize(() => lossFn(params, variant), true, Object.values(params))!
    losses.push(loss.dataSync()[0])
    loss.dispose()
    if (step >= WARMUP) times.push(performance.now() - start)
  }
  optimizer.dispose()
  tf.dispose(Object.values(params))
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)], losses }
}

function engineRow(label: string, lossFn: LossFn, variants: LossVariant[] = ['full', 'mlm15']): Row {
  const row: Row = { label }
  for (const variant of variants) {
    const { ms, losses } = measure(lossFn, variant)
    row[variant] = TOKENS / (ms / 1000)
    console.error(`  ${label} ${variant}: ${ms.toFixed(0)} ms/step, loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}`)
  }
  return row
}

function torchRows(): Row[] {
  const python = '/usr/bin/python3'
  const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }) : null
  if (!probe || probe.status !== 0) return [{ label: 'PyTorch', note: 'not installed (apt-get install python3-torch)' }]
  return [1, 2].map((threads) => {
    const run = spawnSync(python, [join(__dirname, 'torch_peer.py'), '--threads', String(threads), '--steps', String(Math.max(STEPS, 5)), '--warmup', String(WARMUP)], {
      encoding: 'utf8',
      // OpenBLAS threads = torch threads; passive OpenMP waiting, else torch's spinning workers fight OpenBLAS (§2).
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
      timeout: 600_000,
    })
    const row: Row = { label: `PyTorch, ${threads} thread${threads > 1 ? 's' : ''}` }
    if (run.status !== 0) return { ...row, note: `failed: ${run.stderr.trim().split('\n').pop()}` }
    for (const line of run.stdout.trim().split('\n')) {
      const r = JSON.parse(line) as { loss: LossVariant; tokens_per_s: number }
      row[r.loss] = r.tokens_per_s
    }
    console.error(`  ${row.label}: full ${row.full?.toFixed(0)}, mlm15 ${row.mlm15?.toFixed(0)} tokens/s`)
    return row
  })
}

function table(rows: Row[], base: Row, peer: Row | undefined): string {
  const fmt = (v?: number) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'))
  const ratio = (v?: number, r?: number) => (v === undefined || !r ? '–' : `${(v / r).toFixed(2)}×`)
  const lines = [
    `| path | full tokens/s | × as shipped | × PyTorch 2T | mlm15 tokens/s | × as shipped | × PyTorch 2T |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ]
  for (const r of rows) {
    if (r.note) lines.push(`| ${r.label} | ${r.note} | | | | | |`)
    else lines.push(`| ${r.label} | ${fmt(r.full)} | ${ratio(r.full, base.full)} | ${ratio(r.full, peer?.full)} | ${fmt(r.mlm15)} | ${ratio(r.mlm15, base.mlm15)} | ${ratio(r.mlm15, peer?.mlm15)} |`)
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const require = createRequire(__filename)
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep)
  registerWasmKernels()
  await tf.setBackend('wasm')
  await tf.ready()
  makeInputs()
  console.error(`bench:engine: ${STEPS} timed steps after ${WARMUP} warm-up, batch ${BATCH}×${SEQ}; progress on stderr, table on stdout`)

  const rows: Row[] = []
  const base = engineRow('tfjs wasm, as shipped (plain tfjs code, stock kernels)', asShippedLossFn)
  rows.push(base)
  rows.push(engineRow('engine on wasm, no addon (FASTMM linears, per-head attention)', engineLossFn('auto', false)))

  const loaded = loadNativeAddon()
  let addon: NativeAddon | null = null
  if (loaded.ok) {
    addon = loaded.addon
    registerNativeKernels(addon)
    const threads = addon.info().blasThreads
    addon.setThreads(1, 1)
    rows.push(engineRow('engine on wasm + native addon, 1 thread', engineLossFn('batched', false)))
    rows.push(engineRow('engine on wasm + native addon + fused loss, 1 thread', engineLossFn('batched', true)))
    addon.setThreads(threads, threads)
    rows.push(engineRow(`engine on wasm + native addon, ${threads} threads`, engineLossFn('batched', false)))
    rows.push(engineRow(`engine on wasm + native addon + fused loss, ${threads} threads`, engineLossFn('batched', true)))
    unregisterNativeKernels()
  } else {
    rows.push({ label: 'engine on wasm + native addon', note: loaded.reason })
  }
  const torch = args.includes('--no-torch') ? [] : torchRows()
  rows.push(...torch)
  const peer = torch.find((r) => r.label === 'PyTorch, 2 threads' && r.full !== undefined)

  const header = [
    `Engine training throughput, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, tfjs ${tf.version_core}`,
    addon ? `native addon: ${addon.info().blas}` : `native addon: ${loaded.ok ? '' : loaded.reason}`,
    `OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'} OPENBLAS_L2_SIZE=${process.env.OPENBLAS_L2_SIZE ?? '(unset)'}; median of ${STEPS} steps after ${WARMUP} warm-up`,
    '',
  ]
  console.log(header.join('\n') + table(rows, base, peer))
  if (args.includes('--json')) writeFileSync(args[args.indexOf('--json') + 1], JSON.stringify({ rows, steps: STEPS, warmup: WARMUP }, null, 2))
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
