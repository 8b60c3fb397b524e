/**
 * What the runs store needs from the host, as one narrow interface: the runs methods of the Studio API (one queue
 * for every kind, shared/runs.ts) plus a change signal from the host's events. Tests give the store a fake.
 */
import type { StudioEvent } from '../../../shared/events'
import { OWN_SERIES, type DatasetInfo, type RunDetail, type RunMetricsChunk, type RunSummary, type StartCompareParams, type StartTrainParams } from '../../../shared/runs'
import type { StudioClient } from '../composables/client'

export type { DatasetInfo, RunDetail, RunKind, RunMetricsChunk, RunSeries, RunStatus, RunSummary, StartCompareParams, StartTrainParams } from '../../../shared/runs'

export interface RunsSource {
  list(): Promise<RunSummary[]>
  detail(id: string): Promise<RunDetail>
  /** A series' metrics from a byte offset (series OWN_SERIES: a training run's own log). */
  metrics(id: string, series: string, offset: number): Promise<RunMetricsChunk>
  startTrain(params: StartTrainParams): Promise<RunSummary>
  startCompare(params: StartCompareParams): Promise<RunSummary>
  datasets(): Promise<DatasetInfo[]>
  cancel(id: string): Promise<void>
  /** `steps`: a training run continues up to this step (more than it has done). */
  resume(id: string, steps?: number): Promise<void>
  remove(id: string): Promise<void>
  /** Something changed (progress, metrics, state, a run added or removed): the store re-reads. */
  onChange(listener: () => void): () => void
}

/** Events of a run carry the run id as their task id (host/run-queue.ts); run.status / run.removed name it. */
export function concernsRuns(events: readonly StudioEvent[], isRun: (taskId: string) => boolean): boolean {
  return events.some((e) => e.type === 'run.status' || e.type === 'run.removed' || ('taskId' in e && typeof e.taskId === 'string' && isRun(e.taskId)))
}

export function runsSourceFor(client: StudioClient, isRun: (taskId: string) => boolean): RunsSource {
  return {
    list: () => client.listRuns({}),
    detail: (runId) => client.getRun({ runId }),
    metrics: (runId, series, fromOffset) => client.readRunMetrics(series === OWN_SERIES ? { runId, fromOffset } : { runId, fromOffset, series }),
    startTrain: (params) => client.startTrain(params),
    startCompare: (params) => client.startCompare(params),
    datasets: () => client.listDatasets({}),
    cancel: async (runId) => void (await client.cancelRun({ runId })),
    resume: async (runId, steps) => void (await client.resumeRun(steps === undefined ? { runId } : { runId, steps })),
    remove: async (runId) => void (await client.deleteRun({ runId })),
    onChange: (listener) => client.onEvents((events) => concernsRuns(events, isRun) && listener()),
  }
}
