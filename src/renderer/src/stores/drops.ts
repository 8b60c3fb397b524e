/**
 * The last item dropped on the window, picked with "Open a file…", or opened by the app
 * (menu, dock, second launch: app.opened / app.error events), and what the host sniffed from it.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DroppedItemReport } from '../../../shared/dropped'
import { errorMessageOf, useStudioClient, type InspectOptions } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'

export type DropStatus = 'idle' | 'reading' | 'done' | 'error'

export const useDropsStore = defineStore('drops', () => {
  const client = useStudioClient()
  const announcer = useAnnouncerStore()
  const status = ref<DropStatus>('idle')
  const itemName = ref<string | null>(null)
  const report = shallowRef<DroppedItemReport | null>(null)
  const error = ref<string | null>(null)
  /** Items dropped together with the inspected one and left out (one is inspected at a time). */
  const ignoredCount = ref(0)
  // A slow answer for an earlier drop must not overwrite a later one.
  let sequence = 0

  client.onEvents((events) => {
    for (const event of events) {
      if (event.type === 'app.opened') showReport(event.report, 0)
      else if (event.type === 'app.error') showError(null, event.message)
    }
  })

  function showReport(next: DroppedItemReport, ignored: number): void {
    sequence++
    status.value = 'done'
    itemName.value = next.name
    report.value = next
    error.value = null
    ignoredCount.value = ignored
    announcer.announce(translate('drop.announce.done', { name: next.name, kind: translate(`drop.kinds.${next.kind}`), detail: next.detail }))
  }

  function showError(name: string | null, message: string): void {
    sequence++
    status.value = 'error'
    itemName.value = name
    report.value = null
    error.value = message
    announcer.announce(translate('drop.announce.failed', { name: name ?? translate('drop.theItem'), message }))
  }

  async function inspect(file: File, options: InspectOptions = {}, ignored = 0): Promise<void> {
    const mine = ++sequence
    status.value = 'reading'
    itemName.value = file.name
    report.value = null
    error.value = null
    ignoredCount.value = ignored
    announcer.announce(translate('drop.announce.reading', { name: file.name }))
    try {
      const result = await client.inspectDroppedFile(file, options)
      if (mine === sequence) showReport(result, ignored)
    } catch (failure) {
      if (mine === sequence) showError(file.name, errorMessageOf(failure))
    }
  }

  return { status, itemName, report, error, ignoredCount, inspect }
})
