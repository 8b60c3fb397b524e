/**
 * <workspace>/runs/<id>/studio-run.json: what the Studio knows of a run besides the engine's own files (the start
 * params with their model ids, status, progress, the last checkpoint). The host's run queue writes it atomically
 * at every change; the zoo reads it to list grown and trained models and their lineage.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunKind, RunStatus, StartCompareParams, StartGrowParams, StartTrainParams } from '../../shared/runs'
import { RUN_KINDS, RUN_STATUSES } from '../../shared/runs'
import { writeFileAtomic } from '../io/atomic-write'

export const RUN_RECORD_FILE = 'studio-run.json'
/**
 * Where comparisons were kept before every kind of run shared one queue: <workspace>/comparisons/<id>. Their
 * folders stay there (experiment.json records each method's run folder by absolute path, so moving them would break
 * a resume); their records are read in the old form and rewritten in the current one at the next change.
 */
export const LEGACY_COMPARISONS_FOLDER = 'comparisons'

export type RunParams = { kind: 'train'; params: StartTrainParams } | { kind: 'grow'; params: StartGrowParams } | { kind: 'compare'; params: StartCompareParams }

export type RunRecord = RunParams & {
  format: 'ligo-studio-run'
  version: 1
  id: string
  name: string
  status: RunStatus
  createdAt: string
  updatedAt: string
  done: number
  total: number
  lastCheckpointStep: number | null
  error: string | null
  /** Set by resume: the next start continues from the run's folder (train: its last checkpoint). */
  resume?: boolean
}

export function runRecordPath(runsDir: string, id: string): string {
  return join(runsDir, id, RUN_RECORD_FILE)
}

function isRunRecord(value: unknown): value is RunRecord {
  const r = value as Partial<RunRecord> | null
  return (
    typeof r === 'object' &&
    r !== null &&
    r.format === 'ligo-studio-run' &&
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    (RUN_KINDS as readonly string[]).includes(r.kind as string) &&
    (RUN_STATUSES as readonly string[]).includes(r.status as string) &&
    typeof r.params === 'object' &&
    r.params !== null
  )
}

/** The record the comparisons' own queue wrote (same format name, `state` instead of `kind` and `status`). */
interface LegacyComparisonRecord {
  format: 'ligo-studio-run'
  id: string
  /** Its `to` is always a preset id or a config path (sizes came with the merged queue). */
  params: StartCompareParams & { to: string }
  state: 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | 'cancelled'
  createdAt: string
  error: string | null
}

function isLegacyComparison(value: unknown): value is LegacyComparisonRecord {
  const r = value as Partial<LegacyComparisonRecord> | null
  const p = r?.params as Partial<LegacyComparisonRecord['params']> | undefined
  return (
    typeof r === 'object' &&
    r !== null &&
    r.format === 'ligo-studio-run' &&
    !('kind' in r) &&
    typeof r.id === 'string' &&
    typeof r.state === 'string' &&
    typeof r.createdAt === 'string' &&
    typeof p?.from === 'string' &&
    typeof p.to === 'string' &&
    Array.isArray(p.methods)
  )
}

/** An old comparison record as a run record; progress (done/total) is read from its folder by the host. */
function fromLegacyComparison(old: LegacyComparisonRecord): RunRecord {
  const short = (value: string) => value.split(/[\\/]/).pop()
  return {
    format: 'ligo-studio-run',
    version: 1,
    kind: 'compare',
    id: old.id,
    params: old.params,
    name: `${short(old.params.from)} → ${short(old.params.to)}: ${old.params.methods.join(', ')}`,
    status: (old.state === 'finished' ? 'completed' : (RUN_STATUSES as readonly string[]).includes(old.state) ? old.state : 'interrupted') as RunStatus,
    createdAt: old.createdAt,
    updatedAt: old.createdAt,
    done: 0,
    total: 0,
    lastCheckpointStep: null,
    error: old.error ?? null,
  }
}

export function readRunRecord(runsDir: string, id: string): RunRecord | null {
  const path = runRecordPath(runsDir, id)
  if (!existsSync(path)) return null
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown
    if (isLegacyComparison(value)) return value.id === id ? fromLegacyComparison(value) : null
    return isRunRecord(value) && value.id === id ? value : null
  } catch {
    return null
  }
}

/** Every readable run record under runsDir, newest first. */
export function listRunRecords(runsDir: string): RunRecord[] {
  if (!existsSync(runsDir)) return []
  const records: RunRecord[] = []
  for (const entry of readdirSync(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const record = readRunRecord(runsDir, entry.name)
    if (record) records.push(record)
  }
  return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
}

export async function writeRunRecord(runsDir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(runRecordPath(runsDir, record.id), Buffer.from(JSON.stringify(record, null, 2) + '\n'))
}
