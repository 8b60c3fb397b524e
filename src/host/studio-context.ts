/**
 * What every group of Studio API handlers (src/host/handlers/*) shares: the engine, the workspace and its
 * library, the path policy, the task registry and the event stream. StudioService builds one and hands it out.
 */
import type { StudioEvent, StudioMethod, StudioParams, StudioResult, EngineEvent } from '../shared'
import type { ModelLibrary } from '../engine/library/model-library'
import type { RunRecord } from '../engine/library/run-records'
import type { Workspace } from '../engine/library/workspace'
import type { CatalogContext } from '../engine/library/catalog'
import type { EngineHost } from './engine-types'
import type { PathPolicy } from './path-check'

/** Desktop-only abilities main supplies (native dialogs, the file manager). */
export interface DesktopHooks {
  pickFolder(purpose: 'export' | 'workspace'): Promise<string | null>
  reveal(path: string): void
}

export interface StudioContext {
  readonly host: 'desktop' | 'serve'
  readonly engine: EngineHost
  readonly policy: PathPolicy
  readonly desktop: DesktopHooks | null
  workspace(): Workspace
  library(): ModelLibrary
  /** What the zoo needs to list and describe models (library, runs, RAM). */
  catalog(): CatalogContext
  runRecords(): RunRecord[]
  emit(event: StudioEvent): void
  /**
   * Runs `work` as the caller's task: registered under taskId so cancelTask aborts its signal; events are
   * re-tagged with taskId and flushed before the result returns.
   */
  runTask<T>(taskId: string, work: (signal: AbortSignal, onEvent: (event: EngineEvent) => void) => Promise<T>): Promise<T>
}

export type Handlers<M extends StudioMethod> = { [K in M]: (params: StudioParams<K>) => Promise<StudioResult<K>> }
