/**
 * Runs of the Studio: train, grow and compare jobs in one queue, one at a time, with their folders under
 * <workspace>/runs/<id> (comparisons from before the queues merged keep theirs under comparisons/<id>, read in
 * place). Each is recorded in studio-run.json (engine/library/run-records.ts) at every change, so they survive
 * the app: a run that was running when the host or its engine died shows as 'interrupted' and resumes from its
 * last checkpoint (train: the trainer's checkpoints; compare: its experiment folder; grow: it starts again).
 * Progress, metrics and logs reach the renderer as task events whose taskId is the run id, and every state
 * change as a run.status event. A reopened window catches up from the metrics logs (./metrics-log.ts).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, realpathSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { latestRunCheckpoint } from '../engine/io/run-checkpoint'
import { modelArgument, resolveModelRef } from '../engine/library/model-ref'
import { LEGACY_COMPARISONS_FOLDER, listRunRecords, readRunRecord, writeRunRecord, type RunParams, type RunRecord } from '../engine/library/run-records'
import { isInside } from '../engine/library/workspace'
import { compareParamsValidator, growParamsValidator } from '../engine/tasks/growth-tasks'
import { trainParamsValidator } from '../engine/tasks/train'
import { runTargetLabel, type RunTarget } from '../shared/growth-design'
import { englishRunName, runNameParts } from '../shared/run-names'
import { MODEL_ID_PATTERN, StudioError, serializeError, type EngineEvent, type RunDetail, type RunMetricsChunk, type RunSummary } from '../shared'
import { comparisonProgress } from './comparison-folder'
import { readMetricsFrom } from './metrics-log'
import { runDetail } from './run-detail'
import { isBuiltInName } from './path-check'
import type { StudioContext } from './studio-context'
import { engineTarget, inlineTargetConfig, writeTargetConfig } from './target-config'

/** studio-run.json is rewritten at most this often while a run reports progress. */
const PROGRESS_WRITE_MS = 2000

const ACTIVE = new Set(['queued', 'running'])
/** A model, target or data argument that names a file or folder (checked by the host's path policy). */

function newRunId(kind: string, now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${kind}-${randomBytes(3).toString('hex')}`
}

/** The English default name (the window names the runs it starts in the user's language: shared/run-names.ts). */
const defaultName = (start: RunParams): string => englishRunName(runNameParts(start))

export class RunQueue {
  private running: { id: string; controller: AbortController } | null = null
  private recovering: Promise<void> | null = null
  private lastWrite = new Map<string, number>()
  /** Record writes of one run happen in order (a progress write must not land after the final one). */
  private writes = new Map<string, Promise<void>>()
  /** The engine's latest estimate of the seconds left, per running run. */
  private eta = new Map<string, number | null>()

  constructor(
    private readonly context: StudioContext,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get runsDir(): string {
    return this.context.workspace().runs
  }

  private get legacyDir(): string {
    return join(this.context.workspace().root, LEGACY_COMPARISONS_FOLDER)
  }

  /** The folder that holds a run's folder: runs/, or comparisons/ for a comparison started before the queues merged. */
  private rootOf(id: string): string {
    return !existsSync(join(this.runsDir, id)) && existsSync(join(this.legacyDir, id)) ? this.legacyDir : this.runsDir
  }

  /** Every readable run record of the workspace, newest first. */
  private records(): RunRecord[] {
    return [...listRunRecords(this.runsDir), ...listRunRecords(this.legacyDir)].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  }

  /** Runs that were running when the previous host stopped are interrupted; queued ones start again in order. */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      for (const record of this.records()) {
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
    const records = this.records()
    const queued = records.filter((r) => r.status === 'queued')
    return records.map((r) => this.summary(r, queued))
  }

  private summary(record: RunRecord, queued: RunRecord[] = this.records().filter((r) => r.status === 'queued')): RunSummary {
    const position = queued.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).findIndex((r) => r.id === record.id)
    // a comparison's progress is what its folder holds over every method and seed (the engine reports one run at a time)
    const progress = record.kind === 'compare' ? comparisonProgress(join(this.rootOf(record.id), record.id), record.params) : { done: record.done, total: record.total, unit: 'steps' as const }
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
      ...progress,
      etaSeconds: record.status === 'running' ? (this.eta.get(record.id) ?? null) : null,
      lastCheckpointStep: record.lastCheckpointStep,
      error: record.error,
      queuePosition: position >= 0 ? position : null,
    }
  }

  private async record(id: string): Promise<RunRecord> {
    await this.recover()
    const record = readRunRecord(this.rootOf(id), id)
    if (!record) throw new StudioError('not_found', `No run "${id}" in the workspace ${this.runsDir}`)
    return record
  }

  /** Checks a start against the engine's own validator (with placeholder paths), then queues it. */
  async start(start: RunParams): Promise<RunSummary> {
    await this.recover()
    await this.engineParams(start, join(this.runsDir, 'validation-only'), false) // throws invalid_request / not_found / forbidden now, not when the run starts
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
    mkdirSync(join(this.runsDir, id), { recursive: true })
    if (targetConfig) await writeTargetConfig(join(this.runsDir, id), targetConfig)
    await this.save(record)
    queueMicrotask(() => this.pump())
    return this.summary(record)
  }

  async cancel(id: string): Promise<RunSummary> {
    const record = await this.record(id)
    if (this.running?.id === id) {
      this.running.controller.abort() // the engine stops at the next step with a checkpoint; execute() records the end
      return this.summary(record)
    }
    if (record.status !== 'queued') return this.summary(record)
    return this.summary(await this.save({ ...record, status: 'cancelled', error: null }))
  }

  async resume(id: string, steps?: number): Promise<RunSummary> {
    const record = await this.record(id)
    if (ACTIVE.has(record.status)) throw new StudioError('invalid_request', `Run "${id}" is ${record.status}; only a stopped run can be resumed`)
    if (steps !== undefined && record.kind !== 'train') throw new StudioError('invalid_request', `Only a training run can be extended with more steps; "${id}" is a ${record.kind} run`)
    if (record.status === 'completed' && !(record.kind === 'train' && steps !== undefined && steps > record.done)) {
      throw new StudioError('invalid_request', `Run "${id}" has finished; duplicate it to run it again${record.kind === 'train' ? `, or resume it with more than ${record.done} steps` : ''}`)
    }
    const next: RunRecord = { ...record, status: 'queued', error: null, resume: true }
    if (steps !== undefined && next.kind === 'train') {
      next.params = { ...next.params, steps }
      next.total = steps
    }
    const saved = await this.save(next)
    queueMicrotask(() => this.pump())
    return this.summary(saved)
  }

  /** Deletes a stopped run's folder, which must lie inside the workspace's runs folder (or the old comparisons one). */
  async remove(id: string): Promise<{ deleted: boolean }> {
    const record = await this.record(id)
    if (ACTIVE.has(record.status)) throw new StudioError('invalid_request', `Run "${id}" is ${record.status}; cancel it before deleting it`)
    const root = realpathSync(this.rootOf(id))
    const real = realpathSync(join(root, id))
    if (!isInside(root, real) || real === root) {
      throw new StudioError('forbidden', `Run "${id}": its folder ${real} is not inside the workspace's runs folder; not deleted`)
    }
    await rm(real, { recursive: true, force: true })
    this.context.emit({ type: 'run.removed', runId: id })
    this.context.emit({ type: 'library.changed', reason: 'removed' })
    return { deleted: true }
  }

  async detail(id: string): Promise<RunDetail> {
    const record = await this.record(id)
    return runDetail(record, this.summary(record), join(this.rootOf(id), id))
  }

  /** Complete lines of a run's metrics.jsonl (or a comparison's <series>/metrics.jsonl) from a byte offset. */
  async metrics(id: string, fromOffset: number, series?: string): Promise<RunMetricsChunk> {
    const record = await this.record(id)
    const dir = join(this.rootOf(id), id)
    const file = series === undefined ? join(dir, 'metrics.jsonl') : join(dir, series, 'metrics.jsonl')
    if (!isInside(dir, file)) throw new StudioError('invalid_request', `Invalid series "${series}"`)
    const slice = await readMetricsFrom(file, fromOffset)
    return { records: slice.records, nextOffset: slice.nextOffset, reset: slice.reset, final: !ACTIVE.has(record.status) && slice.atEnd }
  }

  /**
   * The engine method and params of a run: zoo ids through the one resolver, paths through the host's path policy
   * (a resume reuses what was checked at the start), then the engine's own validator.
   */
  private async engineParams(start: RunParams, runDir: string, resume: boolean): Promise<{ method: 'train' | 'grow' | 'compare'; params: Record<string, unknown> }> {
    const catalog = this.context.catalog()
    // any string that is not a built-in name is a path (path-check.ts isBuiltInName: even a bare "notes.json")
    const readable = async (value: string) => (!resume && !isBuiltInName(value, catalog.seedsDir) ? (await this.context.policy.checkReadable(value)).path : value)
    const resolveId = (id: string) => modelArgument(resolveModelRef(id, catalog))
    const model = async (ref: string) => (MODEL_ID_PATTERN.test(ref) ? resolveId(ref) : modelArgument(resolveModelRef(await readable(ref), catalog)))
    // a config file through the path policy; sizes (the run folder's target config) and zoo ids as target-config.ts says
    const target = async (to: RunTarget) => (typeof to === 'string' && !MODEL_ID_PATTERN.test(to) ? readable(to) : engineTarget(to, runDir, resolveId))
    switch (start.kind) {
      case 'train': {
        const { settings, name: _name, ...p } = start.params
        const params = resume ? { runDir, resume: true, steps: p.steps } : { ...settings, model: await model(p.model), data: await readable(p.data), steps: p.steps, runDir }
        return { method: 'train', params: trainParamsValidator(params, 'startTrain params') as unknown as Record<string, unknown> }
      }
      case 'grow': {
        const { name: _name, ...p } = start.params
        const params = { ...p, from: await model(p.from), to: await target(p.to), ...(p.data ? { data: await readable(p.data) } : {}), out: runDir, force: resume }
        return { method: 'grow', params: growParamsValidator(params, 'startGrow params') as unknown as Record<string, unknown> }
      }
      case 'compare': {
        const { name: _name, ...p } = start.params
        if (!p.methods.includes('scratch')) throw new StudioError('invalid_request', `methods must include scratch: every saving is measured against it (got ${p.methods.join(', ')})`)
        const params = { ...p, from: await model(p.from), to: await target(p.to), data: await readable(p.data), out: runDir }
        return { method: 'compare', params: compareParamsValidator(params, 'startCompare params') as unknown as Record<string, unknown> }
      }
    }
  }

  private checkpointStep(record: RunRecord): number | null {
    if (record.kind !== 'train') return record.lastCheckpointStep
    return latestRunCheckpoint(join(this.rootOf(record.id), record.id))?.step ?? record.lastCheckpointStep
  }

  private write(record: RunRecord): Promise<void> {
    const done = (this.writes.get(record.id) ?? Promise.resolve()).then(() => writeRunRecord(this.rootOf(record.id), record))
    this.writes.set(record.id, done.catch(() => {}))
    return done
  }

  private async save(record: RunRecord): Promise<RunRecord> {
    const next = { ...record, updatedAt: this.now().toISOString() }
    await this.write(next)
    this.context.emit({ type: 'run.status', run: this.summary(next) })
    return next
  }

  /** Starts the oldest queued run when none is running: one run of any kind at a time. */
  private pump(): void {
    if (this.running) return
    const next = this.records()
      .filter((r) => r.status === 'queued')
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))[0]
    if (!next) return
    const controller = new AbortController()
    this.running = { id: next.id, controller }
    void this.execute(next, controller).finally(() => {
      this.running = null
      this.eta.delete(next.id)
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
    const runDir = join(this.rootOf(record.id), record.id)
    const onEvent = (event: EngineEvent) => {
      this.context.emit({ ...event, taskId: record.id } as EngineEvent)
      if (event.type !== 'task.progress') return
      this.eta.set(record.id, event.etaSeconds)
      // a comparison's progress is read from its folder (summary); the engine's figures are one method's
      if (event.unit === 'steps' && record.kind !== 'compare') {
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
      const { method, params } = await this.engineParams(record, runDir, resume)
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
    this.eta.delete(record.id)
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
