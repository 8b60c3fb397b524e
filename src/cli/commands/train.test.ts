/**
 * `ligo train` through main(): help, usage errors (exit 2), and a real run in an engine process started from
 * source: Ctrl-C stops it with a checkpoint and a resume hint (exit 130), --resume finishes it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngineHost } from '../../host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../host/node-launcher'
import type { MetricRecord } from '../../shared'
import { main, type MainIo } from '../main'
import { captureIo } from './cli-test-io.testing'
import { trainParams, type TrainFlags } from './train'

const root = mkdtempSync(join(tmpdir(), 'ligo-train-cli-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function train(args: string[], overrides: Partial<MainIo> = {}, onStderr?: (text: string, out: ReturnType<typeof captureIo>['out']) => void) {
  const captured = captureIo(overrides)
  if (onStderr) {
    const write = captured.io.stderr
    captured.io.stderr = (t) => {
      write(t)
      onStderr(t, captured.out)
    }
  }
  const code = await main(['train', ...args], captured.io)
  return { code, ...captured.out }
}

const none = {} as TrainFlags
describe('ligo train flags', () => {
  it('prints help', async () => {
    const result = await train(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: ligo train --model <preset|checkpoint> --data <builtin|path> --steps N')
    for (const flag of ['--lr', '--warmup', '--schedule', '--weight-decay', '--clip', '--seed', '--eval-every', '--out', '--resume', '--backend']) expect(result.stdout).toContain(flag)
  })

  it('exits 2 on bad or missing flags', async () => {
    expect(await train(['--model', 'bert-mini', '--data', 'moby-dick'])).toMatchObject({ code: 2, stderr: 'ligo: --steps is required (or --resume <run dir>).\nRun "ligo train --help" for usage.\n' })
    expect((await train(['--model', 'bert-mini', '--data', 'moby-dick', '--steps', '0'])).code).toBe(2)
    expect((await train(['--model', 'bert-mini', '--data', 'moby-dick', '--steps', '5', '--lr', 'fast'])).stderr).toContain('Invalid value "fast" for --lr: expected a number >= 0.')
    expect((await train(['--model', 'bert-mini', '--data', 'moby-dick', '--steps', '5', '--schedule', 'step'])).code).toBe(2)
    expect((await train(['--resume', 'runs/x', '--lr', '1e-3'])).stderr).toContain('drop --lr (only --steps and --backend may change)')
  })

  it('maps flags to engine params with absolute paths and a default run folder', () => {
    const params = trainParams({ ...none, model: 'bert-mini', data: 'notes.txt', steps: 10, lr: '1e-3', 'weight-decay': '0' }, '/home/u', new Date('2026-01-02T03:04:05Z'))
    expect(params).toEqual({ model: 'bert-mini', data: '/home/u/notes.txt', steps: 10, runDir: '/home/u/runs/bert-mini-20260102-030405', learningRate: 1e-3, weightDecay: 0 })
    expect(trainParams({ ...none, resume: 'r', steps: 20 }, '/w')).toEqual({ runDir: '/w/r', resume: true, steps: 20 })
  })
})

describe('ligo train in an engine process', () => {
  const startEngine: MainIo['startEngine'] = (choice) => createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: () => {} }), choice)
  const runDir = join(root, 'vit')

  it('stops cleanly on Ctrl-C with a checkpoint, then resumes to the end', async () => {
    let interrupted = false
    const first = await train(['--model', 'vit-mini', '--data', 'mnist', '--steps', '8', '--batch', '8', '--backend', 'wasm', '--out', runDir], { startEngine }, (text, out) => {
      if (!interrupted && / \d\/8 steps/.test(text)) {
        interrupted = true
        out.interrupt()
      }
    })
    expect(first.code, first.stderr).toBe(130)
    expect(first.stderr).toContain('Stopping at the next step and writing a checkpoint (Ctrl-C again to kill)')
    expect(first.stderr).toContain(`Resume with: ligo train --resume "${runDir}"`)
    const stoppedAt = (readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricRecord).at(-1)!).step
    expect(stoppedAt).toBeLessThan(8)

    const second = await train(['--resume', runDir], { startEngine })
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toMatch(/^Trained 8\/8 steps on wasm: \d+ images\/s\n/)
    expect(second.stdout).toMatch(/validation loss [\d.]+, accuracy [\d.]+%/)
    const steps = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as MetricRecord).step)
    expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b)) // increasing, no step twice
    expect(steps.at(-1)).toBe(8)
  }, 90_000)
})
