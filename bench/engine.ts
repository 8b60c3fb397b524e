/**
 * `npm run bench:engine`: training throughput (tokens/s) of the reference model (docs/engine/measurements.md §2:
 * BERT-like, 2 layers, hidden 128, 2 heads, FFN 512, vocab 8000, batch 16 × 128 tokens, Adam 1e-3), both loss
 * variants (`full`: logits at all 2048 positions; `mlm15`: at a fixed random 15 %), for:
 *   - wasm as shipped: plain tfjs code on the stock wasm kernels (bench/as-shipped-model.ts),
 *   - the engine on wasm: engine/models' `bert` family and the trainer's AdamW (bench/reference-model.ts), no addon,
 *   - the engine on wasm + the native addon, as training uses it (BLAS matmuls, batched attention, fused
 *     cross-entropy/LayerNorm/GELU, native reductions, in-place AdamW), 1 and all threads,
 *   - PyTorch (bench/torch_peer.py, Debian's python3-torch) on 1 and 2 threads, when installed.
 * Median of --steps timed steps after --warmup steps. Same process environment for every row.
 * Then every family at the growth benchmark's size against its PyTorch peer (bench/engine-families.ts), in
 * --rounds interleaved rounds, with GFLOP/s by the engine's FLOPs counter and by the matrix products a step executes
 * (bench/matmul-census.ts). --family runs one family (or `all`) without the reference table.
 *
 *   npx tsx bench/engine.ts [--steps 5] [--warmup 2] [--rounds 3] [--family bert|roberta|gpt2|vit|deit|cait|all]
 *                           [--quick] [--no-torch] [--json out.json]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import '@tensorflow/tfjs' // registers gradient functions (tfjs-core's Node build has none)
import * as tf from '@tensorflow/tfjs-core'
import { registerWasmKernels, unregisterWasmFastPaths } from '../src/engine/backend/wasm-kernels'
import { loadNativeAddon, registerNativeKernels, unregisterNativeKernels, type NativeAddon } from '../src/engine/backend/native-kernels'
import { familyTable, loadAverage, measureFamilies, torchAvailable, type FamilyRow } from './engine-families'
import { BENCH_FAMILIES, type BenchFamily } from './family-models'
import { asShippedHead, asShippedHidden, asShippedLoss } from './as-shipped-model'
import { BATCH, SEQ, TOKENS, config, engineLossFn, engineTrainer, makeInputs, makeVariables, useWasm, type LossFn, type LossVariant, type ReferenceInputs } from './reference-model'

interface Row { label: string; full?: number; mlm15?: number; note?: string }

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const quick = args.includes('--quick')
const STEPS = option('--steps', quick ? 2 : 5)
const WARMUP = option('--warmup', quick ? 1 : 2)
const ROUNDS = option('--rounds', quick ? 1 : 3)
const familyChoice = args.includes('--family') ? args[args.indexOf('--family') + 1] : null
if (familyChoice !== null && familyChoice !== 'all' && !BENCH_FAMILIES.includes(familyChoice as BenchFamily)) {
  console.error(`--family must be one of ${BENCH_FAMILIES.join(', ')} or all, got "${familyChoice}"`)
  process.exit(2)
}
const families: readonly BenchFamily[] = familyChoice === null || familyChoice === 'all' ? BENCH_FAMILIES : [familyChoice as BenchFamily]

let inputs: ReferenceInputs

const asShippedLossFn: LossFn = (p, variant) => {
  const hidden = asShippedHidden(p, config, inputs.ids) // [B·T, H]
  const rows = variant === 'full' ? hidden : tf.gather(hidden, inputs.mlmRows)
  return asShippedLoss(asShippedHead(p, config, rows), inputs.targets[variant])
}

/** Median ms per step and the losses seen; `asShipped` trains with tf.train.adam, the engine rows with its AdamW. */
function measure(lossFn: LossFn, variant: LossVariant, asShipped: boolean): { ms: number; losses: number[] } {
  const params = makeVariables('bench')
  const optimizer = tf.train.adam(1e-3)
  const trainer = engineTrainer(params, lossFn, variant)
  const step = asShipped
    ? () => {
        const loss = optimizer.minimize(() => lossFn(params, variant), true, Object.values(params))!
        const value = loss.dataSync()[0]
        loss.dispose()
        return value
      }
    : trainer.step
  const times: number[] = []
  const losses: number[] = []
  for (let i = 0; i < WARMUP + STEPS; i++) {
    const start = performance.now()
    losses.push(step())
    if (i >= WARMUP) times.push(performance.now() - start)
  }
  optimizer.dispose()
  trainer.dispose()
  tf.dispose(Object.values(params))
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)], losses }
}

function engineRow(label: string, lossFn: LossFn, asShipped = false): Row {
  const row: Row = { label }
  for (const variant of ['full', 'mlm15'] as const) {
    const { ms, losses } = measure(lossFn, variant, asShipped)
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

/** The reference model on every engine path and PyTorch (the table of the engine measurements). */
function referenceTable(): { table: string; addonLine: string; rows: Row[] } {
  inputs = makeInputs()
  console.error(`bench:engine: ${STEPS} timed steps after ${WARMUP} warm-up, batch ${BATCH}×${SEQ}; progress on stderr, table on stdout`)

  const rows: Row[] = []
  // As shipped: the stock wasm kernels (only the missing UnsortedSegmentSum added), plain tfjs code, tf.train.adam.
  unregisterWasmFastPaths()
  const base = engineRow('tfjs wasm, as shipped (plain tfjs code, stock kernels, tf.train.adam)', asShippedLossFn, true)
  rows.push(base)
  registerWasmKernels()
  rows.push(engineRow('engine on wasm, no addon (FASTMM linears, per-head attention, JS fast paths)', engineLossFn(inputs)))

  const loaded = loadNativeAddon()
  let addon: NativeAddon | null = null
  if (loaded.ok) {
    addon = loaded.addon
    registerNativeKernels(addon)
    const threads = addon.info().blasThreads
    addon.setThreads(1, 1)
    rows.push(engineRow('engine on wasm + native addon (BLAS, fused kernels, in-place AdamW), 1 thread', engineLossFn(inputs)))
    addon.setThreads(threads, threads)
    rows.push(engineRow(`engine on wasm + native addon, ${threads} threads`, engineLossFn(inputs)))
    unregisterNativeKernels()
  } else {
    rows.push({ label: 'engine on wasm + native addon', note: loaded.reason })
  }
  const torch = args.includes('--no-torch') ? [] : torchRows()
  rows.push(...torch)
  const peer = torch.find((r) => r.label === 'PyTorch, 2 threads' && r.full !== undefined)

  return { table: table(rows, base, peer), addonLine: addon ? `native addon: ${addon.info().blas}` : `native addon: ${loaded.ok ? '' : loaded.reason}`, rows }
}

async function main(): Promise<void> {
  await useWasm()
  const loadStart = loadAverage()
  const reference = familyChoice === null ? referenceTable() : null
  let familyRows: FamilyRow[] = []
  const loaded = loadNativeAddon()
  // 1 thread and the addon's default (the online CPUs, at least 2), as training runs; PyTorch runs 1 and 2.
  const threads = loaded.ok ? [1, Math.max(2, loaded.addon.info().blasThreads)] : []
  if (loaded.ok) {
    registerNativeKernels(loaded.addon)
    familyRows = measureFamilies(families, { steps: STEPS, warmup: WARMUP, rounds: ROUNDS, torch: !args.includes('--no-torch') && torchAvailable(), threads }, (line) => console.error(line))
    unregisterNativeKernels()
  }
  const header = [
    `Engine training throughput, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, tfjs ${tf.version_core}`,
    reference?.addonLine ?? (loaded.ok ? `native addon: ${loaded.addon.info().blas}` : `native addon: ${loaded.reason}`),
    `OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'} OPENBLAS_L2_SIZE=${process.env.OPENBLAS_L2_SIZE ?? '(unset)'}; median of ${STEPS} steps after ${WARMUP} warm-up; load average ${loadStart} at the start, ${loadAverage()} at the end (/proc/loadavg)`,
    '',
  ]
  const parts = [header.join('\n')]
  if (reference) parts.push(reference.table)
  if (familyRows.length > 0) parts.push(`Every family at the growth benchmark's size, median (min–max) over ${ROUNDS} interleaved rounds, ratios taken within each round (engine with the native addon):\n\n${familyTable(familyRows, threads)}`)
  else if (!loaded.ok) parts.push(`Families: not measured (${loaded.reason})`)
  console.log(parts.join('\n\n'))
  if (args.includes('--json')) writeFileSync(args[args.indexOf('--json') + 1], JSON.stringify({ rows: reference?.rows ?? [], families: familyRows, steps: STEPS, warmup: WARMUP, rounds: ROUNDS }, null, 2))
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
