/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain lines (at most one per `plainEverySeconds`)
 * when stderr is a file or a pipe, so logs stay readable.
 *
 *   [##########..........]  50/100 steps  loss 5.123  1.2k tok/s  ETA 1m05s
 */

export interface ProgressState {
  done: number
  total: number
  unit: string
  etaSeconds: number | null
  /** Short extra text (loss, throughput). */
  detail?: string
}

export interface ProgressBarOptions {
  write(text: string): void
  isTTY: boolean
  /** Terminal width; default 80. */
  columns?: number
  plainEverySeconds?: number
  now?: () => number
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

export function renderBar(state: ProgressState, width: number): string {
  const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 0
  const counts = `${String(state.done).padStart(String(state.total).length)}/${state.total} ${state.unit}`
  const tail = `${state.detail ? `  ${state.detail}` : ''}  ETA ${formatDuration(state.etaSeconds)}`
  const barWidth = Math.max(10, Math.min(30, width - counts.length - tail.length - 4))
  const filled = Math.round(fraction * barWidth)
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${counts}${tail}`
}

export class ProgressBar {
  private lastPlain = -Infinity
  private drawn = false
  private readonly now: () => number

  constructor(private readonly options: ProgressBarOptions) {
    this.now = options.now ?? (() => performance.now() / 1000)
  }

  update(state: ProgressState): void {
    const line = renderBar(state, this.options.columns ?? 80)
    if (this.options.isTTY) {
      // \r + clear-to-end-of-line redraws in place.
      this.options.write(`\r${line}\x1b[K`)
      this.drawn = true
      return
    }
    const finished = state.done >= state.total
    if (finished || this.now() - this.lastPlain >= (this.options.plainEverySeconds ?? 10)) {
      this.lastPlain = this.now()
      this.options.write(`${line}\n`)
    }
  }

  /** Ends the in-place line before other output. */
  clear(): void {
    if (this.drawn) this.options.write('\n')
    this.drawn = false
  }
}
