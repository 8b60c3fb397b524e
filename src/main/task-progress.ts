/**
 * Running tasks as the OS shows them: the progress bar on the Dock icon (macOS), the taskbar button (Windows)
 * or the launcher entry (Linux/Unity), fed by the studio's events. Runs (train, grow, compare) report progress as
 * task.progress with the run id as taskId and say how they end with run.status (src/shared/studio-api.ts); other
 * tasks (the speed test) end when their progress reaches its total. When the engine crashes or stops, its tasks
 * are gone and the bar is removed.
 */
import type { StudioEvent } from '../shared/events'
import type { RunSummary } from '../shared/runs'

export interface FinishedTask {
  taskId: string
  elapsedSeconds: number
  /** The run's name, else the last progress message (e.g. "step 3000/3000"). */
  message: string
  /** 'failed' covers runs that failed or were interrupted; a run the user cancelled is not reported. */
  outcome: 'completed' | 'failed'
  /** failed: why, in the run's words. */
  error: string | null
}

export interface TaskProgressHandlers {
  /** Mean completed fraction of the running tasks in [0, 1], or null when none runs. */
  progress(fraction: number | null): void
  finished(task: FinishedTask): void
}

interface RunningTask {
  done: number
  total: number
  elapsedSeconds: number | null
  message: string
}

const ENDED: Partial<Record<RunSummary['status'], FinishedTask['outcome'] | null>> = { completed: 'completed', failed: 'failed', interrupted: 'failed', cancelled: null }

export class TaskProgressTracker {
  private readonly running = new Map<string, RunningTask>()
  /** Ids known to be runs: their end comes from run.status, not from progress reaching the total. */
  private readonly runs = new Set<string>()
  private shown: number | null = null

  constructor(private readonly handlers: TaskProgressHandlers) {}

  /** One batch of studio events (StudioService.onEvents). */
  handle(events: readonly StudioEvent[]): void {
    for (const event of events) {
      if (event.type === 'task.progress') this.progress(event.taskId, { done: event.done, total: event.total, elapsedSeconds: event.elapsedSeconds, message: event.message })
      else if (event.type === 'run.status') this.runStatus(event.run)
      else if (event.type === 'engine.status' && (event.status === 'crashed' || event.status === 'stopped')) this.running.clear()
    }
    this.show()
  }

  get runningTaskIds(): string[] {
    return [...this.running.keys()]
  }

  private progress(taskId: string, update: RunningTask): void {
    const previous = this.running.get(taskId)
    const task = { ...update, message: this.runs.has(taskId) && previous ? previous.message : update.message }
    if (this.runs.has(taskId) || task.total <= 0 || task.done < task.total) {
      this.running.set(taskId, task)
      return
    }
    this.running.delete(taskId)
    this.handlers.finished({ taskId, elapsedSeconds: task.elapsedSeconds ?? 0, message: task.message, outcome: 'completed', error: null })
  }

  private runStatus(run: RunSummary): void {
    this.runs.add(run.id)
    const previous = this.running.get(run.id)
    if (run.status === 'running') {
      this.running.set(run.id, { done: run.done, total: run.total, elapsedSeconds: previous?.elapsedSeconds ?? null, message: run.name })
      return
    }
    if (run.status === 'queued') return
    this.running.delete(run.id)
    this.runs.delete(run.id)
    const outcome = ENDED[run.status]
    if (!outcome) return
    // the engine's own clock when progress came in; else the run's lifetime (which includes time in the queue)
    const lifetime = (Date.parse(run.updatedAt) - Date.parse(run.createdAt)) / 1000
    const elapsedSeconds = previous?.elapsedSeconds ?? (Number.isFinite(lifetime) ? lifetime : 0)
    this.handlers.finished({ taskId: run.id, elapsedSeconds, message: run.name, outcome, error: run.error })
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
