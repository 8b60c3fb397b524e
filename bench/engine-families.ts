/**
 * The per-family part of `npm run bench:engine`: every family at the growth benchmark's size (bench/family-models.ts)
 * trained by the engine (wasm + native addon, 1 and 2 threads) and by its PyTorch peer (bench/torch_peer_families.py,
 * 1 and 2 threads), interleaved in rounds: within a round each engine cell sits next to the PyTorch cell of the same
 * thread count (engine first in odd rounds, PyTorch first in even ones), so a load change on a shared machine hits
 * both sides of a ratio alike. Each cell is the median over rounds of each round's median step, with its range;
 * ratios are taken within each round, then their median and range are reported (bench/round-stats.ts).
 * GFLOP/s come from the engine's FLOPs counter (engine/metrics/flops.ts), for both sides (the same model), and are
 * compared with the reference model's rate (bench/reference-model.ts, `full`) measured at the start of each round.
 * The counter follows the paper's convention (embeddings as one-hot matmuls, backward = forward), which favours the
 * reference model, so the rate is also given in executed FLOPs: the matrix products one step really runs, counted
 * at the kernels during one untimed step of each model (bench/matmul-census.ts).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadNativeAddon } from '../src/engine/backend/native-kernels'
import { flopsShapeOf } from '../src/engine/metrics/model-flops'
import { trainingStepFlops } from '../src/engine/metrics/flops'
import { TEXT_BATCH, familyBench, familyTrainer, type BenchFamily, type FamilyBench } from './family-models'
import { BATCH, SEQ, config as referenceConfig, engineLossFn, engineTrainer, makeInputs, makeVariables } from './reference-model'
import { matmulFlopsOfStep } from './matmul-census'
import { formatSpread, median, roundRatios, spreadOf, type Spread } from './round-stats'

export interface FamilyRow {
  family: BenchFamily | 'reference'
  unit: 'tokens' | 'images'
  /** Items per second of every cell in every round; columns 'engine 1T', 'engine 2T', 'PyTorch 1T', 'PyTorch 2T'. */
  samples: Array<{ round: number; column: string; rate: number }>
  /** FLOPs of one step by the engine's counter (the paper's convention). */
  stepFlops: number
  /** FLOPs of the matrix products one engine step executes (bench/matmul-census.ts). */
  executedFlops: number
  parameters: { engine: number; torch?: number }
  losses: { engine?: [number, number]; torch?: [number, number] }
  note?: string
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

/** The peer's thread counts (engine-measurements.md §2: 1 and 2 threads, OpenBLAS threads = torch threads). */
const PEER_THREADS = [1, 2] as const

/**
 * Measures each family (and, first, the reference model's FLOP rate) in `rounds` interleaved rounds. The addon must
 * be registered by the caller; `threads` are the engine's thread counts. Within a round each engine cell is followed
 * by the PyTorch cell of the same thread count (and odd rounds put the engine first, even rounds PyTorch), so the two
 * sides of a ratio run seconds apart and neither always runs first.
 */
export function measureFamilies(families: readonly BenchFamily[], o: FamilyOptions, log: (line: string) => void): FamilyRow[] {
  const loaded = loadNativeAddon()
  if (!loaded.ok) throw new Error(`bench:engine --family needs the native addon: ${loaded.reason}`)
  const addon = loaded.addon
  const rows = new Map<string, FamilyRow>()
  const reference: FamilyRow = {
    family: 'reference', unit: 'tokens', samples: [], parameters: { engine: 0 }, losses: {},
    stepFlops: trainingStepFlops({ ...flopsShapeOf(referenceConfig, { seqLen: SEQ }), maskedFraction: 1 } as ReturnType<typeof flopsShapeOf>, BATCH),
    executedFlops: executedFlopsOf(addon, engineTrainer(makeVariables('census'), engineLossFn(makeInputs()), 'full')),
  }
  rows.set('reference', reference)
  const benches = families.map(familyBench)
  for (const b of benches) {
    const executedFlops = executedFlopsOf(addon, familyTrainer(b, 0))
    rows.set(b.family, { family: b.family, unit: b.unit, samples: [], stepFlops: b.stepFlops, executedFlops, parameters: { engine: b.parameters }, losses: {} })
  }

  const engineCell = (b: FamilyBench, round: number, threads: number) => {
    const row = rows.get(b.family)!
    addon.setThreads(threads, threads)
    const { ms, losses } = timeSteps(familyTrainer(b, round), o.steps, o.warmup)
    row.samples.push({ round, column: `engine ${threads}T`, rate: b.items / (ms / 1000) })
    row.losses.engine = losses
    log(`  ${b.family} engine ${threads}T: ${ms.toFixed(0)} ms/step, loss ${losses[0].toFixed(3)} -> ${losses[1].toFixed(3)}`)
  }
  const torchCell = (b: FamilyBench, round: number, threads: number) => {
    const row = rows.get(b.family)!
    const peer = torchPeer(b, threads, o.steps, o.warmup)
    if (typeof peer === 'string') {
      row.note = `PyTorch ${peer}`
      return
    }
    row.samples.push({ round, column: `PyTorch ${threads}T`, rate: b.items / (peer.ms_per_step / 1000) })
    row.parameters.torch = peer.parameters
    row.losses.torch = [peer.first_loss, peer.final_loss]
    log(`  ${b.family} PyTorch ${threads}T: ${peer.ms_per_step.toFixed(0)} ms/step, loss ${peer.first_loss.toFixed(3)} -> ${peer.final_loss.toFixed(3)}`)
  }

  for (let round = 1; round <= o.rounds; round++) {
    log(`round ${round}/${o.rounds}, load ${loadAverage()}`)
    for (const threads of o.threads) {
      addon.setThreads(threads, threads)
      const { ms } = timeSteps(engineTrainer(makeVariables(`ref-${round}-${threads}`), engineLossFn(makeInputs()), 'full'), o.steps, o.warmup)
      reference.samples.push({ round, column: `engine ${threads}T`, rate: (BATCH * SEQ) / (ms / 1000) })
    }
    for (const b of benches) {
      const pairs = Math.max(o.threads.length, o.torch ? PEER_THREADS.length : 0)
      for (let i = 0; i < pairs; i++) {
        const cells = [
          ...(i < o.threads.length ? [() => engineCell(b, round, o.threads[i])] : []),
          ...(o.torch && i < PEER_THREADS.length ? [() => torchCell(b, round, PEER_THREADS[i])] : []),
        ]
        for (const cell of round % 2 === 1 ? cells : cells.reverse()) cell()
      }
    }
  }
  log(`end, load ${loadAverage()}`)
  return [...rows.values()]
}

/** The matrix-product FLOPs of one (untimed) step of `trainer`, which it then disposes. */
function executedFlopsOf(addon: Parameters<typeof matmulFlopsOfStep>[0], trainer: { step(): number; dispose(): void }): number {
  try {
    return matmulFlopsOfStep(addon, () => trainer.step())
  } finally {
    trainer.dispose()
  }
}

export const loadAverage = (): string => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
}

/** Best rate of one side ('engine' or 'PyTorch') in each round: round -> items/s. */
function bestByRound(row: FamilyRow, side: 'engine' | 'PyTorch'): Map<number, number> {
  const best = new Map<number, number>()
  for (const { round, column, rate } of row.samples) if (column.startsWith(side)) best.set(round, Math.max(best.get(round) ?? 0, rate))
  return best
}

const cellSpread = (row: FamilyRow, column: string): Spread | undefined => {
  const values = row.samples.filter((s) => s.column === column).map((s) => s.rate)
  return values.length > 0 ? spreadOf(values) : undefined
}
const scaled = (s: Spread, by: number): Spread => ({ ...s, median: s.median * by, min: s.min * by, max: s.max * by })

/**
 * The markdown table: each cell the median over rounds with its range; × PyTorch is the best engine rate over the
 * best PyTorch rate of the same round (median and range of those per-round ratios), GFLOP/s from the engine's
 * counter, × reference the family's best engine FLOP rate over the reference model's in the same round; the same
 * two for executed FLOPs (the matrix products a step runs).
 */
export function familyTable(rows: FamilyRow[], threads: number[]): string {
  const int = (v: number) => Math.round(v).toLocaleString('en-US')
  const times = (v: number) => `${v.toFixed(2)}×`
  const oneDecimal = (v: number) => v.toFixed(1)
  const reference = rows.find((r) => r.family === 'reference')!
  const referenceRates = (flops: number) => new Map([...bestByRound(reference, 'engine')].map(([round, rate]) => [round, (rate * flops) / (BATCH * SEQ) / 1e9]))
  const [referenceGflops, referenceExecuted] = [referenceRates(reference.stepFlops), referenceRates(reference.executedFlops)]
  const engineColumns = threads.map((t) => `engine ${t}T`)
  const lines = [
    `| model | unit | ${engineColumns.join(' | ')} | PyTorch 1T | PyTorch 2T | × PyTorch (best / best) | engine GFLOP/s | × reference GFLOP/s | PyTorch GFLOP/s | executed GFLOP/s | × reference executed |`,
    `| --- | --- | ${engineColumns.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ]
  for (const r of rows) {
    const items = r.family === 'reference' ? BATCH * SEQ : familyBench(r.family).items
    const gflopsPerItem = r.stepFlops / items / 1e9
    const [engine, torch] = [bestByRound(r, 'engine'), bestByRound(r, 'PyTorch')]
    const engineGflops = new Map([...engine].map(([round, rate]) => [round, rate * gflopsPerItem]))
    const spreadOrNone = (values: number[]) => (values.length > 0 ? spreadOf(values) : undefined)
    const label = r.family === 'reference' ? 'reference (BERT 2L/128, full)' : `${r.family} ${sizes(familyBench(r.family))}`
    const rates = [...engineColumns, 'PyTorch 1T', 'PyTorch 2T'].map((c) => formatSpread(cellSpread(r, c), int))
    const versusTorch = r.family === 'reference' ? '–' : formatSpread(spreadOrNone(roundRatios(engine, torch)), times)
    const engineRate = formatSpread(spreadOrNone([...engineGflops.values()]), oneDecimal)
    const versusReference = r.family === 'reference' ? times(1) : formatSpread(spreadOrNone(roundRatios(engineGflops, referenceGflops)), times)
    const torchRate = torch.size > 0 ? formatSpread(scaled(spreadOf([...torch.values()]), gflopsPerItem), oneDecimal) : '–'
    const executed = new Map([...engine].map(([round, rate]) => [round, (rate * r.executedFlops) / items / 1e9]))
    const executedRate = formatSpread(spreadOrNone([...executed.values()]), oneDecimal)
    const executedVersusReference = r.family === 'reference' ? times(1) : formatSpread(spreadOrNone(roundRatios(executed, referenceExecuted)), times)
    lines.push(`| ${label} | ${r.unit}/s | ${rates.join(' | ')} | ${versusTorch} | ${engineRate} | ${versusReference} | ${torchRate} | ${executedRate} | ${executedVersusReference} |`)
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
