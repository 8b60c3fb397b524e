/**
 * The zoo's methods: list and open cards, import by reference (desktop), remove, reveal. Imports are inspected
 * header-only by the engine's library code; several paths import one by one and a bad file fails alone.
 */
import { describeModel, listCatalog, queryCards } from '../../engine/library/catalog'
import { cachedHeaderReader } from '../../engine/library/header-cache'
import { modelCard } from '../../engine/library/model-cards'
import { resolveModelId } from '../../engine/library/model-ref'
import type { ImportedEntry } from '../../engine/library/model-library'
import { StudioError, serializeError, type ImportOutcome } from '../../shared'
import type { Handlers, StudioContext } from '../studio-context'

type ModelMethods = 'listModels' | 'getModel' | 'importPaths' | 'removeModel' | 'revealModel'

/** The outcome of one import as the API returns it. */
export function importOutcome(context: StudioContext, path: string, imported: ImportedEntry): ImportOutcome {
  const { entry, headers, alreadyInLibrary } = imported
  const model = modelCard({
    id: `lib:${entry.id}`,
    name: entry.name,
    config: headers.config,
    source: entry.origin === 'upload' ? { kind: 'uploaded', fileName: entry.name } : { kind: 'imported', path: entry.path },
    sizeBytes: entry.sizeBytes,
    addedAt: entry.addedAt,
    warnings: headers.warnings,
    availableBytes: context.catalog().availableBytes,
  })
  return { ok: true, path, model, alreadyInLibrary }
}

export function importFailure(path: string, error: unknown): ImportOutcome {
  const { code, message } = serializeError(error)
  return { ok: false, path, error: { code: code === 'engine_error' ? 'invalid_request' : code, message } }
}

export function createModelHandlers(context: StudioContext): Handlers<ModelMethods> {
  // Each checkpoint's headers are parsed once while its files stay the same (engine/library/header-cache.ts).
  const headers = cachedHeaderReader()
  return {
    listModels: async ({ query }) => queryCards(await listCatalog(context.catalog(), headers), query),
    getModel: async ({ id }) => describeModel(id, context.catalog(), headers),
    importPaths: async ({ paths }) => {
      const outcomes: ImportOutcome[] = []
      for (const path of paths) {
        try {
          const checked = await context.policy.checkReadable(path)
          outcomes.push(importOutcome(context, path, await context.library().importPath(checked.path, 'reference')))
        } catch (error) {
          outcomes.push(importFailure(path, error))
        }
      }
      if (outcomes.some((o) => o.ok)) context.emit({ type: 'library.changed', reason: 'imported' })
      return outcomes
    },
    removeModel: async ({ id }) => {
      if (!id.startsWith('lib:')) throw new StudioError('invalid_request', `Only imported models can be removed from the library; ${id} is not one (delete a run to remove its models)`)
      const result = await context.library().remove(id.slice(4))
      if (result.removed) context.emit({ type: 'library.changed', reason: 'removed' })
      return result
    },
    revealModel: async ({ id }) => {
      if (!context.desktop) throw new StudioError('unsupported', 'Reveal in folder works in the desktop app only')
      const location = resolveModelId(id, context.catalog())
      if (location.kind === 'preset') throw new StudioError('invalid_request', `${location.name} is a size preset; it has no files to show`)
      context.desktop.reveal(location.path)
      return { revealed: true }
    },
  }
}
