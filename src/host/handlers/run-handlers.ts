/**
 * Runs (train, grow, compare: one queue), the growth methods the designer offers, the built-in datasets the
 * training form offers, and forward passes of any zoo model. Methods and datasets come from the engine's
 * registries (growth/methods, data/corpora.ts), so a new entry shows up here as soon as it is registered.
 */
import { CORPORA } from '../../engine/data/corpora'
import { methodCatalog } from '../../engine/growth/methods'
import { modelArgument, resolveModelRef } from '../../engine/library/model-ref'
import { StudioError } from '../../shared'
import type { RunQueue } from '../run-queue'
import type { Handlers, StudioContext } from '../studio-context'

type RunMethods =
  | 'listGrowthMethods'
  | 'startTrain'
  | 'startGrow'
  | 'startCompare'
  | 'forward'
  | 'listDatasets'
  | 'listRuns'
  | 'getRun'
  | 'readRunMetrics'
  | 'cancelRun'
  | 'resumeRun'
  | 'deleteRun'

export function createRunHandlers(context: StudioContext, queue: () => RunQueue): Handlers<RunMethods> {
  return {
    listGrowthMethods: async () =>
      methodCatalog().map((m) => ({
        name: m.name,
        label: m.label,
        paper: m.paper,
        grows: { ...m.grows },
        functionPreserving: m.functionPreserving,
        trainsOperator: m.growthPhase,
        settings: m.settings.map((s) => ({ name: s.name, type: s.type, default: s.default, min: s.min, max: s.max, choices: s.choices ? [...s.choices] : undefined, description: s.help })),
      })),
    startTrain: async (params) => queue().start({ kind: 'train', params }),
    startGrow: async (params) => queue().start({ kind: 'grow', params }),
    startCompare: async (params) => queue().start({ kind: 'compare', params }),
    forward: ({ taskId, model, input }) => {
      const location = resolveModelRef(model, context.catalog())
      if (location.kind !== 'checkpoint') throw new StudioError('invalid_request', `${location.name} has no weights to run (a preset or a config); grow or train it first`)
      return context.runTask(taskId, (signal, onEvent) => context.engine.call('checkpointForward', { checkpoint: modelArgument(location), input }, { signal, onEvent }))
    },
    listDatasets: async () => CORPORA.map((c) => ({ id: c.id, modality: c.kind, title: c.title })),
    listRuns: () => queue().list(),
    getRun: ({ runId }) => queue().detail(runId),
    readRunMetrics: ({ runId, fromOffset, series }) => queue().metrics(runId, fromOffset, series),
    cancelRun: ({ runId }) => queue().cancel(runId),
    resumeRun: ({ runId, steps }) => queue().resume(runId, steps),
    deleteRun: ({ runId }) => queue().remove(runId),
  }
}
