/**
 * The Studio API: what the renderer may ask of the app. One contract, two transports:
 * Electron IPC through the preload bridge (desktop) and WebSocket (`ligo serve`, browser).
 * Both sides validate every payload with `validateStudioParams` below.
 */
import type { DroppedItemReport } from './dropped'
import type { HardwareRecord } from './hardware'
import type { StudioEvent } from './events'
import { StudioError } from './errors'
import { array, number, object, string, type Validator } from './validate'

export interface AppInfo {
  name: string
  version: string
  /** 'desktop' inside Electron, 'serve' behind `ligo serve`. */
  host: 'desktop' | 'serve'
  /** Menu "Export" and other features appear only when they work; the renderer reads this list. */
  features: string[]
}

export interface MatmulBenchmarkResult {
  backend: string
  /** One row per square matrix size: n x n times n x n, fp32. */
  rows: Array<{ size: number; gflops: number; milliseconds: number; repeats: number }>
}

/** Task ids are chosen by the caller so it can cancel before the first response arrives. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** Request/response methods: name -> params and result types. */
export interface StudioMethods {
  getAppInfo: { params: Record<string, never>; result: AppInfo }
  getHardware: { params: Record<string, never>; result: HardwareRecord }
  /** Desktop: a path the preload obtained from a dropped File (webUtils.getPathForFile). Main checks it. */
  inspectPath: { params: { path: string }; result: DroppedItemReport }
  /** Browser: the first bytes of a dropped file (base64), its name and size. */
  inspectUpload: { params: { name: string; sizeBytes: number; headBase64: string }; result: DroppedItemReport }
  /** Measure the backend's fp32 matmul speed; reports progress, can be cancelled. */
  benchmarkMatmul: { params: { taskId: string; sizes?: number[] }; result: MatmulBenchmarkResult }
  cancelTask: { params: { taskId: string }; result: { cancelled: boolean } }
}
export type StudioMethod = keyof StudioMethods
export type StudioParams<M extends StudioMethod> = StudioMethods[M]['params']
export type StudioResult<M extends StudioMethod> = StudioMethods[M]['result']

/** Bytes of a file's start that are enough to sniff its kind (safetensors needs its 8-byte length + some JSON). */
export const SNIFF_HEAD_BYTES = 4096

const taskId = string({ pattern: TASK_ID_PATTERN })

const validators: { [M in StudioMethod]: Validator<StudioParams<M>> } = {
  getAppInfo: object({}) as Validator<Record<string, never>>,
  getHardware: object({}) as Validator<Record<string, never>>,
  inspectPath: object({ path: string({ minLength: 1, maxLength: 4096 }) }),
  inspectUpload: object({
    name: string({ minLength: 1, maxLength: 255 }),
    sizeBytes: number({ min: 0, integer: true }),
    // base64 of at most SNIFF_HEAD_BYTES bytes
    headBase64: string({ maxLength: Math.ceil(SNIFF_HEAD_BYTES / 3) * 4, pattern: /^[A-Za-z0-9+/]*={0,2}$/ }),
  }),
  benchmarkMatmul: object({
    taskId,
    sizes: (v, w) => (v === undefined ? undefined : array(number({ min: 16, max: 4096, integer: true }), { minLength: 1, maxLength: 8 })(v, w)),
  }) as Validator<StudioParams<'benchmarkMatmul'>>,
  cancelTask: object({ taskId }),
}

export const STUDIO_METHODS = Object.keys(validators) as StudioMethod[]

export function isStudioMethod(name: unknown): name is StudioMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(validators, name)
}

/** Validate a request: the method must exist and its params must match exactly. */
export function validateStudioParams<M extends StudioMethod>(method: M, params: unknown): StudioParams<M>
export function validateStudioParams(method: unknown, params: unknown): unknown
export function validateStudioParams(method: unknown, params: unknown): unknown {
  if (!isStudioMethod(method)) {
    throw new StudioError('unknown_method', `Unknown method ${JSON.stringify(method)?.slice(0, 60)}. Expected one of: ${STUDIO_METHODS.join(', ')}`)
  }
  return validators[method](params === undefined ? {} : params, `${method} params`)
}

export type Unsubscribe = () => void

/**
 * The object the preload exposes as `window.studio` (frozen). Task-named functions, no raw IPC.
 * `inspectDroppedFile` takes a DOM File; it is declared in src/preload/api.d.ts, where DOM types exist.
 */
export interface StudioBridgeBase {
  getAppInfo(): Promise<AppInfo>
  getHardware(): Promise<HardwareRecord>
  benchmarkMatmul(params: StudioParams<'benchmarkMatmul'>): Promise<MatmulBenchmarkResult>
  cancelTask(taskId: string): Promise<{ cancelled: boolean }>
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
