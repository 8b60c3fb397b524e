/**
 * Which view is shown, kept in the address hash as "#/<id>" or "#/<id>?key=value&..." so views can be
 * linked (a model page: "#/zoo?model=bert-base"; the designer with a source: "#/designer?source=...") and
 * the back button works. Other hashes (the skip link's "#main") are in-page anchors and leave the view alone.
 * App owns the listener (useViewRoute); any view reads its query with useViewQuery() and moves with navigate().
 */
import { computed, onBeforeUnmount, onMounted, readonly, ref, type ComputedRef, type InjectionKey } from 'vue'
import type { ViewEntry } from '../views'

export type ViewQuery = Readonly<Record<string, string>>

export interface ViewLocation {
  id: string
  query: ViewQuery
}

export function parseViewHash(hash: string, views: readonly ViewEntry[]): ViewLocation | null {
  const match = /^#\/([\w-]+)(?:\?(.*))?$/.exec(hash)
  if (!match || !views.some((view) => view.id === match[1])) return null
  return { id: match[1], query: Object.fromEntries(new URLSearchParams(match[2] ?? '')) }
}

export function viewHref(id: string, query: Record<string, string | undefined> = {}): string {
  const pairs = Object.entries(query).filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '')
  return pairs.length ? `#/${id}?${new URLSearchParams(pairs).toString()}` : `#/${id}`
}

/** The ids of the views the app has (App provides them), so a link to a view that is not there is not shown. */
export const VIEW_IDS_KEY: InjectionKey<readonly string[]> = Symbol('view-ids')

// One route for the page: App's useViewRoute writes it, views read it.
const location = ref<ViewLocation>({ id: '', query: {} })

export function useViewRoute(views: readonly ViewEntry[], page: Window = window) {
  if (views.length === 0) throw new Error('useViewRoute needs at least one view.')
  location.value = parseViewHash(page.location.hash, views) ?? { id: views[0].id, query: {} }
  const currentId = computed(() => location.value.id)
  const currentView = computed(() => views.find((view) => view.id === location.value.id) ?? views[0])

  function onHashChange(): void {
    const next = parseViewHash(page.location.hash, views)
    if (next) location.value = next
  }
  onMounted(() => page.addEventListener('hashchange', onHashChange))
  onBeforeUnmount(() => page.removeEventListener('hashchange', onHashChange))

  return { currentId, currentView, query: computed(() => location.value.query) }
}

/** The shown view's query ("#/zoo?model=x" gives { model: 'x' }). */
export function useViewQuery(): ComputedRef<ViewQuery> {
  return computed(() => readonly(location.value.query) as ViewQuery)
}

/** Go to a view (adds a history entry, so Back returns). */
export function navigate(id: string, query: Record<string, string | undefined> = {}, page: Window = window): void {
  page.location.hash = viewHref(id, query)
}
