/**
 * Comparisons as runs (src/shared/comparison-runs.ts): one folder per comparison under the runs root, holding the
 * engine's experiment folder (experiment.json, one run folder per method and seed, report.json) and this host's
 * record of it (studio-run.json: what it was started with, its state). The engine runs one comparison at a time:
 * others wait in a queue. A record that says running or queued when no task of this process owns it was cut off by
 * a restart: it shows as interrupted and resumes from its runs' last checkpoints (the engine's compare resumes a
 * folder, engine/experiments/README.md). Metrics logs are read from a byte offset so a reopened window catches up.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { writeFileAtomic } from '../engine/io/atomic-write'
import { readMetricsFrom } from '../engine/train/metrics-log'
import {
  COMPARISON_ID_PATTERN,
  StudioError,
  SUB_RUN_PATTERN,
  type ComparisonMethods,
  type ComparisonStartParams,
  type EngineEvent,
  type MetricRecord,
  type ComparisonMetricsChunk,
  type ComparisonDetail,
  type ComparisonFactKey,
  type ComparisonListItem,
  type ComparisonState,
  type ComparisonSubRun,
} from '../shared'
import type { ComparisonReport } from '../shared/growth'
import { MODEL_ID_PATTERN } from '../shared/models'
import type { EngineHost } from './engine-types'
import { isBuiltInName, resolveUserPath } from './path-check'

export const RUN_RECORD_FILE = 'studio-run.json'
/** The comparisons' folder inside a workspace (beside its runs/, which holds single training runs). */
export const COMPARISONS_FOLDER = 'comparisons'

interface RunRecord {
  format: 'ligo-studio-run'
  version: 1
  id: string
  params: ComparisonStartParams
  state: ComparisonState
  createdAt: string
  error: string | null
}

type Handlers = { [M in keyof ComparisonMethods]: (params: ComparisonMethods[M]['params']) => Promise<ComparisonMethods[M]['result']> }

export interface ComparisonRunsOptions {
  engine: EngineHost
  /** The folder of the comparisons, asked for when needed (the workspace can change while the app runs). */
  root: () => string
  /** Relative model and data paths ("resources/seeds/bert-moby") are resolved against this folder. */
  cwd?: string
  emit(event: EngineEvent): void
  /** A zoo model id ("seed:bert-moby", "lib:…", "run:…") as the engine's model argument (the one resolver). */
  resolveModel?(id: string): string
  /** A path from the renderer, checked by the host's path policy (behind `ligo serve`: inside the workspace). */
  checkReadable?(path: string): Promise<string>
}

export class ComparisonRuns {
  private readonly rootOf: () => string
  private readonly engine: EngineHost
  private readonly cwd: string
  private readonly emit: (event: EngineEvent) => void
  private readonly resolveModel: ((id: string) => string) | null
  private readonly checkReadable: (path: string) => Promise<string>
  /** Comparisons of this process: running (with its abort) or waiting. */
  private readonly active = new Map<string, AbortController>()
  private readonly eta = new Map<string, number | null>()
  private queue: Promise<void> = Promise.resolve()

  constructor(options: ComparisonRunsOptions) {
    this.engine = options.engine
    this.rootOf = options.root
    this.cwd = options.cwd ?? process.cwd()
    this.emit = options.emit
    this.resolveModel = options.resolveModel ?? null
    this.checkReadable = options.checkReadable ?? (async (path) => (await resolveUserPath(path, { cwd: this.cwd })).path)
  }

  readonly handlers: Handlers = {
    listComparisons: async () => this.list(),
    getComparison: async ({ id }) => this.detail(id),
    readComparisonMetrics: async ({ id, subRun, offset }) => this.metrics(id, subRun, offset),
    startComparison: async ({ params }) => this.start(params),
    cancelComparison: async ({ id }) => this.cancel(id),
    resumeComparison: async ({ id }) => this.resume(id),
    deleteComparison: async ({ id }) => this.remove(id),
  }

  /** Aborts every comparison of this process (their records then say cancelled; a restart shows interrupted ones). */
  dispose(): void {
    for (const controller of this.active.values()) controller.abort()
  }

  get root(): string {
    return resolve(this.rootOf())
  }

  private dir(id: string): string {
    if (!COMPARISON_ID_PATTERN.test(id)) throw new StudioError('invalid_request', `"${id}" is not a comparison id`)
    const dir = join(this.root, id)
    if (!dir.startsWith(this.root + sep)) throw new StudioError('invalid_request', `"${id}" is not a comparison id`)
    return dir
  }

  private readRecord(id: string): RunRecord {
    const path = join(this.dir(id), RUN_RECORD_FILE)
    let record: RunRecord
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as RunRecord
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new StudioError(code === 'ENOENT' ? 'not_found' : 'invalid_request', code === 'ENOENT' ? `No comparison "${id}"` : `${path}: cannot read the run record (${(error as Error).message})`)
    }
    // running or queued in the file but not in this process: the app or `ligo serve` stopped under it
    if ((record.state === 'running' || record.state === 'queued') && !this.active.has(id)) record.state = 'interrupted'
    return record
  }

  private async writeRecord(record: RunRecord): Promise<void> {
    await writeFileAtomic(join(this.dir(record.id), RUN_RECORD_FILE), Buffer.from(JSON.stringify(record, null, 2) + '\n'))
  }

  private async setState(id: string, state: ComparisonState, error: string | null = null): Promise<void> {
    const record = this.readRecord(id)
    await this.writeRecord({ ...record, state, error })
    this.emit({ type: 'task.log', taskId: id, level: state === 'failed' ? 'error' : 'info', message: `comparison ${id}: ${state}${error ? ` (${error})` : ''}` })
  }

  /** Model and data arguments that are not built-in names are paths: they must exist and pass the path check. */
  private async checkedParams(params: ComparisonStartParams): Promise<ComparisonStartParams> {
    const pathLike = (value: string) => !isBuiltInName(value)
    const out = { ...params }
    for (const key of ['from', 'to', 'data'] as const) {
      // A zoo card's model id ("Compare" on a card) goes through the zoo's resolver; paths are checked as before.
      if (key !== 'data' && this.resolveModel && MODEL_ID_PATTERN.test(out[key])) out[key] = this.resolveModel(out[key])
      else if (pathLike(out[key])) out[key] = await this.checkReadable(out[key])
    }
    if (!out.methods.includes('scratch')) throw new StudioError('invalid_request', `methods must include scratch: every saving is measured against it (got ${out.methods.join(', ')})`)
    return out
  }

  async start(params: ComparisonStartParams): Promise<{ id: string }> {
    const checked = await this.checkedParams(params)
    const id = `cmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    mkdirSync(this.dir(id), { recursive: true })
    await this.writeRecord({ format: 'ligo-studio-run', version: 1, id, params: checked, state: 'queued', createdAt: new Date().toISOString(), error: null })
    this.enqueue(id)
    return { id }
  }

  private enqueue(id: string): void {
    const controller = new AbortController()
    this.active.set(id, controller)
    this.eta.set(id, null)
    this.queue = this.queue.then(() => this.runOne(id, controller))
  }

  private async runOne(id: string, controller: AbortController): Promise<void> {
    try {
      if (controller.signal.aborted) return
      const record = this.readRecord(id)
      await this.setState(id, 'running')
      await this.engine.call(
        'compare',
        { ...record.params, out: this.dir(id) },
        {
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'task.progress') this.eta.set(id, event.etaSeconds)
            this.emit({ ...event, taskId: id } as EngineEvent)
          },
        },
      )
      await this.setState(id, 'finished')
    } catch (error) {
      const cancelled = controller.signal.aborted
      // resumed while this attempt was still stopping: the newer attempt owns the record now
      if (this.active.get(id) === controller) {
        await this.setState(id, cancelled ? 'cancelled' : 'failed', cancelled ? null : error instanceof Error ? error.message : String(error)).catch(() => undefined)
      }
    } finally {
      if (this.active.get(id) === controller) {
        this.active.delete(id)
        this.eta.delete(id)
      }
    }
  }

  async cancel(id: string): Promise<{ state: ComparisonState }> {
    const controller = this.active.get(id)
    if (!controller) return { state: this.readRecord(id).state }
    controller.abort()
    // recorded now (a queued comparison never reaches the engine; a running one stops after its current step)
    this.active.delete(id)
    this.eta.delete(id)
    await this.setState(id, 'cancelled')
    return { state: 'cancelled' }
  }

  async resume(id: string): Promise<{ state: ComparisonState }> {
    const record = this.readRecord(id)
    if (this.active.has(id)) return { state: record.state }
    if (record.state === 'finished') throw new StudioError('invalid_request', `Comparison ${id} has finished; duplicate it to run it again`)
    await this.writeRecord({ ...record, state: 'queued', error: null })
    this.enqueue(id)
    return { state: 'queued' }
  }

  async remove(id: string): Promise<{ deleted: boolean }> {
    const dir = this.dir(id)
    // only folders this host made (with a run record) are deleted, and never while they run
    const { state } = this.readRecord(id)
    if (state === 'running' || state === 'queued') throw new StudioError('invalid_request', `Comparison ${id} is ${state}; cancel it before deleting it`)
    rmSync(dir, { recursive: true, force: true })
    return { deleted: true }
  }

  list(): ComparisonListItem[] {
    if (!existsSync(this.root)) return []
    const ids = readdirSync(this.root).filter((name) => COMPARISON_ID_PATTERN.test(name) && existsSync(join(this.root, name, RUN_RECORD_FILE)))
    return ids
      .map((id) => this.item(this.readRecord(id)))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  }

  private experiment(id: string): { settings?: { methods: string[]; seeds: number[] }; runs?: Record<string, { status: string }>; sourceLoss?: Record<string, number> } | null {
    const path = join(this.dir(id), 'experiment.json')
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null
  }

  private subRunKeys(record: RunRecord): Array<{ key: string; method: string; seed: number }> {
    const exp = this.experiment(record.id)
    const methods = exp?.settings?.methods ?? ['scratch', ...record.params.methods.filter((m) => m !== 'scratch')]
    const seed0 = record.params.seed ?? 0
    const seeds = exp?.settings?.seeds ?? Array.from({ length: record.params.seeds ?? 1 }, (_, i) => seed0 + i)
    return seeds.flatMap((seed) => methods.map((method) => ({ key: `${method}-seed${seed}`, method, seed })))
  }

  private item(record: RunRecord): ComparisonListItem {
    const exp = this.experiment(record.id)
    const keys = this.subRunKeys(record).filter((k) => exp?.runs?.[k.key]?.status !== 'skipped')
    const steps = record.params.budget.kind === 'steps' ? record.params.budget.value : null
    const done = keys.reduce((n, k) => n + (exp?.runs?.[k.key]?.status === 'done' ? (steps ?? 1) : steps === null ? 0 : this.lastStep(record.id, k.key)), 0)
    return {
      id: record.id,
      kind: 'compare',
      name: `${record.params.from.split(/[\\/]/).pop()} → ${record.params.to.split(/[\\/]/).pop()}: ${record.params.methods.join(', ')}`,
      state: record.state,
      done: Math.min(done, steps === null ? keys.length : steps * keys.length),
      total: steps === null ? keys.length : steps * keys.length,
      unit: steps === null ? 'runs' : 'steps',
      etaSeconds: this.eta.get(record.id) ?? null,
      createdAt: record.createdAt,
      error: record.error,
    }
  }

  /** The step of a run folder's last metrics line (0 when none). */
  private lastStep(id: string, key: string): number {
    const path = join(this.dir(id), key, 'metrics.jsonl')
    if (!existsSync(path)) return 0
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    try {
      return (JSON.parse(lines[lines.length - 1]) as MetricRecord).step ?? 0
    } catch {
      return 0
    }
  }

  detail(id: string): ComparisonDetail {
    const record = this.readRecord(id)
    const dir = this.dir(id)
    const exp = this.experiment(id)
    const found: { family: string | null } = { family: null }
    const facts: Array<[ComparisonFactKey, string]> = []
    const subRuns: ComparisonSubRun[] = this.subRunKeys(record).map(({ key, method, seed }) => {
      const manifestPath = join(dir, key, 'manifest.json')
      const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestView) : null
      if (manifest && facts.length === 0) {
        found.family = manifest.model?.family ?? null
        facts.push(['backend', manifest.backend])
        if (manifest.hardware?.cpu) facts.push(['cpu', `${manifest.hardware.cpu.model} (${manifest.hardware.cpu.cores})`])
        if (manifest.energy) facts.push(['energy', manifest.energy.scope], ['grid', manifest.energy.carbon.text])
      }
      const status = exp?.runs?.[key]?.status
      return {
        key,
        method,
        seed,
        status: status === 'done' ? 'done' : status === 'skipped' ? 'skipped' : !manifest ? 'pending' : record.state === 'running' ? 'running' : 'stopped',
        initial: manifest?.growth?.initial ?? null,
        createdAt: manifest?.createdAt ?? null,
      }
    })
    const p = record.params
    facts.unshift(
      ['from', p.from],
      ['to', p.to],
      ['methods', p.methods.join(', ')],
      ['data', p.data],
      ['budget', `${p.budget.value} ${p.budget.kind}`],
      ['seeds', String(p.seeds ?? 1)],
      ['batch', `${p.batchSize ?? '-'} × ${p.seqLen ?? '-'}`],
      ['evalEvery', String(p.evalEvery ?? '-')],
    )
    facts.push(['folder', dir])
    const reportPath = join(dir, 'report.json')
    const report = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as ComparisonReport) : null
    return { item: this.item(record), family: found.family, facts, params: record.params, subRuns, sourceLoss: exp?.sourceLoss ?? {}, report }
  }

  async metrics(id: string, subRun: string, offset: number): Promise<ComparisonMetricsChunk> {
    if (!SUB_RUN_PATTERN.test(subRun)) throw new StudioError('invalid_request', `"${subRun}" is not a run of a comparison`)
    // Whole lines only; torn or damaged lines skipped; a log cut back on resume is read again (engine/train/metrics-log.ts).
    const { records, nextOffset, reset } = await readMetricsFrom(join(this.dir(id), subRun, 'metrics.jsonl'), offset)
    return { records, nextOffset, reset }
  }
}

/** The fields of a comparison run's manifest.json (engine/experiments/compare.ts GrowthRunManifest) read here. */
interface ManifestView {
  createdAt: string
  backend: string
  model?: { family?: string }
  hardware?: { cpu?: { model: string; cores: number } } | null
  energy?: { scope: string; carbon: { text: string } }
  growth?: { initial: ComparisonSubRun['initial'] }
}
