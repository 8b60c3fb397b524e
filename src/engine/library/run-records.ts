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

export function readRunRecord(runsDir: string, id: string): RunRecord | null {
  const path = runRecordPath(runsDir, id)
  if (!existsSync(path)) return null
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown
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
