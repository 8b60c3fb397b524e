/**
 * What the app opened from its menu, the dock or a second launch (app.opened / app.error events), and what the
 * host sniffed from it. (Dropping on the window imports into the zoo: stores/imports.ts.)
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DroppedItemReport } from '../../../shared/dropped'
import { useStudioClient } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'

export type DropStatus = 'idle' | 'done' | 'error'

export const useDropsStore = defineStore('drops', () => {
  const client = useStudioClient()
  const announcer = useAnnouncerStore()
  const status = ref<DropStatus>('idle')
  const itemName = ref<string | null>(null)
  const report = shallowRef<DroppedItemReport | null>(null)
  const error = ref<string | null>(null)

  client.onEvents((events) => {
    for (const event of events) {
      if (event.type === 'app.opened') showReport(event.report)
      else if (event.type === 'app.error') showError(event.message)
    }
  })

  function showReport(next: DroppedItemReport): void {
    status.value = 'done'
    itemName.value = next.name
    report.value = next
    error.value = null
    announcer.announce(translate('drop.announce.done', { name: next.name, kind: translate(`drop.kinds.${next.kind}`), detail: next.detail }))
  }

  function showError(message: string): void {
    status.value = 'error'
    itemName.value = null
    report.value = null
    error.value = message
    announcer.announce(translate('drop.announce.failed', { name: translate('drop.theItem'), message }))
  }

  return { status, itemName, report, error }
})
