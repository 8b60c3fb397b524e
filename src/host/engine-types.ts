/**
 * How a host (Electron main, the CLI, `ligo serve`, tests) talks to the engine process.
 * The launcher hides whether the process is an Electron utilityProcess or a Node child process.
 */
import type {
  EngineMethod,
  EngineParams,
  EngineResult,
  EngineStatusEvent,
  EngineEvent,
  EngineToHost,
  HostToEngine,
} from '../shared'

/** One live engine process. */
export interface EngineChannel {
  readonly pid: number | undefined
  send(message: HostToEngine): void
  onMessage(listener: (message: EngineToHost) => void): void
  /** Called once when the process ends, for whatever reason. */
  onExit(listener: (info: { code: number | null; signal: string | null }) => void): void
  kill(): void
}

/** Starts a fresh engine process. Called again after a crash, on the next request. */
export type EngineLauncher = () => EngineChannel

export interface EngineCallOptions {
  /** Events (progress, metrics, logs) produced by this request. */
  onEvent?: (event: EngineEvent) => void
  /** Aborting sends a cancel to the engine; the call then rejects with code 'cancelled'. */
  signal?: AbortSignal
}

/** The host's handle on the engine: request/response with events, cancel, crash reporting and restart. */
export interface EngineHost {
  call<M extends EngineMethod>(method: M, params: EngineParams<M>, options?: EngineCallOptions): Promise<EngineResult<M>>
  /** starting / ready / crashed / stopped. */
  onStatus(listener: (event: EngineStatusEvent) => void): () => void
  /** Ends the engine process (graceful shutdown, then kill). */
  stop(): Promise<void>
}
