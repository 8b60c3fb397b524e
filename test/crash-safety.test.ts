/**
 * Crash safety of runs (issue 16): `ligo train` and `ligo compare` run as real processes (CLI and engine from
 * source, test/helpers/ligo-from-source.ts); the engine process is killed with SIGKILL after a checkpoint, while
 * it is logging the steps after it, and before that around the write of a checkpoint. Then:
 * - the run folder is intact: manifest.json parses, every checkpoints/step-N holds all its files, complete
 *   (a checkpoint being written is only ever visible under a temporary name);
 * - a torn last line of metrics.jsonl (what a kill inside the line's write leaves; SIGKILL cannot be aimed inside
 *   one write() call, so the test tears the line itself) is dropped with a notice, and readers of the log from an
 *   offset never return it;
 * - resuming (`ligo train --resume`, or the same `ligo compare` command again) reaches the same step count and
 *   the same losses, counters and weights as an uninterrupted run of the same command (runs are deterministic).
 * Small models on a few hundred words of text; the kill point is found by watching the run folder, not by time.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricRecord } from '../src/shared'
import { makeConfig } from '../src/engine/models/config'
import { openSafetensors } from '../src/engine/io/formats/safetensors'
import { MODEL_FILE, OPTIMIZER_FILE, TRAINER_STATE_FILE, CONFIG_FILE } from '../src/engine/train/checkpoint'
import { readMetricsFrom } from '../src/engine/train/metrics-log'

const RUNNER = join(import.meta.dirname, 'helpers', 'ligo-from-source.ts')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
/** A hang detector for one CLI process on a busy 2-core machine, far above a normal run's few seconds. */
const PROCESS_LIMIT_MS = 300_000

let root = ''
const at = (...parts: string[]) => join(root, ...parts)

interface Finished {
  code: number | null
  stderr: string
  killedEngine: boolean
}

/** Runs `ligo <args>`; when `killWhen` first holds (polled), SIGKILLs the engine process and lets the CLI end. */
function ligo(args: string[], killWhen?: () => boolean): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, RUNNER, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LIGO_BACKEND: 'wasm' } })
    let stderr = ''
    let enginePid: number | null = null
    let killedEngine = false
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk
      const match = /\[engine pid\] (\d+)/.exec(stderr)
      if (match && enginePid === null) enginePid = Number(match[1])
    })
    const poll = killWhen
      ? setInterval(() => {
          if (killedEngine || enginePid === null || !killWhen()) return
          killedEngine = true
          process.kill(enginePid, 'SIGKILL')
        }, 10)
      : null
    const limit = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS)
    child.on('error', fail)
    child.on('close', (code) => {
      if (poll) clearInterval(poll)
      clearTimeout(limit)
      done({ code, stderr, killedEngine })
    })
  })
}

const checkpointSteps = (runDir: string): number[] =>
  existsSync(join(runDir, 'checkpoints'))
    ? readdirSync(join(runDir, 'checkpoints'))
        .map((name) => /^step-(\d{7,})$/.exec(name))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b)
    : []

/** Metric lines that parse (a line being written may be torn while the run is alive). */
const loggedSteps = (runDir: string): number[] => {
  if (!existsSync(join(runDir, 'metrics.jsonl'))) return []
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [(JSON.parse(line) as MetricRecord).step]
      } catch {
        return []
      }
    })
}

/** After a checkpoint at step >= `after`, and once a later step has been logged: the kill lands mid-logging. */
const pastACheckpoint = (runDir: string, after: number) => () => {
  const last = checkpointSteps(runDir).at(-1)
  return last !== undefined && last >= after && loggedSteps(runDir).some((step) => step > last)
}

/** Once checkpoint `step` is being written: its temporary folder (".step-N.partial-PID") or the renamed one exists. */
const writingCheckpoint = (runDir: string, step: number) => () => {
  const dir = join(runDir, 'checkpoints')
  const name = `step-${String(step).padStart(7, '0')}`
  return existsSync(dir) && readdirSync(dir).some((entry) => entry === name || entry.startsWith(`.${name}.partial-`))
}

/** Everything a crash could leave half-written, checked: manifest, every visible checkpoint, complete. */
async function expectIntact(runDir: string): Promise<void> {
  expect(() => JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')), `${runDir}/manifest.json`).not.toThrow()
  for (const step of checkpointSteps(runDir)) {
    const dir = join(runDir, 'checkpoints', `step-${String(step).padStart(7, '0')}`)
    expect(readdirSync(dir).sort(), dir).toEqual([CONFIG_FILE, MODEL_FILE, OPTIMIZER_FILE, TRAINER_STATE_FILE].sort())
    const state = JSON.parse(readFileSync(join(dir, TRAINER_STATE_FILE), 'utf8')) as { step: number }
    expect(state.step, dir).toBe(step)
    JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8'))
    for (const file of [MODEL_FILE, OPTIMIZER_FILE]) {
      const reader = await openSafetensors(join(dir, file)) // checks the header against the file's size
      expect(reader.tensors.size, `${dir}/${file}`).toBeGreaterThan(0)
    }
  }
}

/**
 * A resumed run against an uninterrupted one: the counters (step, examples, tokens, FLOPs) and the learning rate
 * exactly; losses and norms to float32 rounding. Two engine processes are not bit-identical (the BLAS kernels' sums
 * depend on how the buffers happen to be aligned): measured differences are of order 1e-7, far below what a wrong
 * resume (another batch, lost optimizer moments, a shifted schedule) changes, which is 1e-3 and more.
 */
const RELATIVE_TOLERANCE = 1e-5
function expectSameRun(resumed: string, reference: string): void {
  const lines = (runDir: string) =>
    readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as MetricRecord)
  const [got, want] = [lines(resumed), lines(reference)]
  expect(got.map(({ step, examples, tokens, flops, lr }) => ({ step, examples, tokens, flops, lr }))).toEqual(want.map(({ step, examples, tokens, flops, lr }) => ({ step, examples, tokens, flops, lr })))
  const close = (a: number | undefined, b: number | undefined, what: string) => {
    if (a === undefined || b === undefined) return expect(a, what).toBe(b)
    expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE * Math.max(1, Math.abs(b)))
  }
  got.forEach((line, i) => {
    const where = `${resumed} step ${line.step}`
    close(line.trainLoss, want[i].trainLoss, `${where} trainLoss`)
    close(line.trainLossMean, want[i].trainLossMean, `${where} trainLossMean`)
    close(line.gradNorm, want[i].gradNorm, `${where} gradNorm`)
    close(line.eval?.loss, want[i].eval?.loss, `${where} eval loss`)
  })
}

async function expectSameWeights(a: string, b: string): Promise<void> {
  const [left, right] = await Promise.all([openSafetensors(a), openSafetensors(b)])
  expect([...left.tensors.keys()].sort()).toEqual([...right.tensors.keys()].sort())
  for (const name of left.tensors.keys()) {
    const [x, y] = (await Promise.all([left.readTensor(name), right.readTensor(name)])).map((t) => t.toFloat32())
    let worst = 0
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]))
    expect(worst, name).toBeLessThanOrEqual(1e-5)
  }
}

/** Deep equality with numbers to RELATIVE_TOLERANCE, skipping what differs by nature (times, energy). */
function expectSameFigures(got: unknown, want: unknown, where: string): void {
  if (typeof want === 'number' && typeof got === 'number') {
    expect(Math.abs(got - want), `${where}: ${got} vs ${want}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE * Math.max(1, Math.abs(want)))
  } else if (want !== null && typeof want === 'object' && got !== null && typeof got === 'object') {
    const keys = Object.keys(want).filter((key) => !/wall|seconds|joules|energy|carbon|createdAt|time|hours|date|backend|hardware/i.test(key))
    for (const key of keys) expectSameFigures((got as Record<string, unknown>)[key], (want as Record<string, unknown>)[key], `${where}.${key}`)
  } else expect(got, where).toEqual(want)
}

/** Tears the last line: what a kill inside the write of a line leaves. Returns the log's size before the tear. */
function tearMetrics(runDir: string): number {
  const path = join(runDir, 'metrics.jsonl')
  const size = statSync(path).size
  appendFileSync(path, '{"step": 999999, "examples": 12, "trainLo')
  return size
}

const WORDS = 'call me ishmael some years ago never mind how long precisely having little or no money in my purse and nothing particular to interest me on shore i thought i would sail about a little and see the watery part of the world'.split(' ')

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ligo-crash-'))
  mkdirSync(at('texts'))
  // Six documents of deterministic word salad: enough tokens for a few hundred steps of batch 2 x 16 tokens.
  for (let d = 0; d < 6; d++) {
    const words = Array.from({ length: 400 }, (_, i) => WORDS[(i * 7 + d * 13 + ((i * i) % 11)) % WORDS.length])
    writeFileSync(at('texts', `doc${d}.txt`), `${words.join(' ')}.\n`)
  }
  const small = makeConfig('bert', { hiddenSize: 16, numHeads: 2, intermediateSize: 32, numLayers: 1, vocabSize: 120, maxPositions: 16, tieWordEmbeddings: false, hiddenDropout: 0.1, attentionDropout: 0.1 })
  writeFileSync(at('small.json'), JSON.stringify(small))
  writeFileSync(at('large.json'), JSON.stringify({ ...small, numLayers: 2 }))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const TRAIN_STEPS = 100
const train = (out: string) => ['train', '--model', at('small.json'), '--data', at('texts'), '--steps', String(TRAIN_STEPS), '--batch', '2', '--seq', '16', '--checkpoint-every', '20', '--eval-every', '40', '--out', at(out)]

describe('a killed run', () => {
  it('ligo train: intact folder, torn metrics line dropped with a notice, resume equals an uninterrupted run', async () => {
    const reference = await ligo(train('reference'))
    expect(reference.code, reference.stderr).toBe(0)

    // First kill: around the write of the step-40 checkpoint (its temporary folder or the renamed one is seen).
    const first = await ligo(train('killed'), writingCheckpoint(at('killed'), 40))
    expect(first.killedEngine, first.stderr).toBe(true)
    expect(first.code).not.toBe(0)
    // The CLI says in one line that its engine died, without a stack trace.
    expect(first.stderr).toMatch(/ligo train: The engine process \(pid \d+\) .* while handling train/)
    expect(first.stderr).not.toMatch(/\n\s+at /)
    await expectIntact(at('killed'))
    const firstStop = checkpointSteps(at('killed')).at(-1)!
    expect([20, 40]).toContain(firstStop)

    // Second kill: the resumed run, after a later checkpoint, while it logs the steps after it.
    const killed = await ligo(['train', '--resume', at('killed')], pastACheckpoint(at('killed'), 60))
    expect(killed.killedEngine, killed.stderr).toBe(true)
    expect(killed.stderr).toContain(`from step ${firstStop}`)
    const stopped = checkpointSteps(at('killed')).at(-1)!
    expect(stopped, 'killed before the end').toBeLessThan(TRAIN_STEPS)
    await expectIntact(at('killed'))

    const whole = tearMetrics(at('killed'))
    // A reader following the log from an offset gets whole lines only, and stops before the torn one.
    const read = await readMetricsFrom(join(at('killed'), 'metrics.jsonl'), 0)
    expect(read.nextOffset).toBe(whole)
    expect(read.records.every((r) => r.step < 999999)).toBe(true)

    const resumed = await ligo(['train', '--resume', at('killed')])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toContain(`from step ${stopped}`)
    expect(resumed.stderr).toMatch(/1 torn line/)
    expect(resumed.stderr).not.toMatch(/\n\s+at /) // no stack trace anywhere
    expect(checkpointSteps(at('killed')).at(-1)).toBe(TRAIN_STEPS)
    expectSameRun(at('killed'), at('reference'))
    const last = `checkpoints/step-${String(TRAIN_STEPS).padStart(7, '0')}/${MODEL_FILE}`
    await expectSameWeights(join(at('killed'), last), join(at('reference'), last))
  }, 900_000)

  it('ligo compare: the same command resumes the killed method and the report equals an uninterrupted one', async () => {
    const from = existsSync(at('reference', 'manifest.json')) ? at('reference') : null
    expect(from, 'needs the trained run of the test above as its source').not.toBeNull()
    const compare = (out: string) => ['compare', '--from', from!, '--to', at('large.json'), '--methods', 'scratch,stackbert', '--data', at('texts'), '--budget', '40steps', '--seeds', '1', '--batch', '2', '--seq', '16', '--checkpoint-every', '10', '--eval-every', '20', '--eval-batches', '1', '--no-energy', '--out', at(out)]
    const reference = await ligo(compare('cmp-reference'))
    expect(reference.code, reference.stderr).toBe(0)

    const first = at('cmp-killed', 'scratch-seed0')
    const killed = await ligo(compare('cmp-killed'), pastACheckpoint(first, 10))
    expect(killed.killedEngine, killed.stderr).toBe(true)
    expect(killed.code).not.toBe(0)
    await expectIntact(first)
    tearMetrics(first)

    const resumed = await ligo(compare('cmp-killed'))
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(/scratch-seed0: resuming from step \d+ .*1 torn line/)
    for (const run of ['scratch-seed0', 'stackbert-seed0']) {
      expect(checkpointSteps(at('cmp-killed', run)).at(-1), run).toBe(40)
      expectSameRun(at('cmp-killed', run), at('cmp-reference', run))
    }
    // The reports agree on every figure that does not depend on time or energy: same structure, numbers to rounding.
    const report = (dir: string) => JSON.parse(readFileSync(at(dir, 'report.json'), 'utf8').split(at(dir)).join('<out>')) as unknown
    expectSameFigures(report('cmp-killed'), report('cmp-reference'), 'report')
  }, 900_000)
})
