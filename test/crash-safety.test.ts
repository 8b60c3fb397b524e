/**
 * Crash safety of runs (issue 16): `ligo train` and `ligo compare` run as real processes (CLI and engine from
 * source, test/helpers/ligo-from-source.ts); the engine process is killed with SIGKILL at random points, several per
 * run: each point is a logged step drawn at random plus a random delay of up to a few steps, so kills land in a
 * step, in a checkpoint's write, in an evaluation, in the metrics log's write, before the first checkpoint, between
 * a comparison's runs. The draw is seeded and printed: `LIGO_CRASH_SEED=<seed>` replays a failing one. After every
 * kill and at the end:
 * - the run folder is intact: manifest.json parses, every checkpoints/step-N holds all its files, complete
 *   (a checkpoint being written is only ever visible under a temporary name);
 * - a torn last line of metrics.jsonl (what a kill inside the line's write leaves; SIGKILL cannot be aimed inside
 *   one write() call, so the test tears the line itself) is dropped with a notice, and readers of the log from an
 *   offset never return it;
 * - resuming (`ligo train --resume`, or the same `ligo compare` command again) reaches the same step count and
 *   the same losses, counters and weights as an uninterrupted run of the same command (runs are deterministic).
 * Small models on a few hundred words of text; a kill point is found by watching the run folder, then the delay.
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
import { Rng } from '../src/engine/data/rng'

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

/** Where to kill: once `when` first holds (polled every 10 ms), wait `delayMs`, then SIGKILL the engine. */
interface KillAt {
  when: () => boolean
  delayMs: number
}

/** Runs `ligo <args>`; at `kill`, SIGKILLs the engine process and lets the CLI end (unless the run ended first). */
function ligo(args: string[], kill?: KillAt): Promise<Finished> {
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
    let due: ReturnType<typeof setTimeout> | null = null
    const poll = kill
      ? setInterval(() => {
          if (due !== null || enginePid === null || !kill.when()) return
          const pid = enginePid
          due = setTimeout(() => {
            try {
              process.kill(pid, 'SIGKILL')
              killedEngine = true
            } catch {
              // the engine had already exited: the run ended before the drawn point
            }
          }, kill.delayMs)
        }, 10)
      : null
    const limit = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS)
    child.on('error', fail)
    child.on('close', (code) => {
      if (poll) clearInterval(poll)
      if (due) clearTimeout(due)
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

const lastLogged = (runDir: string): number => Math.max(0, ...loggedSteps(runDir))

/** The seeded draw of kill points; printed so that a failing draw can be replayed. */
const CRASH_SEED = Number(process.env.LIGO_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
console.log(`crash-safety kill points: LIGO_CRASH_SEED=${CRASH_SEED}`)
const rng = new Rng(CRASH_SEED)

/**
 * `count` kill points in a run of `steps` logged every `logEvery` steps: distinct logged steps in increasing order
 * (the first in the run's first half so at least one kill lands), each with a delay of up to `maxDelayMs`.
 */
function drawKillPoints(count: number, steps: number, logEvery: number, maxDelayMs: number): Array<{ step: number; delayMs: number }> {
  const logged = Array.from({ length: Math.floor(steps / logEvery) - 1 }, (_, i) => (i + 1) * logEvery)
  const first = logged.filter((step) => step <= steps / 2)
  const picked = new Set([first[rng.nextInt(first.length)]])
  while (picked.size < Math.min(count, logged.length)) picked.add(logged[rng.nextInt(logged.length)])
  return [...picked].sort((a, b) => a - b).map((step) => ({ step, delayMs: rng.nextInt(maxDelayMs) }))
}

/**
 * Kill once the run has logged a step at or past `step` that this process wrote: lines past the last step seen at
 * the previous kill are new (the ones before it may be stale lines the resumed engine has yet to cut back).
 */
const killAfter = (runDir: string, point: { step: number; delayMs: number }, seenBefore: number): KillAt => ({
  when: () => lastLogged(runDir) >= point.step && lastLogged(runDir) > seenBefore,
  delayMs: point.delayMs,
})

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

/** One line naming the dead engine, no stack trace: what the CLI says when its engine is killed. */
function expectKilledCleanly(run: Finished, command: string): void {
  expect(run.code, run.stderr).not.toBe(0)
  expect(run.stderr).toMatch(new RegExp(`ligo ${command}: The engine process \\(pid \\d+\\) .* while handling ${command}`))
  expect(run.stderr).not.toMatch(/\n\s+at /)
}

/**
 * Runs `args` and kills it at each point in turn, the same command (or `again`) resuming after each kill; checks
 * `runDirs` intact after every kill. Returns how many kills landed (a run can end before a late point, with every
 * run at `finalStep`).
 */
async function killRepeatedly(args: string[], again: string[], points: Array<{ runDir: string; step: number; delayMs: number }>, command: string, runDirs: () => string[], finalStep: number): Promise<number> {
  let landed = 0
  const seen = new Map<string, number>()
  for (const [i, point] of points.entries()) {
    const run = await ligo(i === 0 ? args : again, killAfter(point.runDir, point, seen.get(point.runDir) ?? 0))
    // The run ended before this point, or the kill reached an engine that had already answered (it lands while the
    // engine shuts down after the last step; the CLI then exits 0 with the whole result): nothing later to kill.
    if (!run.killedEngine || run.code === 0) {
      expect(run.code, `${run.stderr}\n(LIGO_CRASH_SEED=${CRASH_SEED})`).toBe(0)
      // a success after a kill must be a whole one: every run at its last step
      if (run.killedEngine) for (const dir of runDirs()) expect(checkpointSteps(dir).at(-1), `${dir} after a kill the CLI called a success`).toBe(finalStep)
      break
    }
    landed++
    const where = runDirs().map((dir) => `${dir.slice(root.length + 1)}: logged to step ${lastLogged(dir)}, checkpoint ${checkpointSteps(dir).at(-1) ?? 'none'}`)
    console.log(`killed ligo ${command} at step >= ${point.step} + ${point.delayMs} ms (${where.join('; ')})`)
    expectKilledCleanly(run, command)
    for (const dir of runDirs()) {
      await expectIntact(dir)
      seen.set(dir, lastLogged(dir))
    }
  }
  return landed
}

describe(`a run killed at random points (LIGO_CRASH_SEED=${CRASH_SEED})`, () => {
  it('ligo train: intact folder after every kill, torn metrics line dropped with a notice, resume equals an uninterrupted run', async () => {
    const reference = await ligo(train('reference'))
    expect(reference.code, reference.stderr).toBe(0)

    // Three kills: logged steps (every 10) drawn at random, each plus up to 300 ms (several steps, a checkpoint's
    // write, an evaluation); the first may land before the first checkpoint, when the run starts over from step 0.
    const points = drawKillPoints(3, TRAIN_STEPS, 10, 300).map((p) => ({ ...p, runDir: at('killed') }))
    const landed = await killRepeatedly(train('killed'), ['train', '--resume', at('killed')], points, 'train', () => [at('killed')], TRAIN_STEPS)
    expect(landed, `kill points ${JSON.stringify(points)}`).toBeGreaterThan(0)

    const stopped = checkpointSteps(at('killed')).at(-1) ?? 0
    if (stopped < TRAIN_STEPS) {
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
    }
    expect(checkpointSteps(at('killed')).at(-1)).toBe(TRAIN_STEPS)
    expectSameRun(at('killed'), at('reference'))
    const last = `checkpoints/step-${String(TRAIN_STEPS).padStart(7, '0')}/${MODEL_FILE}`
    await expectSameWeights(join(at('killed'), last), join(at('reference'), last))
  }, 900_000)

  it('ligo compare: the same command resumes after every kill and the report equals an uninterrupted one', async () => {
    const from = existsSync(at('reference', 'manifest.json')) ? at('reference') : null
    expect(from, 'needs the trained run of the test above as its source').not.toBeNull()
    const compare = (out: string) => ['compare', '--from', from!, '--to', at('large.json'), '--methods', 'scratch,stackbert', '--data', at('texts'), '--budget', '40steps', '--seeds', '1', '--batch', '2', '--seq', '16', '--checkpoint-every', '10', '--eval-every', '20', '--eval-batches', '1', '--no-energy', '--out', at(out)]
    const reference = await ligo(compare('cmp-reference'))
    expect(reference.code, reference.stderr).toBe(0)

    // Two kills at logged steps (every 10) drawn over both runs: steps 10-40 are scratch's run (a kill past its step
    // 40 lands between the runs), 50-70 StackBERT's steps 10-30.
    const runs = ['scratch-seed0', 'stackbert-seed0']
    const points = drawKillPoints(2, 80, 10, 200).map(({ step, delayMs }) => (step <= 40 ? { runDir: at('cmp-killed', runs[0]), step, delayMs } : { runDir: at('cmp-killed', runs[1]), step: step - 40, delayMs }))
    const present = () => runs.map((run) => at('cmp-killed', run)).filter((dir) => existsSync(join(dir, 'manifest.json')))
    const landed = await killRepeatedly(compare('cmp-killed'), compare('cmp-killed'), points, 'compare', present, 40)
    expect(landed, `kill points ${JSON.stringify(points)}`).toBeGreaterThan(0)
    // A run with a checkpoint before its end resumes from it (one stopped before its first checkpoint starts again).
    const torn = present().find((dir) => (checkpointSteps(dir).at(-1) ?? 40) < 40)
    if (torn) tearMetrics(torn)

    const resumed = await ligo(compare('cmp-killed'))
    expect(resumed.code, resumed.stderr).toBe(0)
    if (torn) expect(resumed.stderr).toMatch(/1 torn line/)
    expect(resumed.stderr).not.toMatch(/\n\s+at /)
    for (const run of runs) {
      expect(checkpointSteps(at('cmp-killed', run)).at(-1), run).toBe(40)
      expectSameRun(at('cmp-killed', run), at('cmp-reference', run))
    }
    // The reports agree on every figure that does not depend on time or energy: same structure, numbers to rounding.
    const report = (dir: string) => JSON.parse(readFileSync(at(dir, 'report.json'), 'utf8').split(at(dir)).join('<out>')) as unknown
    expectSameFigures(report('cmp-killed'), report('cmp-reference'), 'report')
  }, 900_000)
})
