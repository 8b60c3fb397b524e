/**
 * The Studio API (src/shared/studio-api.ts) implemented on top of the engine. One object serves both
 * transports: Electron IPC (src/main/ipc.ts) and the `ligo serve` WebSocket (src/host/serve/ws-bridge.ts).
 * Every payload is validated here, so neither transport can skip the checks.
 */
import { inspectPath as inspectCheckedPath, sniffBytes } from '../engine/io/sniff'
import {
  DEFAULT_EVENT_BATCH_MS,
  SNIFF_HEAD_BYTES,
  StudioError,
  validateStudioParams,
  type AppInfo,
  type DroppedItemReport,
  type EngineEvent,
  type MatmulBenchmarkResult,
  type StudioEvent,
  type StudioMethod,
  type StudioParams,
  type StudioResult,
} from '../shared'
import type { EngineHost } from './engine-types'
import { resolveUserPath } from './path-check'

/** Matrix sizes of the default benchmark: small enough to finish in seconds on the plain JS backend. */
export const DEFAULT_BENCHMARK_SIZES: readonly number[] = [128, 256, 512]
export const APP_NAME = 'LiGO Studio'

export interface StudioServiceOptions {
  engine: EngineHost
  host: AppInfo['host']
  version: string
  /** Optional features the renderer may show (e.g. 'export'); see AppInfo.features. */
  features?: string[]
  /** Minimum milliseconds between two event batches. */
  eventBatchMs?: number
}

type Handlers = { [M in StudioMethod]: (params: StudioParams<M>) => Promise<StudioResult<M>> }
type EventListener = (events: StudioEvent[]) => void

export class StudioService {
  private readonly engine: EngineHost
  private readonly appInfo: AppInfo
  private readonly batchMs: number
  /** Running tasks by the caller's task id; aborting one cancels its engine request. */
  private readonly tasks = new Map<string, AbortController>()
  private readonly listeners = new Set<EventListener>()
  private queue: StudioEvent[] = []
  private flushTimer: NodeJS.Timeout | null = null
  private lastFlushAt = -Infinity
  private disposed = false
  private readonly stopStatus: () => void

  private readonly handlers: Handlers = {
    getAppInfo: async () => ({ ...this.appInfo, features: [...this.appInfo.features] }),
    getHardware: () => this.engine.call('hardware', {}),
    inspectPath: ({ path }) => this.inspectLocalPath(path),
    inspectUpload: async (params) => this.inspectUpload(params),
    benchmarkMatmul: (params) => this.benchmarkMatmul(params),
    cancelTask: async ({ taskId }) => ({ cancelled: this.cancel(taskId) }),
  }

  constructor(options: StudioServiceOptions) {
    this.engine = options.engine
    this.appInfo = { name: APP_NAME, version: options.version, host: options.host, features: [...(options.features ?? [])] }
    this.batchMs = options.eventBatchMs ?? DEFAULT_EVENT_BATCH_MS
    this.stopStatus = this.engine.onStatus((event) => this.emit(event))
  }

  /** Validate and run one request. Rejects with a StudioError whose code says what went wrong. */
  async invoke(method: string, params: unknown): Promise<unknown> {
    if (this.disposed) throw new StudioError('unsupported', 'LiGO Studio is shutting down; the request was not run.')
    const valid = validateStudioParams(method, params) // throws unknown_method for a name outside the table
    const handler = this.handlers[method as StudioMethod] as (params: unknown) => Promise<unknown>
    return handler(valid)
  }

  /** Event batches (task progress, engine status, opened files); at most one batch per eventBatchMs. */
  onEvents(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** File > Open, a file dropped on the dock, a second launch: report it as app.opened or app.error. */
  async openPath(path: string): Promise<void> {
    try {
      this.emit({ type: 'app.opened', report: await this.inspectLocalPath(path) })
    } catch (error) {
      this.emit({ type: 'app.error', message: error instanceof Error ? error.message : String(error) })
    }
  }

  /** Cancels running tasks and stops delivering events. Does not stop the engine: its owner does that. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const controller of this.tasks.values()) controller.abort()
    this.tasks.clear()
    this.stopStatus()
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    this.queue = []
    this.listeners.clear()
  }

  private async inspectLocalPath(path: string): Promise<DroppedItemReport> {
    const checked = await resolveUserPath(path)
    return inspectCheckedPath(checked.path, checked.stat)
  }

  private inspectUpload({ name, sizeBytes, headBase64 }: StudioParams<'inspectUpload'>): DroppedItemReport {
    if (/[/\\]/.test(name) || name === '.' || name === '..') {
      throw new StudioError('invalid_request', `Invalid request: inspectUpload params.name must be a bare file name, got "${name}"`)
    }
    const head = Buffer.from(headBase64, 'base64')
    if (head.length > SNIFF_HEAD_BYTES) {
      throw new StudioError('invalid_request', `Invalid request: inspectUpload params.headBase64 holds ${head.length} bytes, at most ${SNIFF_HEAD_BYTES} are read`)
    }
    if (head.length > sizeBytes) {
      throw new StudioError('invalid_request', `Invalid request: inspectUpload params.headBase64 holds ${head.length} bytes but sizeBytes is ${sizeBytes}`)
    }
    const { kind, detail } = sniffBytes(name, sizeBytes, head)
    return { path: name, name, isDirectory: false, sizeBytes, kind, detail, source: 'upload' }
  }

  private async benchmarkMatmul({ taskId, sizes }: StudioParams<'benchmarkMatmul'>): Promise<MatmulBenchmarkResult> {
    if (this.tasks.has(taskId)) {
      throw new StudioError('invalid_request', `Task "${taskId}" is already running; cancel it or use another task id.`)
    }
    const controller = new AbortController()
    this.tasks.set(taskId, controller)
    try {
      return await this.engine.call(
        'benchmarkMatmul',
        { sizes: sizes ?? [...DEFAULT_BENCHMARK_SIZES] },
        // The engine tags events with its own request id; the caller knows the task by its own id.
        { signal: controller.signal, onEvent: (event) => this.emit(retag(event, taskId)) },
      )
    } finally {
      if (this.tasks.get(taskId) === controller) this.tasks.delete(taskId)
      // Progress of a task goes out before its response.
      this.flush()
    }
  }

  private cancel(taskId: string): boolean {
    const controller = this.tasks.get(taskId)
    if (!controller) return false
    this.tasks.delete(taskId)
    controller.abort()
    return true
  }

  private emit(event: StudioEvent): void {
    if (this.disposed) return
    this.queue.push(event)
    if (this.flushTimer) return
    // The first event after a quiet spell leaves on the next tick; later ones wait out the interval.
    const wait = Math.max(0, this.lastFlushAt + this.batchMs - Date.now())
    this.flushTimer = setTimeout(() => this.flush(), wait)
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    if (this.queue.length === 0) return
    const batch = this.queue
    this.queue = []
    this.lastFlushAt = Date.now()
    for (const listener of this.listeners) {
      try {
        listener(batch)
      } catch {
        // one broken subscriber (a closed socket) must not stop the others
      }
    }
  }
}

function retag(event: EngineEvent, taskId: string): EngineEvent {
  return { ...event, taskId } as EngineEvent
}
