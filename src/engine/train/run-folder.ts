/**
 * A training run on disk:
 *
 *   <run>/manifest.json          what ran: model config, data, hyper-parameters, seed, backend, hardware, versions
 *   <run>/metrics.jsonl          one MetricRecord per line, append-only, each line fsync'd
 *   <run>/tokenizer.json, ...    the tokenizer (text models), HF files
 *   <run>/checkpoints/step-NNNNNNN/   model.safetensors, optimizer.safetensors, trainer-state.json, config.json
 *
 * A checkpoint folder is built under a temporary name and renamed into place (then the parent folder is fsync'd),
 * so a crash leaves either the whole checkpoint or none; an old one is renamed away before it is deleted. On resume the metrics log is cut back to the checkpoint's
 * step, so the log never holds steps the resumed run will redo.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../io/atomic-write'
import type { MetricRecord } from '../../shared/train'

export const MANIFEST_FILE = 'manifest.json'
export const METRICS_FILE = 'metrics.jsonl'
export const CHECKPOINTS_DIR = 'checkpoints'
const CHECKPOINT_NAME = /^step-(\d{7,})$/

export class RunFolderError extends Error {
  constructor(
    readonly dir: string,
    problem: string,
  ) {
    super(`Run folder ${dir}: ${problem}`)
    this.name = 'RunFolderError'
  }
}

export const checkpointName = (step: number): string => `step-${String(step).padStart(7, '0')}`

function fsyncDir(dir: string): void {
  // Directory fsync makes a rename durable on Linux; some platforms (Windows) refuse to open a folder: skip there.
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

export class RunFolder<Manifest extends object = Record<string, unknown>> {
  private metricsFd: number | null = null

  private constructor(
    readonly dir: string,
    public manifest: Manifest,
  ) {}

  /** A new run: the folder may exist but must not hold a run already (resume it instead). */
  static async create<M extends object>(dir: string, manifest: M): Promise<RunFolder<M>> {
    if (existsSync(join(dir, MANIFEST_FILE))) throw new RunFolderError(dir, `it already holds a run (${MANIFEST_FILE}); resume it or choose another folder`)
    mkdirSync(join(dir, CHECKPOINTS_DIR), { recursive: true })
    const folder = new RunFolder(dir, manifest)
    await folder.writeManifest(manifest)
    return folder
  }

  /** An existing run, to resume or read. */
  static open<M extends object>(dir: string): RunFolder<M> {
    const path = join(dir, MANIFEST_FILE)
    if (!existsSync(path)) throw new RunFolderError(dir, `no ${MANIFEST_FILE} here, so it is not a run folder`)
    let manifest: M
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as M
    } catch (error) {
      throw new RunFolderError(dir, `${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`)
    }
    mkdirSync(join(dir, CHECKPOINTS_DIR), { recursive: true })
    return new RunFolder(dir, manifest)
  }

  async writeManifest(manifest: Manifest): Promise<void> {
    this.manifest = manifest
    await writeFileAtomic(join(this.dir, MANIFEST_FILE), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'))
  }

  get metricsPath(): string {
    return join(this.dir, METRICS_FILE)
  }

  /** Appends one line and fsyncs it, so a killed run keeps every line it reported. */
  appendMetrics(record: MetricRecord): void {
    this.metricsFd ??= openSync(this.metricsPath, 'a')
    writeSync(this.metricsFd, JSON.stringify(record) + '\n')
    fsyncSync(this.metricsFd)
  }

  /** Every complete line (a torn last line from a crash is skipped). */
  readMetrics(): MetricRecord[] {
    return this.readMetricLines().records
  }

  /** The lines that parse, and how many did not (a line torn by a crash, or damaged). */
  private readMetricLines(): { records: MetricRecord[]; damaged: number } {
    if (!existsSync(this.metricsPath)) return { records: [], damaged: 0 }
    const records: MetricRecord[] = []
    let damaged = 0
    for (const line of readFileSync(this.metricsPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue
      try {
        records.push(JSON.parse(line) as MetricRecord)
      } catch {
        damaged++ // a partial line written when the process died
      }
    }
    return { records, damaged }
  }

  /**
   * Keeps the lines up to `step` (the checkpoint a resume starts from) and drops the rest, atomically, torn and
   * damaged lines included. Says how many of each went, for the resume notice.
   */
  async truncateMetrics(step: number): Promise<{ dropped: number; torn: number }> {
    this.closeMetrics()
    const { records, damaged } = this.readMetricLines()
    const kept = records.filter((r) => r.step <= step)
    await writeFileAtomic(this.metricsPath, Buffer.from(kept.map((r) => JSON.stringify(r) + '\n').join('')))
    return { dropped: records.length - kept.length, torn: damaged }
  }

  /** Complete checkpoints, oldest first. */
  listCheckpoints(): Array<{ step: number; path: string }> {
    const dir = join(this.dir, CHECKPOINTS_DIR)
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .map((name) => ({ name, match: CHECKPOINT_NAME.exec(name) }))
      .filter((e) => e.match !== null)
      .map((e) => ({ step: Number(e.match![1]), path: join(dir, e.name) }))
      .sort((a, b) => a.step - b.step)
  }

  latestCheckpoint(): { step: number; path: string } | null {
    return this.listCheckpoints().at(-1) ?? null
  }

  /**
   * Writes a checkpoint: `fill` writes the files into a temporary folder, which is then renamed to step-NNNNNNN.
   * Older checkpoints beyond `keep` are deleted afterwards. Returns the checkpoint's path.
   */
  async writeCheckpoint(step: number, keep: number, fill: (dir: string) => Promise<void>): Promise<string> {
    const parent = join(this.dir, CHECKPOINTS_DIR)
    mkdirSync(parent, { recursive: true })
    const final = join(parent, checkpointName(step))
    const temporary = join(parent, `.${checkpointName(step)}.partial-${process.pid}`)
    rmSync(temporary, { recursive: true, force: true })
    mkdirSync(temporary)
    try {
      await fill(temporary)
      fsyncDir(temporary)
      // Replacing the same step (a run resumed from it and cancelled again before its next step) is rare; the old
      // copy holds the same state. It is renamed away, never deleted in place, so no half checkpoint is ever visible.
      const replaced = join(parent, `.${checkpointName(step)}.partial-replaced-${process.pid}`)
      if (existsSync(final)) renameSync(final, replaced)
      renameSync(temporary, final)
      fsyncDir(parent)
      rmSync(replaced, { recursive: true, force: true })
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true })
      throw error
    }
    const all = this.listCheckpoints()
    for (const old of all.slice(0, Math.max(0, all.length - keep))) {
      // Out of sight first (one rename), then deleted: a kill mid-delete never leaves a half checkpoint under its name.
      const doomed = join(parent, `.${checkpointName(old.step)}.partial-delete-${process.pid}`)
      renameSync(old.path, doomed)
      rmSync(doomed, { recursive: true, force: true })
    }
    return final
  }

  /** Removes partial checkpoint folders a killed run left behind. */
  removePartialCheckpoints(): void {
    const parent = join(this.dir, CHECKPOINTS_DIR)
    if (!existsSync(parent)) return
    for (const name of readdirSync(parent)) if (name.includes('.partial-')) rmSync(join(parent, name), { recursive: true, force: true })
  }

  closeMetrics(): void {
    if (this.metricsFd !== null) closeSync(this.metricsFd)
    this.metricsFd = null
  }
}

/** The resume notice's part about the metrics log: "" when nothing was dropped. */
export function droppedMetricsNotice({ dropped, torn }: { dropped: number; torn: number }): string {
  const parts = [dropped > 0 ? `dropped ${dropped} metrics line(s) logged after it` : '', torn > 0 ? `${torn} torn line${torn > 1 ? 's' : ''} of metrics.jsonl left by a crash dropped` : '']
  const text = parts.filter((p) => p !== '').join('; ')
  return text === '' ? '' : ` (${text})`
}
