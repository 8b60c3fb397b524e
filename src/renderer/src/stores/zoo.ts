/**
 * The model zoo: the cards the host lists (filtered and sorted by the host), the facets to filter by (from the
 * unfiltered list), the opened model, and the card actions that are calls (remove, reveal). The list refreshes
 * when the host says the library changed (library.changed: an import, a removal, a run's new checkpoint).
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { MODEL_SOURCE_KINDS, type ModelDetail, type ModelSummary } from '../../../shared/models'
import { errorMessageOf, useStudioClient } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'
import { DEFAULT_FILTERS, isFiltered, queryFor, type ZooFilters } from './zoo-filters'

/** Typing in the search box asks the host once the typing pauses. */
const FILTER_DELAY_MS = 150

export const useZooStore = defineStore('zoo', () => {
  const client = useStudioClient()
  const announcer = useAnnouncerStore()

  const all = shallowRef<ModelSummary[]>([])
  const shown = shallowRef<ModelSummary[]>([])
  const filters = reactive<ZooFilters>({ ...DEFAULT_FILTERS })
  const loading = ref(false)
  const loaded = ref(false)
  const loadError = ref<string | null>(null)

  const families = computed(() => [...new Set(all.value.map((m) => m.family))].sort())
  const sources = computed(() => MODEL_SOURCE_KINDS.filter((kind) => all.value.some((m) => m.source.kind === kind)))
  const filtered = computed(() => isFiltered(filters))

  // A slow answer for earlier filters must not replace a later one.
  let sequence = 0

  async function refresh(): Promise<void> {
    const mine = ++sequence
    loading.value = true
    try {
      const [everything, matching] = await Promise.all([client.listModels({}), client.listModels({ query: queryFor(filters) })])
      if (mine !== sequence) return
      all.value = everything
      shown.value = matching
      loadError.value = null
      loaded.value = true
    } catch (error) {
      if (mine !== sequence) return
      loadError.value = translate('zoo.loadFailed', { message: errorMessageOf(error) })
      announcer.announce(loadError.value)
    } finally {
      if (mine === sequence) loading.value = false
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null
  watch(filters, () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void refresh(), FILTER_DELAY_MS)
  })

  function clearFilters(): void {
    Object.assign(filters, DEFAULT_FILTERS)
  }

  client.onEvents((events) => {
    if (events.some((event) => event.type === 'library.changed') && loaded.value) void refresh()
  })

  // The opened model (a model page).
  const detail = shallowRef<ModelDetail | null>(null)
  const detailLoading = ref(false)
  const detailError = ref<string | null>(null)
  let detailSequence = 0

  async function open(id: string): Promise<void> {
    const mine = ++detailSequence
    detailLoading.value = true
    detailError.value = null
    if (detail.value?.summary.id !== id) detail.value = null
    try {
      const result = await client.getModel({ id })
      if (mine === detailSequence) detail.value = result
    } catch (error) {
      if (mine === detailSequence) detailError.value = translate('zoo.page.loadFailed', { message: errorMessageOf(error) })
    } finally {
      if (mine === detailSequence) detailLoading.value = false
    }
  }

  async function remove(model: ModelSummary): Promise<boolean> {
    try {
      await client.removeModel({ id: model.id })
      announcer.announce(translate('zoo.remove.done', { name: model.name }))
      await refresh()
      return true
    } catch (error) {
      announcer.announce(translate('zoo.remove.failed', { name: model.name, message: errorMessageOf(error) }))
      return false
    }
  }

  async function reveal(model: ModelSummary): Promise<void> {
    try {
      await client.revealModel({ id: model.id })
      announcer.announce(translate('zoo.actions.revealed'))
    } catch (error) {
      announcer.announce(translate('zoo.actions.revealFailed', { message: errorMessageOf(error) }))
    }
  }

  return { all, shown, filters, filtered, families, sources, loading, loaded, loadError, refresh, clearFilters, detail, detailLoading, detailError, open, remove, reveal }
})
