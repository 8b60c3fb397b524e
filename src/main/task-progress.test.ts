// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { StudioEvent, TaskProgressEvent } from '../shared/events'
import type { RunSummary } from '../shared/runs'
import { FakeBrowserWindow, asElectron, createFakeElectron } from './test-utils/fake-electron'
import { TaskProgressTracker, showTaskbarProgress, type FinishedTask } from './task-progress'

const progress = (taskId: string, done: number, total: number, elapsedSeconds = 10): TaskProgressEvent => ({
  type: 'task.progress', taskId, done, total, unit: 'steps', elapsedSeconds, etaSeconds: null, message: `step ${done}/${total}`,
})

function tracker() {
  const shown: Array<number | null> = []
  const finished: FinishedTask[] = []
  const t = new TaskProgressTracker({ progress: (f) => shown.push(f), finished: (task) => finished.push(task) })
  return { t, shown, finished }
}

describe('TaskProgressTracker', () => {
  it("shows a running comparison's fraction done and removes the bar when it finishes", () => {
    const { t, shown, finished } = tracker()
    t.handle([progress('cmp', 0, 300)])
    t.handle([progress('cmp', 75, 300), progress('cmp', 150, 300)])
    t.handle([progress('cmp', 300, 300, 754)])
    expect(shown).toEqual([0, 0.5, null])
    expect(finished).toEqual([{ taskId: 'cmp', elapsedSeconds: 754, message: 'step 300/300', outcome: 'completed', error: null }])
    expect(t.runningTaskIds).toEqual([])
  })

  it('averages tasks running together, and does not redraw for changes below 0.1 %', () => {
    const { t, shown } = tracker()
    t.handle([progress('a', 1, 4), progress('b', 3, 4)])
    t.handle([progress('a', 10_001, 40_000)])
    t.handle([progress('b', 1, 1)])
    expect(shown).toEqual([0.5, 0.250025])
  })

  it('clears every task when the engine crashes or stops, without reporting them finished', () => {
    for (const status of ['crashed', 'stopped'] as const) {
      const { t, shown, finished } = tracker()
      t.handle([progress('run', 5, 10)])
      const crash: StudioEvent = { type: 'engine.status', status, detail: null }
      t.handle([crash])
      expect([shown, finished, t.runningTaskIds]).toEqual([[0.5, null], [], []])
    }
  })

  it('ignores other events and counts a task without a total as not started', () => {
    const { t, shown, finished } = tracker()
    t.handle([{ type: 'task.log', taskId: 'x', level: 'info', message: 'hello' }])
    t.handle([progress('x', 0, 0)])
    expect([shown, finished]).toEqual([[0], []])
  })
})

const runStatus = (status: RunSummary['status'], extra: Partial<RunSummary> = {}): StudioEvent => ({
  type: 'run.status',
  run: {
    id: 'run-7', kind: 'compare', name: 'bert-moby → bert-base', status, createdAt: '2026-12-02T07:00:00Z', updatedAt: '2026-12-02T07:30:00Z',
    model: 'seed:bert-moby', target: 'bert-base', method: 'ligo,scratch', done: 0, total: 300, unit: 'steps', etaSeconds: null, lastCheckpointStep: null, error: null, queuePosition: null, ...extra,
  },
})

describe('TaskProgressTracker with runs', () => {
  it('shows a run from its start, ends it at run.status completed (not when progress reaches the total) and reports it once', () => {
    const { t, shown, finished } = tracker()
    t.handle([runStatus('queued', { queuePosition: 0 })])
    t.handle([runStatus('running')])
    t.handle([progress('run-7', 150, 300, 400)])
    t.handle([progress('run-7', 300, 300, 800)])
    expect([shown, finished]).toEqual([[0, 0.5, 1], []])
    t.handle([runStatus('completed', { done: 300 })])
    expect(shown).toEqual([0, 0.5, 1, null])
    expect(finished).toEqual([{ taskId: 'run-7', elapsedSeconds: 800, message: 'bert-moby → bert-base', outcome: 'completed', error: null }])
  })

  it('reports failed and interrupted runs as failed with their reason, and a cancelled one not at all', () => {
    for (const [status, outcome] of [['failed', 'failed'], ['interrupted', 'failed'], ['cancelled', null]] as const) {
      const { t, shown, finished } = tracker()
      t.handle([runStatus('running', { done: 30 })])
      t.handle([runStatus(status, { error: status === 'cancelled' ? null : 'engine crashed' })])
      expect(shown).toEqual([0.1, null])
      // no progress event came in: the run's lifetime stands in for its duration (30 min)
      expect(finished).toEqual(outcome ? [{ taskId: 'run-7', elapsedSeconds: 1800, message: 'bert-moby → bert-base', outcome, error: 'engine crashed' }] : [])
    }
  })
})

describe('showTaskbarProgress', () => {
  it('sets the fraction, -1 to remove the bar, and leaves a closed window alone', () => {
    createFakeElectron()
    const window = new FakeBrowserWindow()
    showTaskbarProgress(asElectron(window), 0.25)
    showTaskbarProgress(asElectron(window), null)
    window.destroyed = true
    showTaskbarProgress(asElectron(window), 0.5)
    showTaskbarProgress(null, 0.5)
    expect(window.progress).toEqual([{ value: 0.25 }, { value: -1 }])
  })
})
