/**
 * What a run's page shows, read from its folder: a training run's checkpoints, its own metrics log as one series
 * and its settings as facts (manifest.json, shared/train.ts RunManifest); a growth's settings and the grown model;
 * a comparison's series, facts and report (./comparison-folder.ts).
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { readJsonOrNull } from '../engine/library/model-ref'
import type { RunRecord } from '../engine/library/run-records'
import { runTargetLabel } from '../shared/growth-design'
import { OWN_SERIES, type RunCheckpoint, type RunDetail, type RunFactKey, type RunManifest, type RunSeries, type RunSummary } from '../shared'
import { comparisonDetail } from './comparison-folder'

/** A training run's checkpoints/step-NNNNNNN folders, oldest first, as zoo ids. */
function checkpointsOf(id: string, dir: string): RunCheckpoint[] {
  if (!existsSync(join(dir, 'checkpoints'))) return []
  return readdirSync(join(dir, 'checkpoints'))
    .map((name) => /^step-(\d{7,})$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), modelId: `run:${id}/step-${Number(m[1])}` }))
    .sort((a, b) => a.step - b.step)
}

function trainView(record: Extract<RunRecord, { kind: 'train' }>, dir: string): Pick<RunDetail, 'family' | 'facts' | 'series'> {
  const manifest = readJsonOrNull(join(dir, 'manifest.json')) as unknown as RunManifest | null
  const p = record.params
  const training = manifest?.training
  const facts: Array<[RunFactKey, string]> = [
    ['model', p.model],
    ['data', p.data],
    ['steps', String(p.steps)],
    ['batch', `${training?.batchSize ?? p.settings?.batchSize ?? '-'} × ${training?.seqLen ?? p.settings?.seqLen ?? '-'}`],
    ['learningRate', String(training?.learningRate ?? p.settings?.learningRate ?? '-')],
    ['schedule', training?.schedule ?? p.settings?.schedule ?? '-'],
    ['seed', String(manifest?.seed ?? p.settings?.seed ?? '-')],
  ]
  if (manifest?.backend) facts.push(['backend', manifest.backend])
  if (manifest?.hardware?.cpu) facts.push(['cpu', `${manifest.hardware.cpu.model} (${manifest.hardware.cpu.cores})`])
  if (manifest?.energy) facts.push(['energy', manifest.energy.scope], ['grid', manifest.energy.carbon.text])
  facts.push(['folder', dir])
  const logged = existsSync(join(dir, 'metrics.jsonl'))
  const status: RunSeries['status'] = record.status === 'running' ? 'running' : record.status === 'completed' ? 'done' : logged ? 'stopped' : 'pending'
  const series: RunSeries[] =
    logged || record.status === 'running'
      ? [{ key: OWN_SERIES, method: manifest?.model?.family ?? 'train', seed: manifest?.seed ?? p.settings?.seed ?? 0, status, initial: null, createdAt: manifest?.createdAt ?? null }]
      : []
  return { family: manifest?.model?.family ?? null, facts, series }
}

function growView(record: Extract<RunRecord, { kind: 'grow' }>, dir: string): Pick<RunDetail, 'family' | 'facts' | 'series'> {
  const p = record.params
  const facts: Array<[RunFactKey, string]> = [['from', p.from], ['to', runTargetLabel(p.to)], ['method', p.method]]
  if (p.data) facts.push(['data', p.data])
  facts.push(['folder', dir])
  return { family: null, facts, series: [] }
}

export function runDetail(record: RunRecord, summary: RunSummary, dir: string): RunDetail {
  const checkpoints = record.kind === 'train' ? checkpointsOf(record.id, dir) : []
  const outputs = record.kind === 'grow' && record.status === 'completed' ? [`run:${record.id}`] : checkpoints.length > 0 ? [`run:${record.id}`, ...checkpoints.map((c) => c.modelId)] : []
  const base = { summary, params: record.params, checkpoints, outputs, sourceLoss: {}, report: null }
  switch (record.kind) {
    case 'train':
      return { ...base, manifest: readJsonOrNull(join(dir, 'manifest.json')), ...trainView(record, dir) }
    case 'grow':
      return { ...base, manifest: readJsonOrNull(join(dir, 'growth.json')), ...growView(record, dir) }
    case 'compare': {
      const comparison = comparisonDetail(dir, record.params, record.status === 'running')
      return { ...base, ...comparison, manifest: (comparison.report as unknown as Record<string, unknown> | null) ?? readJsonOrNull(join(dir, 'experiment.json')) }
    }
  }
}
