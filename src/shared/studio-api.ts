/**
 * The Studio API: what the renderer may ask of the app. One contract, two transports:
 * Electron IPC through the preload bridge (desktop) and WebSocket (`ligo serve`, browser).
 * Both sides validate every payload with `validateStudioParams` (validators in ./studio-validators.ts).
 *
 * Long calls are tasks: the caller picks a taskId, receives task.progress / task.metric / task.log events with it,
 * and may cancelTask(taskId). Runs (train, grow, compare) are queued jobs that outlive a window: their events carry
 * the run id as taskId, and run.status events say when they start, finish or stop.
 */
import type { CheckpointForwardInput, CheckpointForwardResult } from './checkpoint'
import type { DroppedItemReport } from './dropped'
import type { ExportOutcome, ExportPlan, ExportRequest } from './export'
import type { HardwareRecord } from './hardware'
import type { StudioEvent } from './events'
import type { ImportOutcome, ModelDetail, ModelId, ModelQuery, ModelSummary } from './models'
import type { DatasetInfo, RunDetail, RunMetricsChunk, RunSummary, StartCompareParams, StartGrowParams, StartTrainParams } from './runs'
import type { Settings, SettingsPatch, SettingsUpdate } from './settings'
import type { UploadProgress, UploadStart } from './upload'
import type { DesignGrowthParams, DesignGrowthResult, GrowthOperatorParams, GrowthOperatorResult } from './growth-design'

export interface AppInfo {
  name: string
  version: string
  /** 'desktop' inside Electron, 'serve' behind `ligo serve`. */
  host: 'desktop' | 'serve'
  /** Menu "Export" and other features appear only when they work; the renderer reads this list. */
  features: string[]
  /** The workspace folder in use (library, runs, exports, uploads). */
  workspace: string
  /** The OS locale (BCP 47, e.g. "vi-VN"), for the 'system' language setting. */
  systemLocale: string
  /** Largest upload `ligo serve` accepts (bytes); null on desktop, which imports by reference. */
  maxUploadBytes: number | null
}

export interface MatmulBenchmarkResult {
  backend: string
  /** What the timed products ran on: the native addon's BLAS or the TF.js backend's own kernel. */
  path: 'native' | 'backend'
  /** One row per square matrix size: n x n times n x n, fp32. */
  rows: Array<{ size: number; gflops: number; milliseconds: number; repeats: number }>
}

/** A growth method the designer can pick (engine/growth registry), with its settings schema when it has one. */
export interface GrowthMethodInfo {
  name: string
  label: string
  /** The paper and section it follows. */
  paper: string
  grows: { depth: boolean; width: boolean }
  functionPreserving: 'exact' | 'approximate' | 'no' | 'n/a'
  /** Whether it trains an operator before the large model (LiGO). */
  trainsOperator: boolean
  /** Settings the method takes (JSON-schema-like descriptors); [] until the registry declares them. */
  settings: GrowthSettingDescriptor[]
}

export interface GrowthSettingDescriptor {
  name: string
  type: 'number' | 'integer' | 'boolean' | 'choice'
  default: number | boolean | string
  min?: number
  max?: number
  choices?: string[]
  description: string
}

type NoParams = Record<string, never>

/** Request/response methods: name -> params and result types. */
export interface StudioMethods {
  getAppInfo: { params: NoParams; result: AppInfo }
  getHardware: { params: NoParams; result: HardwareRecord }
  /** Desktop: a path the preload obtained from a dropped File (webUtils.getPathForFile). Main checks it. */
  inspectPath: { params: { path: string }; result: DroppedItemReport }
  /** Browser: the first bytes of a dropped file (base64), its name and size. */
  inspectUpload: { params: { name: string; sizeBytes: number; headBase64: string }; result: DroppedItemReport }
  /** Measure fp32 matmul speed on the path training uses; reports progress, can be cancelled. */
  benchmarkMatmul: { params: { taskId: string; sizes?: number[] }; result: MatmulBenchmarkResult }
  cancelTask: { params: { taskId: string }; result: { cancelled: boolean } }

  // Model zoo
  listModels: { params: { query?: ModelQuery }; result: ModelSummary[] }
  getModel: { params: { id: ModelId }; result: ModelDetail }
  /** Desktop: import dropped / picked files and folders by reference. One outcome per path, in order. */
  importPaths: { params: { paths: string[] }; result: ImportOutcome[] }
  /** Serve: start a chunked upload of one file into the workspace. */
  beginUpload: { params: { name: string; sizeBytes: number }; result: UploadStart }
  /** Chunks arrive in order; offset must equal the bytes received so far. */
  uploadChunk: { params: { uploadId: string; offset: number; dataBase64: string }; result: UploadProgress }
  /** All bytes received: import the file (a bad file is deleted again and its error returned). */
  finishUpload: { params: { uploadId: string }; result: ImportOutcome }
  cancelUpload: { params: { uploadId: string }; result: { cancelled: boolean } }
  /** Forget a library entry. Deletes a file only if it was uploaded into the workspace, never one imported by reference. */
  removeModel: { params: { id: ModelId }; result: { removed: boolean; deletedFiles: string[] } }
  /** Desktop: show the model's file or folder in the OS file manager. */
  revealModel: { params: { id: ModelId }; result: { revealed: boolean } }

  // Export
  planExport: { params: ExportRequest; result: ExportPlan }
  exportModel: { params: ExportRequest & { taskId: string; overwrite?: boolean }; result: ExportOutcome }
  /** Desktop: a native folder dialog; the chosen folder becomes a valid destination. null when dismissed. */
  pickFolder: { params: { purpose: 'export' | 'workspace' }; result: { path: string | null } }

  // Growth designer, training, comparison
  listGrowthMethods: { params: NoParams; result: GrowthMethodInfo[] }
  /** Before -> after figures, rules, quick picks and methods of a designed growth (shared/growth-design/contract.ts). */
  designGrowth: { params: DesignGrowthParams; result: DesignGrowthResult }
  /** A growth operator as matrices: a method's initial values or a grown model's learned LiGO operator. */
  growthOperator: { params: GrowthOperatorParams; result: GrowthOperatorResult }
  startTrain: { params: StartTrainParams; result: RunSummary }
  startGrow: { params: StartGrowParams; result: RunSummary }
  startCompare: { params: StartCompareParams; result: RunSummary }
  /** Forward pass of any zoo model on HuggingFace-named inputs; a task. */
  forward: { params: { taskId: string; model: ModelId; input: CheckpointForwardInput }; result: CheckpointForwardResult }

  // Runs (one queue for every kind: train, grow, compare)
  /** The built-in datasets (a training run's `data` may also be a path the user chose). */
  listDatasets: { params: NoParams; result: DatasetInfo[] }
  listRuns: { params: NoParams; result: RunSummary[] }
  getRun: { params: { runId: string }; result: RunDetail }
  /** Metrics lines from a byte offset (0 = from the start); `series` picks a comparison's method-and-seed log (RunDetail.series). */
  readRunMetrics: { params: { runId: string; fromOffset: number; series?: string }; result: RunMetricsChunk }
  /** A running run stops at its next step with a checkpoint; a queued one leaves the queue. */
  cancelRun: { params: { runId: string }; result: RunSummary }
  /** Queue an interrupted / cancelled / failed run again from its last checkpoint; `steps` extends a training run. */
  resumeRun: { params: { runId: string; steps?: number }; result: RunSummary }
  /** Delete a run folder (only inside the workspace; not while it runs). */
  deleteRun: { params: { runId: string }; result: { deleted: boolean } }

  // Settings
  getSettings: { params: NoParams; result: Settings }
  updateSettings: { params: { patch: SettingsPatch }; result: SettingsUpdate }
}
export type StudioMethod = keyof StudioMethods
export type StudioParams<M extends StudioMethod> = StudioMethods[M]['params']
export type StudioResult<M extends StudioMethod> = StudioMethods[M]['result']

/** One function per method taking its params object (optional when the method takes none). */
export type StudioCalls = {
  [M in StudioMethod]: NoParams extends StudioParams<M>
    ? (params?: StudioParams<M>) => Promise<StudioResult<M>>
    : (params: StudioParams<M>) => Promise<StudioResult<M>>
}

export type Unsubscribe = () => void

/**
 * The object the preload exposes as `window.studio` (frozen): one function per Studio method plus onEvents.
 * The functions that take DOM Files are declared in src/preload/api.d.ts, where DOM types exist.
 */
export interface StudioBridgeBase extends StudioCalls {
  /** Receive event batches; returns a function that stops the subscription. */
  onEvents(listener: (events: StudioEvent[]) => void): Unsubscribe
}

/** IPC channel names (desktop). One invoke channel per method, one event channel. */
export const IPC_INVOKE_PREFIX = 'studio:'
export const IPC_EVENTS_CHANNEL = 'studio:events'

/** WebSocket frames of `ligo serve` (browser). */
export type WsClientFrame = { kind: 'request'; id: number; method: string; params: unknown }
export type WsServerFrame =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: { code: string; message: string } }
  | { kind: 'events'; events: StudioEvent[] }

export { SNIFF_HEAD_BYTES, STUDIO_METHODS, TASK_ID_PATTERN, isStudioMethod, validateStudioParams } from './studio-validators'
