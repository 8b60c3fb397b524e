/**
 * The engine protocol through a REAL child process: the engine runs src/engine/entry.ts under tsx, the host is
 * createEngineHost + createNodeEngineLauncher, exactly what the CLI and `ligo serve` use.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineEvent, EngineStatusEvent, EngineToHost } from '../src/shared'
import { createPackageLoader } from '../src/engine/backend/package-loader'
import { isInstalled } from '../src/engine/backend/package-loader'
import { startTestEngine, type TestEngine } from './helpers/engine-process'

const nativeInstalled = isInstalled(createPackageLoader(), '@tensorflow/tfjs-node')

describe('engine process (from source)', () => {
  let engine: TestEngine
  beforeAll(() => {
    engine = startTestEngine({ eventBatchMs: 100 })
  })
  afterAll(async () => {
    await engine.host.stop()
  })

  it('answers ping and the hardware record, with a reason for every skipped backend', async () => {
    const { pid } = await engine.host.call('ping', {})
    expect(pid).toBe(engine.channel()?.pid)
    const record = await engine.host.call('hardware', {})
    expect(record.backend).toBe(nativeInstalled ? 'tensorflow' : 'wasm')
    expect(record.candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
    if (!nativeInstalled) {
      expect(record.candidates[0].reason).toMatch(/tfjs-node-gpu is not installed|nvidia-smi|NVIDIA/)
      expect(record.candidates[1].reason).toContain('@tensorflow/tfjs-node is not installed')
      expect(record.candidates[2]).toMatchObject({ selected: true, available: true })
      expect(record.wasmSimd).toBe(true)
    }
    expect(record.cpu.cores).toBeGreaterThan(0)
    expect(record.runtime.node).toBe(process.versions.node)
  })

  it('streams benchmark events in batches, all before the response', async () => {
    const events: EngineEvent[] = []
    const start = engine.messages.length
    const result = await engine.host.call('benchmarkMatmul', { sizes: [16, 16, 16] }, { onEvent: (e) => events.push(e) })
    expect(result.rows.map((r) => r.size)).toEqual([16, 16, 16])
    expect(result.rows.every((r) => r.gflops > 0 && r.repeats > 0)).toBe(true)
    expect(events.filter((e) => e.type === 'task.progress').map((e) => (e as { done: number }).done)).toEqual([0, 1, 2, 3])

    const raw = engine.messages.slice(start)
    const responseAt = raw.findIndex((m) => m.kind === 'response')
    const batches = raw.filter((m): m is Extract<EngineToHost, { kind: 'events' }> => m.kind === 'events')
    expect(raw.slice(responseAt + 1).filter((m) => m.kind === 'events')).toEqual([]) // nothing after the response
    expect(batches.flatMap((b) => b.events)).toHaveLength(events.length)
    expect(batches.length).toBeLessThanOrEqual(events.length)
    expect(new Set(batches.flatMap((b) => b.events.map((e) => e.event.taskId)))).toEqual(new Set([String(batches[0].events[0].requestId)]))
  })

  it('cancels a running benchmark with "cancelled" and keeps serving', async () => {
    const controller = new AbortController()
    let lastDone = 0
    const run = engine.host.call('benchmarkMatmul', { sizes: [16, 16, 16, 16, 16, 16, 16, 16] }, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'task.progress') return
        lastDone = e.done
        if (e.done === 1) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    // stopped early: the benchmark never reported the later sizes (each takes ~0.3 s)
    expect(lastDone).toBeLessThan(8)
    const { pid } = await engine.host.call('ping', {})
    expect(pid).toBe(engine.channel()?.pid)
  })

  it('answers unknown methods and bad params with clear errors, and stays up', async () => {
    const call = engine.host.call as (method: string, params: unknown) => Promise<unknown>
    // the list names every method of the table (src/engine/runtime/engine-methods.ts), which grows with the engine
    await expect(call('nope', {})).rejects.toMatchObject({
      code: 'unknown_method',
      message: expect.stringMatching(/^Unknown engine method "nope"\. Expected one of: hardware, ping, benchmarkMatmul(, \w+)*$/),
    })
    await expect(call('benchmarkMatmul', { sizes: [8] })).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'Invalid request: benchmarkMatmul params.sizes[0] must be between 16 and 4096, got 8',
    })
    await expect(call('ping', { x: 1 })).rejects.toMatchObject({ code: 'invalid_request' })
    await expect(engine.host.call('ping', {})).resolves.toHaveProperty('pid')
  })
})

describe('engine process crash and restart', () => {
  it('rejects the pending call with engine_crashed, reports it, and restarts on the next call', async () => {
    const engine = startTestEngine()
    const statuses: EngineStatusEvent[] = []
    engine.host.onStatus((s) => statuses.push(s))
    const first = await engine.host.call('ping', {})
    const run = engine.host.call('benchmarkMatmul', { sizes: [16, 16, 16, 16] }, {
      onEvent: (e) => {
        if (e.type === 'task.progress' && e.done === 1) process.kill(first.pid, 'SIGKILL')
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'engine_crashed', message: expect.stringContaining('killed by signal SIGKILL') })
    expect(statuses.map((s) => s.status)).toEqual(['starting', 'ready', 'crashed'])
    const second = await engine.host.call('ping', {})
    expect(second.pid).not.toBe(first.pid)
    expect(statuses.map((s) => s.status)).toEqual(['starting', 'ready', 'crashed', 'starting', 'ready'])
    await engine.host.stop()
  })

  it('a forced backend that cannot start fails the call with the reason (no fallback)', async () => {
    const engine = startTestEngine({ backend: 'tensorflow', backendSource: 'environment' })
    const call = engine.host.call('ping', {})
    if (nativeInstalled) await expect(call).resolves.toHaveProperty('pid')
    else await expect(call).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('Backend "tensorflow" is forced by LIGO_BACKEND but cannot be used') })
    await engine.host.stop()
  })
})

// The built bundle (out/main/engine.js, from `npm run build`): dependencies stay external there, so this checks
// that the wasm binaries and the backend packages are found from the bundle too. Skipped when the bundle is
// missing or older than the engine sources (run `npm run build` first).
const bundle = join(import.meta.dirname, '..', 'out', 'main', 'engine.js')
const bundleFresh = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(join(import.meta.dirname, '..', 'src', 'engine', 'runtime', 'engine-server.ts')).mtimeMs
describe.skipIf(!bundleFresh)('engine process (built bundle)', () => {
  it('starts on wasm, answers ping, hardware and a small benchmark', async () => {
    const engine = startTestEngine({ launch: { entry: bundle, execArgv: [] } })
    const record = await engine.host.call('hardware', {})
    expect(record.backend).toBe(nativeInstalled ? 'tensorflow' : 'wasm')
    const result = await engine.host.call('benchmarkMatmul', { sizes: [16] })
    expect(result.rows[0].gflops).toBeGreaterThan(0)
    await engine.host.stop()
  })
})
