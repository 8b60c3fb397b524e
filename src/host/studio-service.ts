/**
 * The Studio API (src/shared/studio-api.ts) implemented on top of the engine. One object serves both
 * transports: Electron IPC (src/main/ipc.ts) and the `ligo serve` WebSocket (src/host/serve/ws-bridge.ts).
 * Every payload is validated here, so neither transport can skip the checks. The handlers live by domain in
 * ./handlers; this file owns the shared parts: tasks, events, the workspace and its library.
 */
import { totalmem } from 'node:os'
import { inspectPath as inspectCheckedPath, sniffBytes } from '../engine/io/sniff'
import { classifyError } from '../engine/runtime/input-errors'
import type { CatalogContext } from '../engine/library/catalog'
import { ModelLibrary } from '../engine/library/model-library'
import { listRunRecords } from '../engine/library/run-records'
import { defaultWorkspaceDir, openWorkspace, type Workspace } from '../engine/library/workspace'
import {
  DEFAULT_EVENT_BATCH_MS,
  DEFAULT_MAX_UPLOAD_BYTES,
  SNIFF_HEAD_BYTES,
  StudioError,
  validateStudioParams,
  type AppInfo,
  type DroppedItemReport,
  type FileKind,
  type ImportOutcome,
  type EngineEvent,
  type MatmulBenchmarkResult,
  type Settings,
  type StudioEvent,
  type StudioMethod,
  type StudioParams,
} from '../shared'
import type { EngineHost } from './engine-types'
import { createDesignHandlers } from './handlers/design-handlers'
import { createExportHandlers } from './handlers/export-handlers'
import { createModelHandlers } from './handlers/model-handlers'
import { createRunHandlers } from './handlers/run-handlers'
import { RunQueue } from './run-queue'
import { createSettingsHandlers } from './handlers/settings-handlers'
import { createUploadHandlers, type UploadHandlers } from './handlers/upload-handlers'
import { PathPolicy, resolveUserPath } from './path-check'
import { SettingsStore } from './settings-store'
import type { DesktopHooks, Handlers, StudioContext } from './studio-context'

/** Matrix sizes of the default benchmark: small enough to finish in seconds on the plain JS backend. */
export const DEFAULT_BENCHMARK_SIZES: readonly number[] = [128, 256, 512]
/** Sniffed kinds that File > Open, "open with" and a second launch import into the library (the rest are shown only). */
const OPENED_CHECKPOINT_KINDS: ReadonlySet<FileKind> = new Set<FileKind>(['safetensors', 'safetensors-index', 'pytorch-zip', 'hf-checkpoint-folder'])
export const APP_NAME = 'LiGO Studio'

export interface StudioServiceOptions {
  engine: EngineHost
  host: AppInfo['host']
  version: string
  /** Optional features the renderer may show (e.g. 'export'); see AppInfo.features. */
  features?: string[]
  /** Minimum milliseconds between two event batches. */
  eventBatchMs?: number
  /**
   * The workspace folder when the settings name none: desktop passes the user-data folder, `ligo serve` its
   * --workspace. Default: defaultWorkspaceDir() (LIGO_WORKSPACE or ~/.ligo-studio). Opened on first use.
   */
  workspaceDir?: string
  /** The settings file; default: settings.json in the workspace folder. */
  settings?: SettingsStore
  /** `ligo serve --max-upload` (bytes). */
  maxUploadBytes?: number
  /** The OS locale, for the 'system' language. Default: the Intl locale of this process. */
  systemLocale?: string
  /** Folder of the built-in seeds (tests); default: found next to the app. */
  seedsDir?: string
  desktop?: DesktopHooks
  /** Settings changed (after the file was written); the desktop applies the backend on the engine's next start. */
  onSettingsChanged?(settings: Settings, changed: string[]): void
}

type AllHandlers = Handlers<StudioMethod>
type EventListener = (events: StudioEvent[]) => void

export class StudioService {
  private readonly engine: EngineHost
  private readonly appInfo: Omit<AppInfo, 'workspace'>
  private readonly batchMs: number
  /** Running tasks by the caller's task id; aborting one cancels its engine request. */
  private readonly tasks = new Map<string, AbortController>()
  private readonly listeners = new Set<EventListener>()
  private queue: StudioEvent[] = []
  private flushTimer: NodeJS.Timeout | null = null
  private lastFlushAt = -Infinity
  private disposed = false
  private readonly stopStatus: () => void
  private readonly options: StudioServiceOptions
  private opened: { workspace: Workspace; library: ModelLibrary; runs: RunQueue } | null = null
  private settingsStore: SettingsStore | null
  /** A corrupt settings file is reported once, when the settings are first read. */
  private settingsNoticeSent = false
  readonly context: StudioContext
  private readonly uploads: UploadHandlers
  private readonly handlers: AllHandlers

  constructor(options: StudioServiceOptions) {
    this.options = options
    this.engine = options.engine
    this.appInfo = {
      name: APP_NAME,
      version: options.version,
      host: options.host,
      features: [...(options.features ?? [])],
      systemLocale: options.systemLocale ?? Intl.DateTimeFormat().resolvedOptions().locale,
      maxUploadBytes: options.host === 'serve' ? (options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES) : null,
    }
    this.batchMs = options.eventBatchMs ?? DEFAULT_EVENT_BATCH_MS
    this.settingsStore = options.settings ?? null
    this.stopStatus = this.engine.onStatus((event) => this.emit(event))
    this.context = this.createContext()
    this.uploads = createUploadHandlers(this.context, this.appInfo.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES)
    const { dispose: _dispose, ...uploadHandlers } = this.uploads
    this.handlers = {
      getAppInfo: async () => ({ ...this.appInfo, features: [...this.appInfo.features], workspace: this.workspace().root }),
      getHardware: () => this.engine.call('hardware', {}),
      // Behind `ligo serve` only inside the workspace: a report (kind, size, config) tells about a file too.
      inspectPath: async ({ path }) => {
        const checked = await this.context.policy.checkReadable(path)
        return inspectCheckedPath(checked.path, checked.stat)
      },
      inspectUpload: async (params) => this.inspectUpload(params),
      benchmarkMatmul: (params) => this.benchmarkMatmul(params),
      cancelTask: async ({ taskId }) => ({ cancelled: this.cancel(taskId) }),
      ...createModelHandlers(this.context),
      ...createRunHandlers(this.context, () => this.runs()),
      ...uploadHandlers,
      ...createSettingsHandlers(this.context, () => this.settings(), (settings, changed) => this.settingsChanged(settings, changed)),
      ...createExportHandlers(this.context),
      pickFolder: async ({ purpose }) => {
        if (!options.desktop) throw new StudioError('unsupported', 'Folder dialogs exist in the desktop app only; in the browser, exports go to the workspace')
        const path = await options.desktop.pickFolder(purpose)
        if (path !== null) await this.context.policy.grant(path)
        return { path }
      },
      ...createDesignHandlers(this.context),
    }
  }

  /** Validate and run one request. Rejects with a StudioError whose code says what went wrong. */
  async invoke(method: string, params: unknown): Promise<unknown> {
    if (this.disposed) throw new StudioError('unsupported', 'LiGO Studio is shutting down; the request was not run.')
    const valid = validateStudioParams(method, params) // throws unknown_method for a name outside the table
    const handler = this.handlers[method as StudioMethod] as (params: unknown) => Promise<unknown>
    try {
      return await handler(valid)
    } catch (error) {
      // Engine code also runs here (headers, config files, exports): its input errors and a missing or forbidden
      // path get their code from the error table (shared/error-table.ts), as they would from the engine process.
      if (error instanceof StudioError) throw error
      const { code, message } = classifyError(error)
      throw new StudioError(code, message)
    }
  }

  /** Event batches (task progress, engine status, opened files); at most one batch per eventBatchMs. */
  onEvents(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** File > Open, a file dropped on the dock, a second launch: report it as app.opened or app.error. */
  async openPath(path: string): Promise<void> {
    try {
      const report = await this.inspectLocalPath(path)
      this.emit({ type: 'app.opened', report })
      if (!OPENED_CHECKPOINT_KINDS.has(report.kind)) return
      // A checkpoint opened from the OS or the menu joins the library, as a drop does. The user chose it, so the
      // host grants the path (the renderer never names it).
      await this.context.policy.grant(report.path)
      const [outcome] = (await this.handlers.importPaths({ paths: [report.path] })) as ImportOutcome[]
      if (!outcome.ok) this.emit({ type: 'app.error', message: outcome.error.message })
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
    this.opened?.runs.stop()
    void this.uploads.dispose()
    this.stopStatus()
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    this.queue = []
    this.listeners.clear()
  }

  /** The settings store: the one given, else settings.json in the workspace folder. */
  settings(): SettingsStore {
    const store = (this.settingsStore ??= new SettingsStore(this.options.workspaceDir ?? defaultWorkspaceDir()))
    if (!this.settingsNoticeSent) {
      this.settingsNoticeSent = true
      if (store.loadNotice) this.emit({ type: 'settings.notice', level: 'warn', message: store.loadNotice })
    }
    return store
  }

  /** The workspace in use: the settings' folder, else the default; reopened when the setting changes. */
  workspace(): Workspace {
    return this.open().workspace
  }

  /** The run queue of the workspace in use. */
  runs(): RunQueue {
    return this.open().runs
  }

  private open(): { workspace: Workspace; library: ModelLibrary; runs: RunQueue } {
    const root = this.settings().get().workspace ?? this.options.workspaceDir ?? defaultWorkspaceDir()
    if (this.opened?.workspace.root !== root) {
      const workspace = openWorkspace(root)
      const library = new ModelLibrary(workspace)
      if (library.loadNotice) this.emit({ type: 'app.error', message: library.loadNotice })
      this.opened?.runs.stop()
      this.opened = { workspace, library, runs: new RunQueue(this.context) }
    }
    return this.opened
  }

  private settingsChanged(settings: Settings, changed: string[]): void {
    this.options.onSettingsChanged?.(settings, changed)
  }

  private createContext(): StudioContext {
    const self = this
    return {
      host: this.options.host,
      engine: this.engine,
      policy: new PathPolicy(this.options.host, () => self.workspace().root),
      desktop: this.options.desktop ?? null,
      workspace: () => self.workspace(),
      library: () => self.open().library,
      runRecords: () => listRunRecords(self.workspace().runs),
      catalog: (): CatalogContext => {
        const { workspace, library } = self.open()
        return { workspace, library: library.entries, runs: listRunRecords(workspace.runs), seedsDir: self.options.seedsDir, availableBytes: totalmem() }
      },
      emit: (event) => self.emit(event),
      runTask: (taskId, work) => self.runTask(taskId, work),
    }
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

  private benchmarkMatmul({ taskId, sizes }: StudioParams<'benchmarkMatmul'>): Promise<MatmulBenchmarkResult> {
    return this.runTask(taskId, (signal, onEvent) => this.engine.call('benchmarkMatmul', { sizes: sizes ?? [...DEFAULT_BENCHMARK_SIZES] }, { signal, onEvent }))
  }

  private async runTask<T>(taskId: string, work: (signal: AbortSignal, onEvent: (event: EngineEvent) => void) => Promise<T>): Promise<T> {
    if (this.tasks.has(taskId)) {
      throw new StudioError('invalid_request', `Task "${taskId}" is already running; cancel it or use another task id.`)
    }
    const controller = new AbortController()
    this.tasks.set(taskId, controller)
    try {
      // The engine tags events with its own request id; the caller knows the task by its own id.
      return await work(controller.signal, (event) => this.emit(retag(event, taskId)))
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
