/**
 * Running tasks as the OS shows them: the progress bar on the Dock icon (macOS), the taskbar button (Windows)
 * or the launcher entry (Linux/Unity), fed by the studio's task.progress events. A task is finished when its
 * progress reaches its total; when the engine crashes or stops, its tasks are gone and the bar is removed.
 */
import type { StudioEvent, TaskProgressEvent } from '../shared/events'

export interface FinishedTask {
  taskId: string
  elapsedSeconds: number
  /** The last progress message (e.g. "step 3000/3000"). */
  message: string
  unit: string
}

export interface TaskProgressHandlers {
  /** Mean completed fraction of the running tasks in [0, 1], or null when none runs. */
  progress(fraction: number | null): void
  finished(task: FinishedTask): void
}

export class TaskProgressTracker {
  private readonly running = new Map<string, TaskProgressEvent>()
  private shown: number | null = null

  constructor(private readonly handlers: TaskProgressHandlers) {}

  /** One batch of studio events (StudioService.onEvents). */
  handle(events: readonly StudioEvent[]): void {
    for (const event of events) {
      if (event.type === 'task.progress') this.update(event)
      else if (event.type === 'engine.status' && (event.status === 'crashed' || event.status === 'stopped')) this.running.clear()
    }
    this.show()
  }

  get runningTaskIds(): string[] {
    return [...this.running.keys()]
  }

  private update(event: TaskProgressEvent): void {
    if (event.total > 0 && event.done >= event.total) {
      this.running.delete(event.taskId)
      this.handlers.finished({ taskId: event.taskId, elapsedSeconds: event.elapsedSeconds, message: event.message, unit: event.unit })
    } else {
      this.running.set(event.taskId, event)
    }
  }

  private show(): void {
    const tasks = [...this.running.values()]
    // a task without a known total counts as not started
    const fraction = tasks.length === 0 ? null : tasks.reduce((sum, t) => sum + (t.total > 0 ? Math.min(1, Math.max(0, t.done / t.total)) : 0), 0) / tasks.length
    // the OS redraws on every call: only call it when the bar moves by a visible amount
    if (fraction === this.shown || (fraction !== null && this.shown !== null && Math.abs(fraction - this.shown) < 0.001)) return
    this.shown = fraction
    this.handlers.progress(fraction)
  }
}

type ProgressWindow = { setProgressBar(progress: number): void; isDestroyed(): boolean }

/** Electron's convention: a fraction in [0, 1] shows the bar, a negative value removes it. */
export function showTaskbarProgress(window: ProgressWindow | null, fraction: number | null): void {
  if (!window || window.isDestroyed()) return
  window.setProgressBar(fraction === null ? -1 : fraction)
}
