/**
 * Runs of every kind (train, grow, compare): the list (states, progress, ETA, budget used) and the opened run.
 * Opening a run catches up from its metrics logs (every series read from offset 0), then follows live: each change
 * the host reports, and a poll every second while the run is running, reads only what was written since the last
 * offset. Long series stay out of deep reactivity (shallowRef, new arrays on change), as the style guide asks.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { MetricRecord } from '../../../shared/train'
import { errorMessageOf, useStudioClient } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'
import { withName } from './run-name'
import { runsSourceFor, type DatasetInfo, type RunDetail, type RunsSource, type RunSummary, type StartCompareParams, type StartTrainParams } from './runs-source'

export const RUN_POLL_MS = 1000

let source: RunsSource | null = null
/** Tests install a fake; the app reads runs through the Studio client. */
export function installRunsSource(next: RunsSource | null): void {
  source = next
}
/** Task ids of runs: the ids the list knows, and the open one (a run started elsewhere appears with its run.status event). */
const knownRuns = new Set<string>()
function runsSource(): RunsSource {
  source ??= runsSourceFor(useStudioClient(), (taskId) => knownRuns.has(taskId))
  return source
}

export const useRunsStore = defineStore('runs', () => {
  const announcer = useAnnouncerStore()
  const items = shallowRef<RunSummary[]>([])
  const datasets = shallowRef<DatasetInfo[]>([])
  const listError = ref<string | null>(null)
  /** Why the host refused the last start (shown beside the form that asked). */
  const startError = ref<string | null>(null)
  const loading = ref(false)
  const openId = ref<string | null>(null)
  const detail = shallowRef<RunDetail | null>(null)
  const detailError = ref<string | null>(null)
  /** Records per series key, and where to read next. */
  const records = shallowRef<Record<string, MetricRecord[]>>({})
  const offsets = new Map<string, number>()
  let timer: ReturnType<typeof setInterval> | null = null
  let stopChanges: (() => void) | null = null
  let reading: Promise<void> | null = null

  const openItem = computed(() => items.value.find((i) => i.id === openId.value) ?? detail.value?.summary ?? null)

  async function refreshList(): Promise<void> {
    loading.value = true
    try {
      items.value = await runsSource().list()
      knownRuns.clear()
      for (const item of items.value) knownRuns.add(item.id)
      if (openId.value) knownRuns.add(openId.value)
      listError.value = null
    } catch (error) {
      listError.value = translate('runs.list.loadFailed', { message: errorMessageOf(error) })
    } finally {
      loading.value = false
    }
  }

  /** Reads the open run's detail and every series' new metrics lines (one read at a time). */
  function catchUp(): Promise<void> {
    reading ??= (async () => {
      const id = openId.value
      if (!id) return
      try {
        const next = await runsSource().detail(id)
        if (openId.value !== id) return
        const updated = { ...records.value }
        let changed = false
        for (const series of next.series) {
          if (series.status === 'skipped' || series.status === 'pending') continue
          const chunk = await runsSource().metrics(id, series.key, offsets.get(series.key) ?? 0)
          if (openId.value !== id) return
          offsets.set(series.key, chunk.nextOffset)
          // a resumed run's log restarts at its last checkpoint: what it holds now replaces what was read
          if (chunk.reset) (updated[series.key] = chunk.records), (changed = true)
          else if (chunk.records.length > 0) (updated[series.key] = [...(updated[series.key] ?? []), ...chunk.records]), (changed = true)
        }
        detail.value = next
        detailError.value = null
        if (changed) records.value = updated
        if (next.summary.status !== 'running' && next.summary.status !== 'queued') stopPolling()
      } catch (error) {
        detailError.value = translate('runs.page.loadFailed', { message: errorMessageOf(error) })
      }
    })().finally(() => (reading = null))
    return reading
  }

  function stopPolling(): void {
    if (timer) clearInterval(timer)
    timer = null
  }

  function startWatching(): void {
    stopChanges ??= runsSource().onChange(() => {
      void refreshList()
      if (openId.value) void catchUp()
    })
  }

  async function open(id: string): Promise<void> {
    if (openId.value === id && detail.value) return
    close()
    openId.value = id
    knownRuns.add(id)
    startWatching()
    await catchUp()
    follow()
  }

  /** Poll while the open run is running or queued (the host's change events make it faster, not correct). */
  function follow(): void {
    const status = detail.value?.summary.status
    if (!timer && (status === 'running' || status === 'queued')) timer = setInterval(() => void catchUp(), RUN_POLL_MS)
  }

  function close(): void {
    stopPolling()
    openId.value = null
    detail.value = null
    detailError.value = null
    records.value = {}
    offsets.clear()
  }

  /** `steps` (resume of a training run): continue it up to this step. */
  async function act(id: string, action: 'cancel' | 'resume' | 'remove', steps?: number): Promise<boolean> {
    try {
      if (action === 'resume') await runsSource().resume(id, steps)
      else await runsSource()[action](id)
      announcer.announce(translate(`runs.actions.${action}Done`))
      if (action === 'remove' && openId.value === id) close()
      await refreshList()
      // a resumed run appends to its logs: keep the offsets, read its new state (after any read in flight), follow it
      if (action === 'resume' && openId.value === id) {
        await reading
        await catchUp()
        follow()
      }
      return true
    } catch (error) {
      announcer.announce(translate('runs.actions.failed', { message: errorMessageOf(error) }))
      listError.value = translate('runs.actions.failed', { message: errorMessageOf(error) })
      return false
    }
  }

  /** Queues a run; its id, or null with the host's reason in startError. */
  async function start(run: { kind: 'train'; params: StartTrainParams } | { kind: 'compare'; params: StartCompareParams }): Promise<string | null> {
    try {
      // named here, in the window's language (the host would name it in English)
      const summary = run.kind === 'train' ? await runsSource().startTrain(withName(run)) : await runsSource().startCompare(withName(run))
      startError.value = null
      knownRuns.add(summary.id)
      void refreshList()
      return summary.id
    } catch (error) {
      startError.value = translate('runs.actions.failed', { message: errorMessageOf(error) })
      return null
    }
  }

  /** The built-in datasets, read once. */
  async function loadDatasets(): Promise<void> {
    if (datasets.value.length > 0) return
    try {
      datasets.value = await runsSource().datasets()
    } catch (error) {
      listError.value = translate('runs.list.loadFailed', { message: errorMessageOf(error) })
    }
  }

  function watchList(): void {
    startWatching()
    void refreshList()
  }

  return { items, datasets, listError, startError, loading, openId, openItem, detail, detailError, records, refreshList, watchList, open, close, catchUp, act, start, loadDatasets }
})
