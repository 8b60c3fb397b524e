/**
 * The model zoo: presets (every family of the paper and the small local ones), the built-in seeds, the library's
 * imports, and the models runs produced (grown models, trained checkpoints), each as a card; a card opened with
 * its config, tensor table and lineage. Header-only: nothing here reads tensor values.
 */
import { existsSync } from 'node:fs'
import type { LineageStep, ModelDetail, ModelQuery, ModelSource, ModelSummary } from '../../shared/models'
import { PRESETS } from '../models/presets'
import { InputError } from '../runtime/input-error'
import { findSeedsDir, loadSeedIndex } from '../seeds'
import { readCheckpointHeaders, type CheckpointHeaders } from './checkpoint-headers'
import type { LibraryEntry } from './library-index'
import { modelCard } from './model-cards'
import { resolveModelId, type ResolveContext } from './model-ref'
import type { RunRecord } from './run-records'
import type { Workspace } from './workspace'

export interface CatalogContext {
  workspace: Workspace | null
  library: readonly LibraryEntry[]
  runs: readonly RunRecord[]
  seedsDir?: string
  /** RAM of the machine running the engine, for the "fits" estimate. */
  availableBytes: number | null
}

/** Header reads keyed by path: the same file is not parsed twice while its size and mtime stay the same. */
export type HeaderReader = (path: string, layout: Parameters<typeof readCheckpointHeaders>[1]) => Promise<CheckpointHeaders>

const resolveContext = (c: CatalogContext): ResolveContext => ({ workspace: c.workspace, library: c.library, seedsDir: c.seedsDir })

/** The source line of a run's output model. */
function runSource(run: RunRecord): ModelSource | null {
  if (run.kind === 'grow' && run.status === 'completed') return { kind: 'grown', from: run.params.from, method: run.params.method, runId: run.id }
  if (run.kind === 'train' && run.lastCheckpointStep !== null) return { kind: 'trained', from: run.params.model, runId: run.id, step: run.lastCheckpointStep }
  return null
}

function seedsDirOf(context: CatalogContext): string | null {
  try {
    return context.seedsDir ?? findSeedsDir()
  } catch {
    return null
  }
}

export async function listCatalog(context: CatalogContext, read: HeaderReader = readCheckpointHeaders): Promise<ModelSummary[]> {
  const cards: ModelSummary[] = []
  const available = context.availableBytes
  for (const preset of PRESETS) {
    cards.push(modelCard({ id: `preset:${preset.id}`, name: preset.label, config: preset.config, source: { kind: 'preset', presetId: preset.id, paper: preset.paper }, sizeBytes: null, addedAt: null, availableBytes: available }))
  }
  const seedsDir = seedsDirOf(context)
  if (seedsDir) {
    for (const seed of loadSeedIndex(seedsDir).seeds) {
      const location = resolveModelId(`seed:${seed.name}`, { ...resolveContext(context), seedsDir })
      if (location.kind !== 'checkpoint') continue
      const headers = await read(location.path, location.layout)
      cards.push(modelCard({ id: `seed:${seed.name}`, name: seed.name, config: headers.config, source: { kind: 'builtin', seed: seed.name, preset: seed.preset, data: seed.data }, sizeBytes: seed.bytes, addedAt: seed.training.date, warnings: headers.warnings, availableBytes: available }))
    }
  }
  for (const entry of context.library) {
    if (!existsSync(entry.path)) continue // getModel says the file is gone; listing skips it
    try {
      const location = resolveModelId(`lib:${entry.id}`, resolveContext(context))
      if (location.kind !== 'checkpoint') continue
      const headers = await read(location.path, location.layout)
      const source: ModelSource = entry.origin === 'upload' ? { kind: 'uploaded', fileName: entry.name } : { kind: 'imported', path: entry.path }
      cards.push(modelCard({ id: `lib:${entry.id}`, name: entry.name, config: headers.config, source, sizeBytes: entry.sizeBytes, addedAt: entry.addedAt, warnings: headers.warnings, availableBytes: available }))
    } catch {
      // a file changed into something unreadable since it was imported: getModel reports the parser's error
    }
  }
  for (const run of context.runs) {
    const source = runSource(run)
    if (!source || !context.workspace) continue
    try {
      const location = resolveModelId(`run:${run.id}`, resolveContext(context))
      if (location.kind !== 'checkpoint') continue
      const headers = await read(location.path, location.layout)
      cards.push(modelCard({ id: `run:${run.id}`, name: run.name, config: headers.config, source, sizeBytes: headers.sizeBytes, addedAt: run.updatedAt, warnings: headers.warnings, availableBytes: available }))
    } catch {
      // a run deleted or half-written meanwhile
    }
  }
  return cards
}

/** Filter and sort cards as ModelQuery says. */
export function queryCards(cards: readonly ModelSummary[], query: ModelQuery = {}): ModelSummary[] {
  const search = query.search?.trim().toLowerCase()
  const out = cards.filter(
    (card) =>
      (!search || card.name.toLowerCase().includes(search) || card.id.toLowerCase().includes(search)) &&
      (!query.families || query.families.length === 0 || query.families.includes(card.family)) &&
      (!query.sources || query.sources.length === 0 || query.sources.includes(card.source.kind)) &&
      (query.minParameters === undefined || card.parameters >= query.minParameters) &&
      (query.maxParameters === undefined || card.parameters <= query.maxParameters),
  )
  if (query.sort) {
    const key = (card: ModelSummary): number | string => (query.sort === 'parameters' ? card.parameters : query.sort === 'date' ? (card.addedAt ?? '') : card.name.toLowerCase())
    const sign = query.order === 'desc' ? -1 : 1
    out.sort((a, b) => {
      const ka = key(a)
      const kb = key(b)
      return ka < kb ? -sign : ka > kb ? sign : 0
    })
  }
  return out
}

/** The chain of models `id` was made from, `id` first; stops at a preset, seed or import, or after 32 links. */
export function lineageOf(id: string, context: CatalogContext, cards: readonly ModelSummary[]): LineageStep[] {
  const steps: LineageStep[] = []
  let current: string | null = id
  const seen = new Set<string>()
  while (current !== null && steps.length < 32 && !seen.has(current)) {
    seen.add(current)
    const card = cards.find((c) => c.id === current)
    const runId: string | null = /^run:([^/]+)/.exec(current)?.[1] ?? null
    const run: RunRecord | undefined = runId === null ? undefined : context.runs.find((r) => r.id === runId)
    if (!run) {
      steps.push({ modelId: card ? current : null, name: card?.name ?? current, made: null })
      break
    }
    const step = /\/step-(\d+)$/.exec(current)
    const from: string = run.kind === 'train' ? run.params.model : run.params.from
    const made: LineageStep['made'] =
      run.kind === 'grow' ? { kind: 'grown', method: run.params.method, runId: run.id } : { kind: 'trained', runId: run.id, step: step ? Number(step[1]) : (run.lastCheckpointStep ?? 0) }
    steps.push({ modelId: current, name: card?.name ?? run.name, made })
    current = from
  }
  return steps
}

/** An opened card: its summary, config, tensor table and lineage. */
export async function describeModel(id: string, context: CatalogContext, read: HeaderReader = readCheckpointHeaders): Promise<ModelDetail> {
  const cards = await listCatalog(context, read)
  const location = resolveModelId(id, resolveContext(context))
  if (location.kind === 'preset') {
    const summary = cards.find((c) => c.id === id)!
    return { summary, config: { ...location.config }, weightsPath: null, sourceClass: null, tensors: [], lineage: lineageOf(id, context, cards) }
  }
  if (location.kind === 'config') throw new InputError(`${id} is a config file, not a model`)
  const headers = await read(location.path, location.layout)
  const listed = cards.find((c) => c.id === id)
  const run = /^run:([^/]+)/.exec(id)?.[1]
  const record = run ? context.runs.find((r) => r.id === run) : undefined
  const step = /\/step-(\d+)$/.exec(id)
  const summary =
    listed ??
    modelCard({
      id,
      name: location.name,
      config: headers.config,
      source: record ? { kind: 'trained', from: record.kind === 'train' ? record.params.model : record.params.from, runId: record.id, step: step ? Number(step[1]) : (record.lastCheckpointStep ?? 0) } : { kind: 'imported', path: location.path },
      sizeBytes: headers.sizeBytes,
      addedAt: record?.updatedAt ?? null,
      warnings: headers.warnings,
      availableBytes: context.availableBytes,
    })
  return { summary, config: { ...headers.config }, weightsPath: headers.weightsPath, sourceClass: headers.sourceClass, tensors: headers.tensors, lineage: lineageOf(id, context, cards) }
}
