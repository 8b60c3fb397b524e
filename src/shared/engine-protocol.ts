/**
 * Messages between the host (Electron main, `ligo` CLI, `ligo serve`, tests) and the engine process
 * (an Electron utilityProcess in the app, a Node child process elsewhere). Structured-clone friendly.
 *
 *   host -> engine: request | cancel | shutdown
 *   engine -> host: ready | response | events (batched)
 */
import type { SerializedError } from './errors'
import type { EngineEvent } from './events'
import type { HardwareRecord, BackendName } from './hardware'
import type { MatmulBenchmarkResult } from './studio-api'
import type { TrainParams, TrainResult } from './train'
import type { CompareParams, CompareResult, GrowParams, GrowResult } from './growth'
import type { CheckpointForwardInput, CheckpointForwardResult } from './checkpoint'

/** Engine methods: name -> params and result. Later issues add train, grow, compare, export... */
export interface EngineMethods {
  /** The backend record; the engine picks its backend once, at start. */
  hardware: { params: Record<string, never>; result: HardwareRecord }
  benchmarkMatmul: { params: { sizes: number[] }; result: MatmulBenchmarkResult }
  /** Liveness check, answers with the engine's pid. */
  ping: { params: Record<string, never>; result: { pid: number } }
  /** Forward pass of a checkpoint on HuggingFace-named inputs (`ligo forward`). */
  checkpointForward: { params: { checkpoint: string; input: CheckpointForwardInput }; result: CheckpointForwardResult }
  /** A training run with its run folder (`ligo train`); progress and metric events while it runs. */
  train: { params: TrainParams; result: TrainResult }
  /** Grow a checkpoint with a named method, LiGO's operator training included (`ligo grow`). */
  grow: { params: GrowParams; result: GrowResult }
  /** Train every method's large model under one budget and report the savings (`ligo compare`); resumable. */
  compare: { params: CompareParams; result: CompareResult }
}
export type EngineMethod = keyof EngineMethods
export type EngineParams<M extends EngineMethod> = EngineMethods[M]['params']
export type EngineResult<M extends EngineMethod> = EngineMethods[M]['result']

export interface EngineStartOptions {
  /** Forced backend (from a setting or LIGO_BACKEND); null = automatic fallback. */
  backend: BackendName | null
  /** Where the forced backend came from, for the record. */
  backendSource: 'setting' | 'environment' | null
  /** Minimum milliseconds between event batches sent to the host. */
  eventBatchMs: number
}

export type HostToEngine =
  | { kind: 'start'; options: EngineStartOptions }
  | { kind: 'request'; id: number; method: EngineMethod; params: unknown }
  | { kind: 'cancel'; id: number }
  | { kind: 'shutdown' }

export type EngineToHost =
  | { kind: 'ready'; pid: number; backend: BackendName }
  | { kind: 'start-failed'; error: SerializedError }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: SerializedError }
  /** Batched events; each carries the id of the request that produced it. */
  | { kind: 'events'; events: Array<{ requestId: number; event: EngineEvent }> }

/** Default event batching interval: ~10 batches a second keeps charts live without flooding IPC. */
export const DEFAULT_EVENT_BATCH_MS = 100

/** Environment variable that forces a backend, e.g. LIGO_BACKEND=wasm. */
export const BACKEND_ENV_VAR = 'LIGO_BACKEND'
