/**
 * The per-family part of `npm run bench:engine`: every family at the growth benchmark's size (bench/family-models.ts)
 * trained by the engine (wasm + native addon, 1 and 2 threads) and by its PyTorch peer (bench/torch_peer_families.py,
 * 1 and 2 threads), interleaved in rounds (engine, then PyTorch, then the next round) so that a load change on a
 * shared machine hits both sides alike; each cell is the median over rounds of each round's median step.
 * GFLOP/s come from the engine's FLOPs counter (engine/metrics/flops.ts), for both sides (the same model), and are
 * compared with the reference model's rate (bench/reference-model.ts, `full`) measured in the same rounds.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadNativeAddon } from '../src/engine/backend/native-kernels'
import { flopsShapeOf } from '../src/engine/metrics/model-flops'
import { trainingStepFlops } from '../src/engine/metrics/flops'
import { TEXT_BATCH, familyBench, familyTrainer, type BenchFamily, type FamilyBench } from './family-models'
import { BATCH, SEQ, config as referenceConfig, engineLossFn, engineTrainer, makeInputs, makeVariables } from './reference-model'

export interface FamilyRow {
  family: BenchFamily | 'reference'
  unit: 'tokens' | 'images'
  /** Items per second, median over rounds; keys 'engine 1T', 'engine 2T', 'PyTorch 1T', 'PyTorch 2T'. */
  rates: Record<string, number>
  stepFlops: number
  parameters: { engine: number; torch?: number }
  losses: { engine?: [number, number]; torch?: [number, number] }
  note?: string
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Median ms per step of `steps` timed steps after `warmup`, and the first and last loss. */
function timeSteps(trainer: { step(): number; dispose(): void }, steps: number, warmup: number): { ms: number; losses: [number, number] } {
  const times: number[] = []
  const losses: number[] = []
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now()
    losses.push(trainer.step())
    if (i >= warmup) times.push(performance.now() - start)
  }
  trainer.dispose()
  return { ms: median(times), losses: [losses[0], losses[losses.length - 1]] }
}

const PYTHON = '/usr/bin/python3'
export const torchAvailable = (): boolean => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0

interface PeerResult { ms_per_step: number; parameters: number; first_loss: number; final_loss: number }

function torchPeer(bench: FamilyBench, threads: number, steps: number, warmup: number): PeerResult | string {
  const run = spawnSync(PYTHON, [join(__dirname, 'torch_peer_families.py'), ...bench.peerArgs, '--threads', String(threads), '--steps', String(steps), '--warmup', String(warmup)], {
    encoding: 'utf8',
    // OpenBLAS threads = torch threads; passive OpenMP waiting, else torch's spinning workers fight OpenBLAS
    // (engine-measurements.md §2). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pass through: the same for both sides.
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
    timeout: 600_000,
  })
  if (run.status !== 0) return `failed: ${run.stderr.trim().split('\n').pop()}`
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerResult
}

export interface FamilyOptions { steps: number; warmup: number; rounds: number; torch: boolean; threads: number[] }

/**
 * Measures each family (and, first, the reference model's FLOP rate) in `rounds` interleaved rounds. The addon must
 * be registered by the caller; `threads` are the engine's thread counts (the peer runs 1 and 2).
 */
export function measureFamilies(families: readonly BenchFamily[], o: FamilyOptions, log: (line: string) => void): FamilyRow[] {
  const loaded = loadNativeAddon()
  if (!loaded.ok) throw new Error(`bench:engine --family needs the native addon: ${loaded.reason}`)
  const addon = loaded.addon
  const samples = new Map<string, number[]>()
  const add = (key: string, value: number) => samples.set(key, [...(samples.get(key) ?? []), value])
  const rows = new Map<string, FamilyRow>()

  const reference: FamilyRow = {
    family: 'reference', unit: 'tokens', rates: {}, parameters: { engine: 0 }, losses: {},
    stepFlops: trainingStepFlops({ ...flopsShapeOf(referenceConfig, { seqLen: SEQ }), maskedFraction: 1 } as ReturnType<typeof flopsShapeOf>, BATCH),
  }
  rows.set('reference', reference)
  const benches = families.map(familyBench)
  for (const b of benches) rows.set(b.family, { family: b.family, unit: b.unit, rates: {}, stepFlops: b.stepFlops, parameters: { engine: b.parameters }, losses: {} })

  for (let round = 1; round <= o.rounds; round++) {
    log(`round ${round}/${o.rounds}, load ${loadAverage()}`)
    for (const threads of o.threads) {
      addon.setThreads(threads, threads)
      const inputs = makeInputs()
      const { ms } = timeSteps(engineTrainer(makeVariables(`ref-${round}-${threads}`), engineLossFn(inputs), 'full'), o.steps, o.warmup)
      add(`reference|engine ${threads}T`, (BATCH * SEQ) / (ms / 1000))
    }
    for (const b of benches) {
      const row = rows.get(b.family)!
      for (const threads of o.threads) {
        addon.setThreads(threads, threads)
        const { ms, losses } = timeSteps(familyTrainer(b, round), o.steps, o.warmup)
        add(`${b.family}|engine ${threads}T`, b.items / (ms / 1000))
        row.losses.engine = losses
        log(`  ${b.family} engine ${threads}T: ${ms.toFixed(0)} ms/step, loss ${losses[0].toFixed(3)} -> ${losses[1].toFixed(3)}`)
      }
      if (!o.torch) continue
      for (const threads of [1, 2]) {
        const peer = torchPeer(b, threads, o.steps, o.warmup)
        if (typeof peer === 'string') {
          row.note = `PyTorch ${peer}`
          continue
        }
        add(`${b.family}|PyTorch ${threads}T`, b.items / (peer.ms_per_step / 1000))
        row.parameters.torch = peer.parameters
        row.losses.torch = [peer.first_loss, peer.final_loss]
        log(`  ${b.family} PyTorch ${threads}T: ${peer.ms_per_step.toFixed(0)} ms/step, loss ${peer.first_loss.toFixed(3)} -> ${peer.final_loss.toFixed(3)}`)
      }
    }
  }
  for (const [key, values] of samples) {
    const [family, column] = key.split('|')
    rows.get(family)!.rates[column] = median(values)
  }
  return [...rows.values()]
}

export const loadAverage = (): string => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
}

const best = (rates: Record<string, number>, side: string) => Math.max(0, ...Object.entries(rates).filter(([k]) => k.startsWith(side)).map(([, v]) => v))

/** The markdown table: rates, the ratio of the best engine rate to the best PyTorch rate, GFLOP/s and their ratio to the reference's. */
export function familyTable(rows: FamilyRow[], threads: number[]): string {
  const fmt = (v?: number) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'))
  const reference = rows.find((r) => r.family === 'reference')!
  const referenceRate = (best(reference.rates, 'engine') * reference.stepFlops) / (BATCH * SEQ) / 1e9
  const engineColumns = threads.map((t) => `engine ${t}T`)
  const lines = [
    `| model | unit | ${engineColumns.join(' | ')} | PyTorch 1T | PyTorch 2T | × PyTorch (best / best) | engine GFLOP/s | × reference GFLOP/s | PyTorch GFLOP/s |`,
    `| --- | --- | ${engineColumns.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ]
  for (const r of rows) {
    const items = r.family === 'reference' ? BATCH * SEQ : familyBench(r.family).items
    const gflops = (rate: number) => (rate * r.stepFlops) / items / 1e9
    const [engine, torch] = [best(r.rates, 'engine'), best(r.rates, 'PyTorch')]
    const label = r.family === 'reference' ? 'reference (BERT 2L/128, full)' : `${r.family} ${sizes(familyBench(r.family))}`
    const ratio = torch > 0 ? `${(engine / torch).toFixed(2)}×` : '–'
    lines.push(`| ${label} | ${r.unit}/s | ${engineColumns.map((c) => fmt(r.rates[c])).join(' | ')} | ${fmt(r.rates['PyTorch 1T'])} | ${fmt(r.rates['PyTorch 2T'])} | ${r.family === 'reference' ? '–' : ratio} | ${gflops(engine).toFixed(1)} | ${(gflops(engine) / referenceRate).toFixed(2)}× | ${torch > 0 ? gflops(torch).toFixed(1) : '–'} |`)
  }
  const notes = rows.filter((r) => r.note || (r.parameters.torch !== undefined && r.parameters.torch !== r.parameters.engine))
  for (const r of notes) lines.push('', `${r.family}: ${r.note ?? `parameter counts differ: engine ${r.parameters.engine}, PyTorch ${r.parameters.torch}`}`)
  return lines.join('\n')
}

function sizes(b: FamilyBench): string {
  const c = b.config
  const shape = `${c.numLayers}L/${c.hiddenSize}H/${c.numHeads}A/FFN ${c.intermediateSize}`
  return 'vocabSize' in c ? `${shape}, vocab ${c.vocabSize}, batch ${TEXT_BATCH.batch}×${TEXT_BATCH.seq}` : `${shape}, ${c.imageSize}px/${c.patchSize}, batch ${b.items}`
}
