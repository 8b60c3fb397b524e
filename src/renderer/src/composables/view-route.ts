/**
 * Which view is shown, kept in the address hash as "#/<id>" so views can be linked and the back button
 * works. Other hashes (the skip link's "#main") are in-page anchors and leave the view alone.
 */
import { computed, onBeforeUnmount, onMounted, ref } from 'vue'
import type { ViewEntry } from '../views'

export function viewIdFromHash(hash: string, views: readonly ViewEntry[]): string | null {
  const match = /^#\/([\w-]+)$/.exec(hash)
  return match && views.some((view) => view.id === match[1]) ? match[1] : null
}

export function viewHref(id: string): string {
  return `#/${id}`
}

export function useViewRoute(views: readonly ViewEntry[], page: Window = window) {
  if (views.length === 0) throw new Error('useViewRoute needs at least one view.')
  const currentId = ref(viewIdFromHash(page.location.hash, views) ?? views[0].id)
  const currentView = computed(() => views.find((view) => view.id === currentId.value) ?? views[0])

  function onHashChange(): void {
    const id = viewIdFromHash(page.location.hash, views)
    if (id) currentId.value = id
  }
  onMounted(() => page.addEventListener('hashchange', onHashChange))
  onBeforeUnmount(() => page.removeEventListener('hashchange', onHashChange))

  return { currentId, currentView }
}
