/**
 * Events that stream from the engine (through main or `ligo serve`) to the renderer and CLI.
 * They are delivered in batches (arrays) so a fast training loop cannot flood the UI.
 * A run's progress and metrics arrive as task.progress / task.metric with taskId = the run id.
 */
import type { DroppedItemReport } from './dropped'
import type { RunSummary } from './runs'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface TaskProgressEvent {
  type: 'task.progress'
  taskId: string
  /** Units done / total (steps, bytes, sizes...). */
  done: number
  total: number
  unit: string
  /** Seconds since the task started and estimated seconds left (null until an estimate exists). */
  elapsedSeconds: number
  etaSeconds: number | null
  message: string
}

export interface TaskMetricEvent {
  type: 'task.metric'
  taskId: string
  /** Named scalar values at one point (step, loss, flops, ...). */
  values: Record<string, number>
}

export interface TaskLogEvent {
  type: 'task.log'
  taskId: string | null
  level: LogLevel
  message: string
}

export interface EngineStatusEvent {
  type: 'engine.status'
  status: 'starting' | 'ready' | 'crashed' | 'stopped'
  /** For 'crashed': exit code / signal and what happens next. */
  detail: string | null
}

/** A file opened from the menu, dropped on the dock icon or passed to a second launch. */
export interface AppOpenedEvent {
  type: 'app.opened'
  report: DroppedItemReport
}

/** An opened path that could not be used (missing, unreadable). */
export interface AppErrorEvent {
  type: 'app.error'
  message: string
}

/** A run changed state (queued, running, finished, interrupted...) or moved in the queue. */
export interface RunStatusEvent {
  type: 'run.status'
  run: RunSummary
}

/** A run was deleted from the workspace. */
export interface RunRemovedEvent {
  type: 'run.removed'
  runId: string
}

/** The zoo changed (import, removal, a new grown model or checkpoint): list the models again. */
export interface LibraryChangedEvent {
  type: 'library.changed'
  reason: 'imported' | 'removed' | 'run-output' | 'workspace'
}

/** Something about the settings the user should know (a corrupt file replaced by the defaults). */
export interface SettingsNoticeEvent {
  type: 'settings.notice'
  level: 'info' | 'warn'
  message: string
}

export type EngineEvent = TaskProgressEvent | TaskMetricEvent | TaskLogEvent
export type StudioEvent = EngineEvent | EngineStatusEvent | AppOpenedEvent | AppErrorEvent | RunStatusEvent | RunRemovedEvent | LibraryChangedEvent | SettingsNoticeEvent
