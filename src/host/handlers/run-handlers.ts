/**
 * Runs (train, grow, compare through the queue), the growth methods the designer offers, and forward passes of any
 * zoo model. The method list comes from the engine's registry (growth/methods), so a new method shows up here as
 * soon as it is registered.
 */
import { methodCatalog } from '../../engine/growth/methods'
import { modelArgument, resolveModelRef } from '../../engine/library/model-ref'
import { StudioError } from '../../shared'
import type { RunQueue } from '../run-queue'
import { isBuiltInName } from '../path-check'
import type { Handlers, StudioContext } from '../studio-context'

type RunMethods =
  | 'listGrowthMethods'
  | 'startTrain'
  | 'startGrow'
  | 'startCompare'
  | 'forward'
  | 'listRuns'
  | 'getRun'
  | 'readRunMetrics'
  | 'cancelRun'
  | 'resumeRun'
  | 'deleteRun'

/**
 * A run's `data` and `to` name a built-in corpus, preset or zoo model, or else a file: files go through the path
 * policy (behind `ligo serve`, inside the workspace; links resolved) and reach the queue as real absolute paths.
 */
async function checkedPaths<P extends { data?: string; to?: unknown }>(context: StudioContext, params: P): Promise<P> {
  const out: Record<string, unknown> = { ...params }
  const seedsDir = context.catalog().seedsDir
  for (const key of ['data', 'to'] as const) {
    const value = out[key] // a target may also be the designer's sizes: not a path
    if (typeof value === 'string' && !isBuiltInName(value, seedsDir)) out[key] = (await context.policy.checkReadable(value)).path
  }
  return out as P
}

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
    startTrain: async (params) => queue().start({ kind: 'train', params: await checkedPaths(context, params) }),
    startGrow: async (params) => queue().start({ kind: 'grow', params: await checkedPaths(context, params) }),
    startCompare: async (params) => queue().start({ kind: 'compare', params: await checkedPaths(context, params) }),
    forward: ({ taskId, model, input }) => {
      const location = resolveModelRef(model, context.catalog())
      if (location.kind !== 'checkpoint') throw new StudioError('invalid_request', `${location.name} has no weights to run (a preset or a config); grow or train it first`)
      return context.runTask(taskId, (signal, onEvent) => context.engine.call('checkpointForward', { checkpoint: modelArgument(location), input }, { signal, onEvent }))
    },
    listRuns: () => queue().list(),
    getRun: ({ runId }) => queue().detail(runId),
    readRunMetrics: ({ runId, fromOffset, series }) => queue().metrics(runId, fromOffset, series),
    cancelRun: ({ runId }) => queue().cancel(runId),
    resumeRun: ({ runId, steps }) => queue().resume(runId, steps),
    deleteRun: ({ runId }) => queue().remove(runId),
  }
}
