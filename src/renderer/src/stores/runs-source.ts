/**
 * What the runs view needs from the host, as one narrow interface. The store speaks only to this; runs-client.ts
 * implements it on the Studio API client (listRuns, getRun, readRunMetrics, cancelRun, resumeRun, deleteRun and the
 * compare task), tests on a fake. A comparison is one run of the list whose detail holds one sub-run per method and
 * seed (engine/experiments/README.md, "Experiment folder").
 */
import type { CompareParams, ComparisonReport } from '../../../shared/growth'
import type { InitialPoint } from '../../../shared/metrics/run-points'
import type { MetricRecord } from '../../../shared/train'

export type RunState = 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | 'cancelled'

export interface RunListItem {
  id: string
  kind: 'compare' | 'train'
  /** "bert-moby → 4L/192H, ligo vs scratch". */
  name: string
  state: RunState
  /** Progress over the whole run (every method and seed of a comparison). */
  done: number
  total: number
  unit: string
  etaSeconds: number | null
  /** "120 of 300 steps", "2.1e12 of 3.4e12 FLOPs". */
  budgetUsed: string | null
  createdAt: string
  error: string | null
}

export interface SubRun {
  /** "ligo-seed0". */
  key: string
  method: string
  seed: number
  status: 'pending' | 'running' | 'done' | 'skipped'
  initial: InitialPoint | null
  createdAt: string | null
}

export interface RunDetail {
  item: RunListItem
  /** The large model's family (the paper pair of the headline). */
  family: string | null
  /** Settings, hardware and backend as label/value pairs (already in words). */
  facts: Array<[string, string]>
  /** What the run was started with, for "duplicate with changes". */
  params: Omit<CompareParams, 'out'> | null
  subRuns: SubRun[]
  sourceLoss: Record<string, number>
  report: ComparisonReport | null
}

export interface MetricsChunk {
  records: MetricRecord[]
  /** Pass back to read only what was written since. */
  nextOffset: number
}

export interface RunsSource {
  list(): Promise<RunListItem[]>
  detail(id: string): Promise<RunDetail>
  metrics(id: string, subRun: string, offset: number): Promise<MetricsChunk>
  startComparison(params: Omit<CompareParams, 'out'>): Promise<{ id: string }>
  cancel(id: string): Promise<void>
  resume(id: string): Promise<void>
  remove(id: string): Promise<void>
  /** Something changed (progress, metrics, state): the store re-reads. */
  onChange(listener: () => void): () => void
}
