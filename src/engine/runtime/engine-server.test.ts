import { describe, expect, it } from 'vitest'
import { StudioError, array, number, object, type EngineStartOptions, type EngineToHost } from '../../shared'
import { runEngineServer, throwIfCancelled, type MethodTable } from './engine-server'
import { createMemoryTransport } from './transport'

const START: EngineStartOptions = { backend: null, backendSource: null, eventBatchMs: 20 }
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))
/** Polls instead of sleeping a fixed time: the machine may be busy. */
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await tick(2)
  }
}

interface Ctx {
  label: string
}

const METHODS: MethodTable<Ctx> = {
  echo: { params: object({ value: number() }), run: (p: { value: number }, _r, ctx) => ({ value: p.value, label: ctx.label }) },
  fail: { params: object({}), run: () => { throw new TypeError('boom in handler') } },
  failCoded: { params: object({}), run: () => { throw new StudioError('not_found', 'no such model: x') } },
  // Emits one event per step and checks the signal between steps, like a real task.
  steps: {
    params: object({ steps: number({ min: 1, integer: true }), ms: number({ min: 0 }) }),
    run: async (p: { steps: number; ms: number }, request) => {
      for (let i = 0; i < p.steps; i++) {
        throwIfCancelled(request.signal, 'steps')
        request.emit({ type: 'task.progress', taskId: request.taskId, done: i + 1, total: p.steps, unit: 'steps', elapsedSeconds: 0, etaSeconds: null, message: '' })
        await tick(p.ms)
      }
      return { steps: p.steps }
    },
  },
  // Ignores cancellation entirely: the server must still answer 'cancelled' and drop later events.
  stubborn: {
    params: object({}),
    run: async (_p, request) => {
      while (!request.signal.aborted) await tick(2) // notices the cancel, but keeps going regardless
      await tick(5)
      request.emit({ type: 'task.log', taskId: request.taskId, level: 'info', message: 'late' })
      return 'done anyway'
    },
  },
  sized: { params: object({ sizes: array(number({ min: 16 }), { minLength: 1 }) }), run: (p: { sizes: number[] }) => p.sizes.length },
}

function setup(start: (o: EngineStartOptions) => Promise<{ context: Ctx; backend: 'wasm' }> = async () => ({ context: { label: 'ctx' }, backend: 'wasm' })) {
  const { engine, host } = createMemoryTransport()
  const exits: number[] = []
  const logs: string[] = []
  runEngineServer<Ctx>({ transport: engine, methods: METHODS, start, exit: (code) => exits.push(code), pid: 4242, log: (l) => logs.push(l) })
  const waitFor = async (predicate: (m: EngineToHost) => boolean, timeoutMs = 2000): Promise<EngineToHost> => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const found = host.messages.find(predicate)
      if (found) return found
      await tick(2)
    }
    throw new Error(`no matching message; got ${JSON.stringify(host.messages)}`)
  }
  const response = (id: number) => waitFor((m) => m.kind === 'response' && m.id === id) as Promise<Extract<EngineToHost, { kind: 'response' }>>
  return { host, exits, logs, waitFor, response }
}

describe('runEngineServer', () => {
  it('answers ready after start, then serves requests with the started context', async () => {
    const { host, waitFor, response } = setup()
    host.send({ kind: 'start', options: START })
    expect(await waitFor((m) => m.kind === 'ready')).toEqual({ kind: 'ready', pid: 4242, backend: 'wasm' })
    host.send({ kind: 'request', id: 1, method: 'echo', params: { value: 3 } })
    expect(await response(1)).toEqual({ kind: 'response', id: 1, ok: true, result: { value: 3, label: 'ctx' } })
  })

  it('refuses requests before start, unknown methods and bad params with clear errors', async () => {
    const { host, waitFor, response } = setup()
    host.send({ kind: 'request', id: 1, method: 'echo', params: { value: 1 } })
    expect((await response(1)).ok).toBe(false)
    expect(await response(1)).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('before requests') } })

    host.send({ kind: 'start', options: START })
    await waitFor((m) => m.kind === 'ready')
    host.send({ kind: 'request', id: 2, method: 'nope', params: {} })
    host.send({ kind: 'request', id: 3, method: 'sized', params: { sizes: 'big' } })
    host.send({ kind: 'request', id: 4, method: 'sized', params: { sizes: [8] } })
    host.send({ kind: 'request', id: 5, method: 'echo', params: { value: 1, extra: true } })
    host.send({ kind: 'request', id: 6, method: 'toString', params: {} }) // inherited names are not methods
    expect(await response(2)).toMatchObject({ ok: false, error: { code: 'unknown_method', message: 'Unknown engine method "nope". Expected one of: echo, fail, failCoded, steps, stubborn, sized' } })
    expect(await response(3)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Invalid request: sized params.sizes must be an array, got a string of length 3' } })
    expect(await response(4)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Invalid request: sized params.sizes[0] must be between 16 and Infinity, got 8' } })
    expect(await response(5)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('unknown field "extra"') } })
    expect(await response(6)).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
  })

  it('answers a throwing handler with engine_error (or its own code) and keeps serving', async () => {
    const { host, waitFor, response, logs } = setup()
    host.send({ kind: 'start', options: START })
    await waitFor((m) => m.kind === 'ready')
    host.send({ kind: 'request', id: 1, method: 'fail', params: {} })
    host.send({ kind: 'request', id: 2, method: 'failCoded', params: {} })
    expect(await response(1)).toEqual({ kind: 'response', id: 1, ok: false, error: { code: 'engine_error', message: 'boom in handler' } })
    expect(await response(2)).toMatchObject({ ok: false, error: { code: 'not_found', message: 'no such model: x' } })
    expect(logs.some((l) => l.includes('boom in handler'))).toBe(true) // the stack goes to the log
    host.send({ kind: 'request', id: 3, method: 'echo', params: { value: 9 } })
    expect(await response(3)).toMatchObject({ ok: true, result: { value: 9 } })
  })

  it('delivers every event of a request before its response, in batches', async () => {
    const { host, waitFor, response } = setup()
    host.send({ kind: 'start', options: START })
    await waitFor((m) => m.kind === 'ready')
    host.send({ kind: 'request', id: 1, method: 'steps', params: { steps: 12, ms: 3 } })
    await response(1)
    const responseIndex = host.messages.findIndex((m) => m.kind === 'response' && m.id === 1)
    const batches = host.messages.slice(0, responseIndex).filter((m) => m.kind === 'events') as Array<Extract<EngineToHost, { kind: 'events' }>>
    const events = batches.flatMap((b) => b.events)
    expect(events.map((e) => (e.event as { done: number }).done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(events.every((e) => e.requestId === 1 && e.event.taskId === '1')).toBe(true)
    expect(batches.length).toBeLessThan(12) // batched, not one message per event
    expect(host.messages.slice(responseIndex + 1).some((m) => m.kind === 'events')).toBe(false)
  })

  it('cancel aborts the handler and answers cancelled; other requests keep running', async () => {
    const { host, waitFor, response } = setup()
    host.send({ kind: 'start', options: START })
    await waitFor((m) => m.kind === 'ready')
    host.send({ kind: 'request', id: 1, method: 'steps', params: { steps: 1000, ms: 2 } })
    host.send({ kind: 'request', id: 2, method: 'steps', params: { steps: 5, ms: 2 } })
    await tick(20)
    host.send({ kind: 'cancel', id: 1 })
    host.send({ kind: 'cancel', id: 99 }) // unknown ids are ignored
    expect(await response(1)).toMatchObject({ ok: false, error: { code: 'cancelled', message: 'steps was cancelled' } })
    expect(await response(2)).toMatchObject({ ok: true, result: { steps: 5 } })
  })

  it('answers cancelled even when the handler ignores the signal and returns a result; nothing follows the response', async () => {
    const { host, waitFor, response } = setup()
    host.send({ kind: 'start', options: START })
    await waitFor((m) => m.kind === 'ready')
    host.send({ kind: 'request', id: 5, method: 'stubborn', params: {} })
    await tick(5)
    host.send({ kind: 'cancel', id: 5 })
    expect(await response(5)).toMatchObject({ ok: false, error: { code: 'cancelled', message: 'stubborn (request 5) was cancelled' } })
    await tick(20)
    const responseIndex = host.messages.findIndex((m) => m.kind === 'response')
    expect(host.messages.slice(responseIndex + 1)).toEqual([])
  })

  it('reports start-failed and exits with code 1 when the backend cannot start', async () => {
    const { host, waitFor, exits } = setup(async () => {
      throw new StudioError('unsupported', 'Backend "tensorflow" is forced by LIGO_BACKEND but cannot be used')
    })
    host.send({ kind: 'start', options: { ...START, backend: 'tensorflow', backendSource: 'environment' } })
    expect(await waitFor((m) => m.kind === 'start-failed')).toEqual({
      kind: 'start-failed',
      error: { code: 'unsupported', message: 'Backend "tensorflow" is forced by LIGO_BACKEND but cannot be used' },
    })
    await until(() => exits.length > 0)
    expect(exits).toEqual([1])
  })

  it('refuses malformed start options', async () => {
    const { host, waitFor } = setup()
    host.send({ kind: 'start', options: { backend: 'tpu', backendSource: null, eventBatchMs: 10 } })
    expect(await waitFor((m) => m.kind === 'start-failed')).toMatchObject({
      error: { code: 'invalid_request', message: 'Invalid request: start.options.backend must be one of tensorflow-gpu, tensorflow, wasm, cpu, got "tpu"' },
    })
  })

  it('ignores junk messages and exits 0 on shutdown or when the host disconnects', async () => {
    const first = setup()
    first.host.send('hello')
    first.host.send({ kind: 'explode' })
    first.host.send({ kind: 'request', id: -1, method: 'echo' })
    first.host.send({ kind: 'start', options: START })
    await first.waitFor((m) => m.kind === 'ready')
    expect(first.logs.filter((l) => l.startsWith('ignoring'))).toHaveLength(3)
    first.host.send({ kind: 'shutdown' })
    await until(() => first.exits.length > 0)
    expect(first.exits).toEqual([0])

    const second = setup()
    second.host.disconnect()
    await until(() => second.exits.length > 0)
    expect(second.exits).toEqual([0])
  })
})
