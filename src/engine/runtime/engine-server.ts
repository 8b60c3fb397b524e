/**
 * The engine's message loop: waits for `start`, brings up the backend, answers `ready` (or `start-failed`),
 * then serves requests concurrently, honours `cancel` and `shutdown`. Never crashes on a bad message or a
 * failing handler: every request gets exactly one response, and its events always arrive before it.
 */
import {
  BACKEND_PREFERENCE,
  StudioError,
  isPlainObject,
  number,
  object,
  oneOf,
  serializeError,
  type BackendName,
  type EngineEvent,
  type EngineStartOptions,
  type SerializedError,
  type Validator,
} from '../../shared'
import { createEventBatcher, type EventBatcher } from './event-batcher'
import { classifyError } from './input-errors'
import type { EngineTransport } from './transport'

/** What a handler gets besides its params. */
export interface RequestContext {
  requestId: number
  /** Task id for the events this request emits; the host maps it to the caller's own task id. */
  taskId: string
  /** Aborted when the host sends `cancel` for this request (or shuts the engine down). */
  signal: AbortSignal
  emit(event: EngineEvent): void
}

/** One engine method: a validator for its params and the handler. C is what start() produced (tf, hardware...). */
export interface MethodSpec<P, R, C> {
  params: Validator<P>
  run(params: P, request: RequestContext, engine: C): Promise<R> | R
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MethodTable<C> = Record<string, MethodSpec<any, unknown, C>>

export interface EngineServerOptions<C> {
  transport: EngineTransport
  methods: MethodTable<C>
  /** Brings up the backend; a throw becomes `start-failed` and the process exits with code 1. */
  start(options: EngineStartOptions): Promise<{ context: C; backend: BackendName }>
  exit(code: number): void
  pid?: number
  log?(line: string): void
}

const nullable =
  <T>(inner: Validator<T>): Validator<T | null> =>
  (value, where) =>
    value === null || value === undefined ? null : inner(value, where)

const startOptionsValidator: Validator<EngineStartOptions> = object({
  backend: nullable(oneOf(BACKEND_PREFERENCE)),
  backendSource: nullable(oneOf(['setting', 'environment'] as const)),
  eventBatchMs: number({ min: 0, max: 60_000 }),
})

const requestIdValidator = number({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true })

export function runEngineServer<C>(options: EngineServerOptions<C>): void {
  const { transport, methods } = options
  const log = options.log ?? ((line: string) => process.stderr.write(`[engine] ${line}\n`))
  const pid = options.pid ?? process.pid
  let phase: 'waiting' | 'starting' | 'ready' | 'stopping' = 'waiting'
  let context: C | null = null
  let batcher: EventBatcher | null = null
  const inFlight = new Map<number, AbortController>()
  // A function, not an inline comparison: TypeScript would narrow `phase` across the awaits in handleRequest.
  const isStopping = () => phase === 'stopping'

  const respondError = (id: number, error: SerializedError) => transport.send({ kind: 'response', id, ok: false, error })

  const stop = async (code: number) => {
    if (phase === 'stopping') return
    phase = 'stopping'
    for (const controller of inFlight.values()) controller.abort()
    batcher?.flush()
    batcher?.close()
    await transport.drain()
    options.exit(code)
  }

  async function handleStart(raw: unknown): Promise<void> {
    if (phase !== 'waiting') {
      log(`ignoring a second "start" message (engine is ${phase})`)
      return
    }
    phase = 'starting'
    try {
      const startOptions = startOptionsValidator(raw, 'start.options')
      const started = await options.start(startOptions)
      context = started.context
      batcher = createEventBatcher(startOptions.eventBatchMs, (message) => transport.send(message))
      phase = 'ready'
      transport.send({ kind: 'ready', pid, backend: started.backend })
    } catch (error) {
      transport.send({ kind: 'start-failed', error: serializeError(error) })
      await stop(1)
    }
  }

  async function handleRequest(id: number, method: unknown, rawParams: unknown): Promise<void> {
    if (phase !== 'ready' || !context || !batcher) {
      respondError(id, { code: 'invalid_request', message: `The engine is ${phase}: send "start" and wait for "ready" before requests` })
      return
    }
    if (inFlight.has(id)) {
      respondError(id, { code: 'invalid_request', message: `Request id ${id} is already in use by a running request` })
      return
    }
    const spec = typeof method === 'string' && Object.prototype.hasOwnProperty.call(methods, method) ? methods[method] : undefined
    if (!spec) {
      respondError(id, {
        code: 'unknown_method',
        message: `Unknown engine method ${JSON.stringify(method)?.slice(0, 60)}. Expected one of: ${Object.keys(methods).join(', ')}`,
      })
      return
    }
    const name = method as string
    let params: unknown
    try {
      params = spec.params(rawParams, `${name} params`)
    } catch (error) {
      respondError(id, serializeError(error))
      return
    }

    const controller = new AbortController()
    inFlight.set(id, controller)
    let finished = false
    const events = batcher
    const request: RequestContext = {
      requestId: id,
      taskId: String(id),
      signal: controller.signal,
      // Events emitted after the response (a handler that ignored cancellation) are dropped.
      emit: (event) => {
        if (!finished) events.push(id, event)
      },
    }

    let outcome: { ok: true; result: unknown } | { ok: false; error: SerializedError }
    try {
      outcome = { ok: true, result: await spec.run(params, request, context) }
    } catch (error) {
      // A user's mistake (a bad file, an unknown name) is answered with its message only; a bug also gets its stack logged.
      outcome = { ok: false, error: classifyError(error) }
      if (outcome.error.code === 'engine_error') log(`${name} #${id} failed: ${error instanceof Error ? error.stack : String(error)}`)
    }
    // Cancelled requests answer 'cancelled' however the handler ended, so callers see one outcome.
    if (controller.signal.aborted && !(outcome.ok === false && outcome.error.code === 'cancelled')) {
      outcome = { ok: false, error: { code: 'cancelled', message: `${name} (request ${id}) was cancelled` } }
    }
    finished = true
    inFlight.delete(id)
    if (isStopping()) return // shutdown already flushed; the process is about to exit
    events.flush()
    try {
      transport.send({ kind: 'response', id, ...outcome })
    } catch (error) {
      // e.g. a result that cannot be structured-cloned: still answer, with the reason.
      respondError(id, { code: 'engine_error', message: `${name} produced a result that cannot be sent: ${error instanceof Error ? error.message : String(error)}` })
    }
  }

  function onMessage(message: unknown): void {
    if (!isPlainObject(message) || typeof message.kind !== 'string') {
      log(`ignoring a message that is not {kind: ...}: ${describe(message)}`)
      return
    }
    switch (message.kind) {
      case 'start':
        void handleStart(message.options)
        return
      case 'request': {
        let id: number
        try {
          id = requestIdValidator(message.id, 'request.id')
        } catch (error) {
          log(`ignoring a request without a usable id: ${(error as Error).message}`)
          return
        }
        void handleRequest(id, message.method, message.params)
        return
      }
      case 'cancel':
        if (typeof message.id === 'number') inFlight.get(message.id)?.abort()
        return
      case 'shutdown':
        void stop(0)
        return
      default:
        log(`ignoring a message of unknown kind ${JSON.stringify(message.kind).slice(0, 40)}`)
    }
  }

  transport.onMessage((message) => {
    try {
      onMessage(message)
    } catch (error) {
      log(`error while handling a message: ${error instanceof Error ? error.stack : String(error)}`)
    }
  })
  transport.onDisconnect(() => {
    log('host disconnected; exiting')
    void stop(0)
  })
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value)
  } catch {
    return String(value)
  }
}

/** A handler's way to stop at a safe point: throws the 'cancelled' error when the request was cancelled. */
export function throwIfCancelled(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new StudioError('cancelled', `${what} was cancelled`)
}
