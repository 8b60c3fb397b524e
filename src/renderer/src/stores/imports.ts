/**
 * Imports into the zoo from a drop or the Import button: one row per file with its upload progress (browser)
 * and outcome. The client imports each file on its own, so one bad file does not stop the others; Cancel aborts
 * the upload in progress and skips the rest. With exactly one success, its card opens.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ImportOutcome } from '../../../shared/models'
import { useStudioClient } from '../composables/client'
import { navigate } from '../composables/view-route'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'
import { useZooStore } from './zoo'

export type ImportStatus = 'waiting' | 'uploading' | 'importing' | 'done' | 'failed'

export interface ImportItem {
  key: number
  name: string
  status: ImportStatus
  sentBytes: number
  totalBytes: number
  /** When done: the card's id and name, and whether the library had it already. */
  modelId: string | null
  modelName: string | null
  already: boolean
  /** When failed: the host's message (it names the file and the problem). */
  error: string | null
}

export const useImportsStore = defineStore('imports', () => {
  const client = useStudioClient()
  const announcer = useAnnouncerStore()
  const zoo = useZooStore()
  const items = ref<ImportItem[]>([])
  const controllers = new Set<AbortController>()
  const active = ref(0)
  let nextKey = 0

  const busy = computed(() => active.value > 0)

  function settle(item: ImportItem, outcome: ImportOutcome): void {
    if (outcome.ok) {
      Object.assign(item, { status: 'done', modelId: outcome.model.id, modelName: outcome.model.name, already: outcome.alreadyInLibrary })
    } else {
      Object.assign(item, { status: 'failed', error: outcome.error.message })
    }
  }

  async function importFiles(files: File[]): Promise<void> {
    if (!files.length) return
    const batch = files.map((file) => ({ key: nextKey++, name: file.name, status: 'waiting', sentBytes: 0, totalBytes: file.size, modelId: null, modelName: null, already: false, error: null }) satisfies ImportItem)
    items.value.push(...batch)
    // The reactive copies: progress updates must go through the proxies to re-render.
    const rows = items.value.slice(-batch.length)
    // Desktop imports by reference (no bytes move): every file is being imported at once.
    if (client.mode === 'browser') rows[0].status = 'uploading'
    else for (const row of rows) row.status = 'importing'
    const controller = new AbortController()
    controllers.add(controller)
    active.value++
    announcer.announce(translate('import.announce.started', { count: files.length }, files.length))
    try {
      const outcomes = await client.importFiles(files, {
        signal: controller.signal,
        onProgress: ({ index, sentBytes, totalBytes }) => {
          // The client moved on: the earlier files are uploaded and being (or already) imported.
          for (const row of rows.slice(0, index)) if (row.status === 'waiting' || row.status === 'uploading') row.status = 'importing'
          Object.assign(rows[index], { sentBytes, totalBytes, status: sentBytes >= totalBytes ? 'importing' : 'uploading' })
        },
      })
      outcomes.forEach((outcome, index) => settle(rows[index], outcome))
    } finally {
      controllers.delete(controller)
      active.value--
    }
    const succeeded = rows.filter((row) => row.status === 'done')
    announcer.announce(translate('import.announce.finished', { ok: succeeded.length, count: rows.length }))
    if (succeeded.length) await zoo.refresh()
    if (succeeded.length === 1 && succeeded[0].modelId) navigate('zoo', { model: succeeded[0].modelId })
  }

  function cancel(): void {
    for (const controller of controllers) controller.abort()
  }

  function clear(): void {
    items.value = items.value.filter((item) => item.status !== 'done' && item.status !== 'failed')
  }

  return { items, busy, importFiles, cancel, clear }
})
