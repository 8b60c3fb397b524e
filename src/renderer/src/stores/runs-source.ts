/**
 * What the runs store needs from the host, as one narrow interface: the comparison methods of the Studio API
 * (shared/comparison-runs.ts) plus a change signal from the host's events. Tests give the store a fake.
 */
import type { ComparisonStartParams, ComparisonMetricsChunk, ComparisonDetail, ComparisonListItem } from '../../../shared/comparison-runs'
import type { StudioClient } from '../composables/client'

export type { ComparisonStartParams, ComparisonMetricsChunk, ComparisonDetail, ComparisonListItem, ComparisonState, ComparisonSubRun } from '../../../shared/comparison-runs'

export interface RunsSource {
  list(): Promise<ComparisonListItem[]>
  detail(id: string): Promise<ComparisonDetail>
  metrics(id: string, subRun: string, offset: number): Promise<ComparisonMetricsChunk>
  startComparison(params: ComparisonStartParams): Promise<{ id: string }>
  cancel(id: string): Promise<void>
  resume(id: string): Promise<void>
  remove(id: string): Promise<void>
  /** Something changed (progress, metrics, state): the store re-reads. */
  onChange(listener: () => void): () => void
}

/** Events of comparisons carry the comparison id as their task id (host/comparison-runs.ts). */
const isComparisonTask = (taskId: string | null) => taskId !== null && taskId.startsWith('cmp-')

export function runsSourceFor(client: StudioClient): RunsSource {
  return {
    list: () => client.listComparisons({}),
    detail: (id) => client.getComparison({ id }),
    metrics: (id, subRun, offset) => client.readComparisonMetrics({ id, subRun, offset }),
    startComparison: (params) => client.startComparison({ params }),
    cancel: async (id) => void (await client.cancelComparison({ id })),
    resume: async (id) => void (await client.resumeComparison({ id })),
    remove: async (id) => void (await client.deleteComparison({ id })),
    onChange: (listener) => client.onEvents((events) => events.some((e) => 'taskId' in e && isComparisonTask(e.taskId)) && listener()),
  }
}
