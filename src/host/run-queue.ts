/**
 * Runs of the Studio: train, grow and compare jobs with their folders under <workspace>/runs/<id>, one at a time
 * (a queue), each recorded in studio-run.json (engine/library/run-records.ts) at every change, so they survive the
 * app: a run that was running when the host or its engine died shows as 'interrupted' and resumes from its last
 * checkpoint (train: the trainer's checkpoints; compare: its experiment folder; grow: it starts again).
 * Progress, metrics and logs reach the renderer as task events whose taskId is the run id, and every state
 * change as a run.status event.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { latestRunCheckpoint } from '../engine/io/run-checkpoint'
import { modelArgument, readJsonOrNull, resolveModelRef } from '../engine/library/model-ref'
import { listRunRecords, readRunRecord, writeRunRecord, type RunParams, type RunRecord } from '../engine/library/run-records'
import { isInside } from '../engine/library/workspace'
import { EXPERIMENT_FILE } from '../engine/experiments/compare'
import { compareParamsValidator, growParamsValidator } from '../engine/tasks/growth-tasks'
import { trainParamsValidator } from '../engine/tasks/train'
import { readMetricsFrom } from '../engine/train/metrics-log'
import { runTargetLabel } from '../shared/growth-design'
import {
  StudioError,
  serializeError,
  type EngineEvent,
  type RunCheckpoint,
  type RunDetail,
  type RunMetricsChunk,
  type RunSummary,
} from '../shared'
import type { StudioContext } from './studio-context'
import { engineTarget, inlineTargetConfig, writeTargetConfig } from './target-config'

/** studio-run.json is rewritten at most this often while a run reports progress. */
const PROGRESS_WRITE_MS = 2000

const ACTIVE = new Set(['queued', 'running'])

function newRunId(kind: string, now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${kind}-${randomBytes(3).toString('hex')}`
}

function defaultName(start: RunParams): string {
  const short = (id: string) => id.replace(/^(preset|seed|lib|run):/, '')
  switch (start.kind) {
    case 'train':
      return `${short(start.params.model)} on ${start.params.data}`
    case 'grow':
      return `${short(start.params.from)} → ${short(runTargetLabel(start.params.to))} (${start.params.method})`
    case 'compare':
      return `${short(start.params.from)} → ${short(runTargetLabel(start.params.to))}: ${start.params.methods.join(' vs ')}`
  }
}

export class RunQueue {
  private running: { id: string; controller: AbortController } | null = null
  private recovering: Promise<void> | null = null
  private lastWrite = new Map<string, number>()
  /** Record writes of one run happen in order (a progress write must not land after the final one). */
  private writes = new Map<string, Promise<void>>()

  constructor(
    private readonly context: StudioContext,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get runsDir(): string {
    return this.context.workspace().runs
  }

  /** Runs that were running when the previous host stopped are interrupted; queued ones start again in order. */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      for (const record of listRunRecords(this.runsDir)) {
        if (record.status === 'running') {
          const at = this.checkpointStep(record)
          await this.save({ ...record, status: 'interrupted', lastCheckpointStep: at, error: `LiGO Studio stopped while this run was running; resume it${at === null ? '' : ` from step ${at}`}.` })
        }
      }
      queueMicrotask(() => this.pump())
    })()
    return this.recovering
  }

  async list(): Promise<RunSummary[]> {
    await this.recover()
    const records = listRunRecords(this.runsDir)
    const queued = records.filter((r) => r.status === 'queued').sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
    return records.map((r) => this.summary(r, queued))
  }

  private summary(record: RunRecord, queued: RunRecord[] = listRunRecords(this.runsDir).filter((r) => r.status === 'queued')): RunSummary {
    const p = record.params as Record<string, unknown>
    const position = queued.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).findIndex((r) => r.id === record.id)
    return {
      id: record.id,
      kind: record.kind,
      name: record.name,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      model: record.kind === 'train' ? record.params.model : record.params.from,
      target: record.kind === 'train' ? null : runTargetLabel(record.params.to),
      method: record.kind === 'grow' ? record.params.method : record.kind === 'compare' ? record.params.methods.join(',') : null,
      done: record.done,
      total: record.total,
      lastCheckpointStep: record.lastCheckpointStep,
      error: record.error,
      queuePosition: position >= 0 ? position : null,
    }
  }

  private async record(id: string): Promise<RunRecord> {
    await this.recover()
    const record = readRunRecord(this.runsDir, id)
    if (!record) throw new StudioError('not_found', `No run "${id}" in the workspace ${this.runsDir}`)
    return record
  }

  /** Checks a start against the engine's own validator (with placeholder paths), then queues it. */
  async start(start: RunParams): Promise<RunSummary> {
    await this.recover()
    this.engineParams(start, join(this.runsDir, 'validation-only'), false) // throws invalid_request / not_found now, not when the run starts
    const targetConfig = start.kind === 'train' ? null : await inlineTargetConfig(this.context, start.params.from, start.params.to, start.kind === 'grow' ? 'startGrow' : 'startCompare')
    const at = this.now()
    const id = newRunId(start.kind, at)
    const steps = start.kind === 'train' ? start.params.steps : 0
    const record = {
      ...start,
      format: 'ligo-studio-run',
      version: 1,
      id,
      name: start.params.name ?? defaultName(start),
      status: 'queued',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      done: 0,
      total: steps,
      lastCheckpointStep: null,
      error: null,
    } as RunRecord
    mkdirSync(join(this.runsDir, id))
    if (targetConfig) await writeTargetConfig(join(this.runsDir, id), targetConfig)
    await this.save(record)
    queueMicrotask(() => this.pump())
    return this.summary(record)
  }

  async cancel(id: string): Promise<RunSummary> {
    const record = await this.record(id)
    if (this.running?.id === id) {
      this.running.controller.abort() // the engine stops at the next step with a checkpoint; run() records the end
      return this.summary(record)
    }
    if (record.status !== 'queued') return this.summary(record)
    return this.summary(await this.save({ ...record, status: 'cancelled', error: null }))
  }

  async resume(id: string, steps?: number): Promise<RunSummary> {
    const record = await this.record(id)
    if (ACTIVE.has(record.status)) throw new StudioError('invalid_request', `Run "${id}" is ${record.status}; only a stopped run can be resumed`)
    if (steps !== undefined && record.kind !== 'train') throw new StudioError('invalid_request', `Only a training run can be extended with more steps; "${id}" is a ${record.kind} run`)
    const next: RunRecord = { ...record, status: 'queued', error: null, resume: true }
    if (steps !== undefined && next.kind === 'train') {
      next.params = { ...next.params, steps }
      next.total = steps
    }
    const saved = await this.save(next)
    queueMicrotask(() => this.pump())
    return this.summary(saved)
  }

  /** Deletes a stopped run's folder, which must lie inside the workspace's runs folder. */
  async remove(id: string): Promise<{ deleted: boolean }> {
    const record = await this.record(id)
    if (ACTIVE.has(record.status)) throw new StudioError('invalid_request', `Run "${id}" is ${record.status}; cancel it before deleting it`)
    const dir = join(this.runsDir, id)
    const real = realpathSync(dir)
    if (!isInside(realpathSync(this.runsDir), real) || real === realpathSync(this.runsDir)) {
      throw new StudioError('forbidden', `Run "${id}": its folder ${real} is not inside the workspace's runs folder; not deleted`)
    }
    await rm(real, { recursive: true, force: true })
    this.context.emit({ type: 'run.removed', runId: id })
    this.context.emit({ type: 'library.changed', reason: 'removed' })
    return { deleted: true }
  }

  async detail(id: string): Promise<RunDetail> {
    const record = await this.record(id)
    const dir = join(this.runsDir, id)
    const manifestFile = record.kind === 'train' ? 'manifest.json' : record.kind === 'grow' ? 'growth.json' : EXPERIMENT_FILE
    const manifest = readJsonOrNull(join(dir, manifestFile))
    const checkpoints: RunCheckpoint[] =
      record.kind === 'train' && existsSync(join(dir, 'checkpoints'))
        ? readdirSync(join(dir, 'checkpoints'))
            .map((name) => /^step-(\d{7,})$/.exec(name))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => ({ step: Number(m[1]), modelId: `run:${id}/step-${Number(m[1])}` }))
            .sort((a, b) => a.step - b.step)
        : []
    const outputs = record.kind === 'grow' && record.status === 'completed' ? [`run:${id}`] : checkpoints.length > 0 ? [`run:${id}`, ...checkpoints.map((c) => c.modelId)] : []
    const report = record.kind === 'compare' ? readJsonOrNull(join(dir, 'report.json')) : null
    return { summary: this.summary(record), params: record.params, manifest: report ?? manifest, checkpoints, outputs }
  }

  /** Complete lines of metrics.jsonl (or a comparison's <series>/metrics.jsonl) from a byte offset. */
  async metrics(id: string, fromOffset: number, series?: string): Promise<RunMetricsChunk> {
    const record = await this.record(id)
    const final = !ACTIVE.has(record.status)
    const dir = join(this.runsDir, id)
    const file = series === undefined ? join(dir, 'metrics.jsonl') : join(dir, series, 'metrics.jsonl')
    if (!isInside(dir, file)) throw new StudioError('invalid_request', `Invalid series "${series}"`)
    if (!existsSync(file)) return { records: [], nextOffset: fromOffset, final }
    // Whole lines only; a torn or damaged line is skipped (engine/train/metrics-log.ts).
    const read = await readMetricsFrom(file, fromOffset)
    if (read.reset) throw new StudioError('invalid_request', `Offset ${fromOffset} is no longer a line of ${file} (${read.size} bytes); the log was cut back on resume: read again from 0`)
    return { records: read.records, nextOffset: read.nextOffset, final: final && read.nextOffset >= read.size }
  }

  /** The engine method and params of a run; resolves zoo ids through the one resolver and checks the result. */
  private engineParams(start: RunParams, runDir: string, resume: boolean): { method: 'train' | 'grow' | 'compare'; params: Record<string, unknown> } {
    const catalog = this.context.catalog()
    const model = (ref: string) => modelArgument(resolveModelRef(ref, catalog))
    const data = (value: string) => {
      if (isAbsolute(value) && this.context.host === 'serve' && !isInside(this.context.workspace().root, value)) {
        throw new StudioError('forbidden', `The data ${value} is outside the workspace; in the browser, use a built-in corpus or put the data in ${this.context.workspace().root}`)
      }
      return value
    }
    switch (start.kind) {
      case 'train': {
        const { settings, name: _name, ...p } = start.params
        const params = resume ? { runDir, resume: true, steps: p.steps } : { ...settings, model: model(p.model), data: data(p.data), steps: p.steps, runDir }
        return { method: 'train', params: trainParamsValidator(params, 'startTrain params') as unknown as Record<string, unknown> }
      }
      case 'grow': {
        const { name: _name, ...p } = start.params
        const params = { ...p, from: model(p.from), to: engineTarget(p.to, runDir, model), ...(p.data ? { data: data(p.data) } : {}), out: runDir, force: resume }
        return { method: 'grow', params: growParamsValidator(params, 'startGrow params') as unknown as Record<string, unknown> }
      }
      case 'compare': {
        const { name: _name, ...p } = start.params
        const params = { ...p, from: model(p.from), to: engineTarget(p.to, runDir, model), data: data(p.data), out: runDir }
        return { method: 'compare', params: compareParamsValidator(params, 'startCompare params') as unknown as Record<string, unknown> }
      }
    }
  }

  private checkpointStep(record: RunRecord): number | null {
    if (record.kind !== 'train') return record.lastCheckpointStep
    return latestRunCheckpoint(join(this.runsDir, record.id))?.step ?? record.lastCheckpointStep
  }

  private write(record: RunRecord): Promise<void> {
    const done = (this.writes.get(record.id) ?? Promise.resolve()).then(() => writeRunRecord(this.runsDir, record))
    this.writes.set(record.id, done.catch(() => {}))
    return done
  }

  private async save(record: RunRecord): Promise<RunRecord> {
    const next = { ...record, updatedAt: this.now().toISOString() }
    await this.write(next)
    this.context.emit({ type: 'run.status', run: this.summary(next) })
    return next
  }

  /** Starts the oldest queued run when none is running. */
  private pump(): void {
    if (this.running) return
    const next = listRunRecords(this.runsDir)
      .filter((r) => r.status === 'queued')
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))[0]
    if (!next) return
    const controller = new AbortController()
    this.running = { id: next.id, controller }
    void this.execute(next, controller).finally(() => {
      this.running = null
      this.pump()
    })
  }

  private async execute(queued: RunRecord, controller: AbortController): Promise<void> {
    const resume = queued.resume === true
    let record: RunRecord
    try {
      record = await this.save({ ...queued, status: 'running', error: null })
    } catch {
      return
    }
    const runDir = join(this.runsDir, record.id)
    const onEvent = (event: EngineEvent) => {
      this.context.emit({ ...event, taskId: record.id } as EngineEvent)
      if (event.type === 'task.progress' && event.unit === 'steps') {
        record = { ...record, done: event.done, total: event.total }
        const last = this.lastWrite.get(record.id) ?? 0
        if (Date.now() - last >= PROGRESS_WRITE_MS) {
          this.lastWrite.set(record.id, Date.now())
          void this.write({ ...record, lastCheckpointStep: this.checkpointStep(record) }).catch(() => {})
        }
      }
    }
    let outcome: Pick<RunRecord, 'status' | 'error'>
    try {
      const { method, params } = this.engineParams(record, runDir, resume)
      await this.context.engine.call(method, params as never, { signal: controller.signal, onEvent })
      outcome = { status: 'completed', error: null }
    } catch (error) {
      const { code, message } = serializeError(error)
      outcome =
        code === 'cancelled'
          ? { status: 'cancelled', error: null }
          : code === 'engine_crashed'
            ? { status: 'interrupted', error: `${message} Resume the run to continue from its last checkpoint.` }
            : { status: 'failed', error: message }
    }
    const lastCheckpointStep = this.checkpointStep(record)
    try {
      await this.save({ ...record, ...outcome, lastCheckpointStep, ...(outcome.status === 'completed' && record.kind === 'train' ? { done: record.total } : {}) })
    } catch {
      // the workspace went away (shutdown, a changed workspace): the next host finds the run 'running' and interrupts it
      return
    }
    if (outcome.status === 'completed' || lastCheckpointStep !== null) this.context.emit({ type: 'library.changed', reason: 'run-output' })
  }

  /** Aborts the running run (shutdown); it is recorded as cancelled with its checkpoint. */
  stop(): void {
    this.running?.controller.abort()
  }
}
