/**
 * Events that stream from the engine (through main or `ligo serve`) to the renderer and CLI.
 * They are delivered in batches (arrays) so a fast training loop cannot flood the UI.
 */
import type { DroppedItemReport } from './dropped'

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

export type EngineEvent = TaskProgressEvent | TaskMetricEvent | TaskLogEvent
export type StudioEvent = EngineEvent | EngineStatusEvent | AppOpenedEvent | AppErrorEvent
