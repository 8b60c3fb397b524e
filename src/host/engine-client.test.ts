import { describe, expect, it, vi } from 'vitest'
import type { EngineStatusEvent, EngineToHost, HostToEngine } from '../shared'
import { createEngineHost } from './engine-client'
import type { EngineChannel, EngineLauncher } from './engine-types'

/** A scripted engine process: records what the host sends, and lets the test answer or exit. */
class FakeChannel implements EngineChannel {
  sent: HostToEngine[] = []
  killed = false
  private messageListeners: Array<(m: EngineToHost) => void> = []
  private exitListeners: Array<(i: { code: number | null; signal: string | null }) => void> = []
  constructor(readonly pid: number) {}
  send(message: HostToEngine) {
    this.sent.push(message)
  }
  onMessage(listener: (m: EngineToHost) => void) {
    this.messageListeners.push(listener)
  }
  onExit(listener: (i: { code: number | null; signal: string | null }) => void) {
    this.exitListeners.push(listener)
  }
  kill() {
    this.killed = true
  }
  reply(message: EngineToHost) {
    this.messageListeners.forEach((l) => l(message))
  }
  exit(code: number | null, signal: string | null = null) {
    this.exitListeners.forEach((l) => l({ code, signal }))
  }
  requests() {
    return this.sent.filter((m): m is Extract<HostToEngine, { kind: 'request' }> => m.kind === 'request')
  }
}

function setup(options: Parameters<typeof createEngineHost>[1] = {}) {
  const channels: FakeChannel[] = []
  const launcher: EngineLauncher = () => {
    const channel = new FakeChannel(1000 + channels.length)
    channels.push(channel)
    return channel
  }
  const host = createEngineHost(launcher, options)
  const statuses: EngineStatusEvent[] = []
  host.onStatus((s) => statuses.push(s))
  return { host, channels, statuses }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('createEngineHost', () => {
  it('starts lazily with the start options, queues calls until ready, and routes responses by id', async () => {
    const { host, channels, statuses } = setup({ backend: 'wasm', backendSource: 'environment', eventBatchMs: 50 })
    expect(channels).toHaveLength(0)
    const ping = host.call('ping', {})
    const hardware = host.call('hardware', {})
    const engine = channels[0]
    expect(engine.sent).toEqual([{ kind: 'start', options: { backend: 'wasm', backendSource: 'environment', eventBatchMs: 50 } }])
    engine.reply({ kind: 'ready', pid: 1000, backend: 'wasm' })
    const [first, second] = engine.requests()
    expect([first.method, second.method]).toEqual(['ping', 'hardware'])
    engine.reply({ kind: 'response', id: second.id, ok: true, result: { backend: 'wasm' } })
    engine.reply({ kind: 'response', id: first.id, ok: true, result: { pid: 1000 } })
    expect(await ping).toEqual({ pid: 1000 })
    expect(await hardware).toEqual({ backend: 'wasm' })
    expect(statuses.map((s) => s.status)).toEqual(['starting', 'ready'])
    expect(statuses[1].detail).toBe('pid 1000, backend wasm')
    host.call('ping', {})
    expect(channels).toHaveLength(1) // one process serves every call
  })

  it('delivers events to the call that produced them, and turns error responses into StudioErrors', async () => {
    const { host, channels } = setup()
    const seenA: unknown[] = []
    const a = host.call('benchmarkMatmul', { sizes: [16] }, { onEvent: (e) => seenA.push(e) })
    const b = host.call('ping', {}, { onEvent: () => { throw new Error('listener bug') } })
    channels[0].reply({ kind: 'ready', pid: 1, backend: 'cpu' })
    const [ra, rb] = channels[0].requests()
    const log = { type: 'task.log' as const, taskId: '1', level: 'info' as const, message: 'hi' }
    channels[0].reply({ kind: 'events', events: [{ requestId: ra.id, event: log }, { requestId: rb.id, event: log }, { requestId: 999, event: log }] })
    expect(seenA).toEqual([log])
    channels[0].reply({ kind: 'response', id: ra.id, ok: false, error: { code: 'invalid_request', message: 'Invalid request: bad' } })
    await expect(a).rejects.toMatchObject({ name: 'StudioError', code: 'invalid_request', message: 'Invalid request: bad' })
    channels[0].reply({ kind: 'response', id: rb.id, ok: true, result: { pid: 1 } })
    await expect(b).resolves.toEqual({ pid: 1 })
  })

  it('cancels: a queued call at once, a running one by sending cancel and waiting for the answer', async () => {
    const { host, channels } = setup()
    const queued = new AbortController()
    const queuedCall = host.call('ping', {}, { signal: queued.signal })
    queued.abort()
    await expect(queuedCall).rejects.toMatchObject({ code: 'cancelled', message: 'ping was cancelled before the engine started it' })
    const pre = new AbortController()
    pre.abort()
    await expect(host.call('ping', {}, { signal: pre.signal })).rejects.toMatchObject({ code: 'cancelled' })

    const running = new AbortController()
    const call = host.call('benchmarkMatmul', { sizes: [64] }, { signal: running.signal })
    channels[0].reply({ kind: 'ready', pid: 1, backend: 'wasm' })
    expect(channels[0].requests().map((r) => r.method)).toEqual(['benchmarkMatmul']) // the cancelled ping was never sent
    const id = channels[0].requests()[0].id
    running.abort()
    running.abort()
    expect(channels[0].sent.filter((m) => m.kind === 'cancel')).toEqual([{ kind: 'cancel', id }])
    channels[0].reply({ kind: 'response', id, ok: false, error: { code: 'cancelled', message: 'benchmarkMatmul (request 3) was cancelled' } })
    await expect(call).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('on a crash rejects pending calls with engine_crashed, reports it, and starts a new process next time', async () => {
    const { host, channels, statuses } = setup()
    const pending = host.call('benchmarkMatmul', { sizes: [64] })
    channels[0].reply({ kind: 'ready', pid: 1000, backend: 'wasm' })
    channels[0].exit(null, 'SIGKILL')
    await expect(pending).rejects.toMatchObject({
      code: 'engine_crashed',
      message: 'The engine process (pid 1000) exited unexpectedly (killed by signal SIGKILL) while handling benchmarkMatmul; it restarts on the next request.',
    })
    expect(statuses.at(-1)).toEqual({ type: 'engine.status', status: 'crashed', detail: 'The engine process (pid 1000) exited unexpectedly (killed by signal SIGKILL). A new one starts on the next request.' })
    const next = host.call('ping', {})
    expect(channels).toHaveLength(2)
    channels[1].reply({ kind: 'ready', pid: 1001, backend: 'wasm' })
    channels[1].reply({ kind: 'response', id: channels[1].requests()[0].id, ok: true, result: { pid: 1001 } })
    expect(await next).toEqual({ pid: 1001 })
  })

  it('rejects with the engine\'s own error when it cannot start, and reports an exit code', async () => {
    const { host, channels, statuses } = setup({ backend: 'tensorflow', backendSource: 'environment' })
    const call = host.call('ping', {})
    channels[0].reply({ kind: 'start-failed', error: { code: 'unsupported', message: 'Backend "tensorflow" is forced by LIGO_BACKEND but cannot be used' } })
    await expect(call).rejects.toMatchObject({ code: 'unsupported', message: 'Backend "tensorflow" is forced by LIGO_BACKEND but cannot be used' })
    channels[0].exit(1)
    expect(statuses.map((s) => s.status)).toEqual(['starting', 'stopped']) // no 'crashed' for a refused start

    const other = setup()
    const p = other.host.call('ping', {})
    other.channels[0].exit(3)
    await expect(p).rejects.toThrow('exited unexpectedly (exit code 3)')
  })

  it('kills a process that never becomes ready', async () => {
    const { host, channels } = setup({ startTimeoutMs: 10 })
    const call = host.call('ping', {})
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(channels[0].killed).toBe(true)
    channels[0].exit(null, 'SIGKILL')
    await expect(call).rejects.toThrow('did not become ready within 0.01 s and was killed')
  })

  it('stop() sends shutdown, kills after the grace period, and rejects what was pending', async () => {
    // Fake timers: the grace period is checked exactly, however busy the machine is.
    vi.useFakeTimers()
    try {
      const { host, channels, statuses } = setup({ stopGraceMs: 20 })
      const pending = host.call('ping', {})
      channels[0].reply({ kind: 'ready', pid: 1, backend: 'wasm' })
      const stopping = host.stop()
      expect(channels[0].sent.at(-1)).toEqual({ kind: 'shutdown' })
      await vi.advanceTimersByTimeAsync(19)
      expect(channels[0].killed).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(channels[0].killed).toBe(true)
      channels[0].exit(null, 'SIGKILL')
      await stopping
      await expect(pending).rejects.toMatchObject({ code: 'cancelled', message: 'The engine was stopped before ping finished' })
      expect(statuses.at(-1)).toMatchObject({ status: 'stopped', detail: 'Stopped on request' })
      await host.stop() // nothing running: resolves at once
    } finally {
      vi.useRealTimers()
    }
    await flush()
  })
})
