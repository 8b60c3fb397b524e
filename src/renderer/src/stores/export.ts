/**
 * One export at a time (the dialog is modal): the choices, the host's plan for them (files, sizes, recipe),
 * then the export task with progress and cancel. Existing files are replaced only after the user says so.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ExportDtypeName, ExportFormatName, ExportOutcome, ExportPlan, ExportRequest } from '../../../shared/export'
import type { ModelSummary } from '../../../shared/models'
import { errorCodeOf, errorMessageOf, useStudioClient } from '../composables/client'
import { translate } from '../i18n'
import { useAnnouncerStore } from './announcer'
import { newTaskId, useTasksStore } from './tasks'

export type ExportPhase = 'choosing' | 'confirming' | 'exporting' | 'done' | 'failed' | 'cancelled'

export const useExportStore = defineStore('export', () => {
  const client = useStudioClient()
  const tasks = useTasksStore()
  const announcer = useAnnouncerStore()

  const model = shallowRef<ModelSummary | null>(null)
  const format = ref<ExportFormatName>('hf')
  /** '' = as stored. */
  const dtype = ref<ExportDtypeName | ''>('')
  /** null = the workspace's exports folder. */
  const destination = ref<string | null>(null)
  const plan = shallowRef<ExportPlan | null>(null)
  const planError = ref<string | null>(null)
  const planning = ref(false)
  const phase = ref<ExportPhase>('choosing')
  const taskId = ref<string | null>(null)
  const outcome = shallowRef<ExportOutcome | null>(null)
  const error = ref<string | null>(null)

  const task = computed(() => tasks.get(taskId.value))
  const existing = computed(() => plan.value?.files.filter((file) => file.exists) ?? [])

  function request(): ExportRequest {
    if (!model.value) throw new Error('No model to export: start() first.')
    const next: ExportRequest = { model: model.value.id, format: format.value }
    if (dtype.value) next.dtype = dtype.value
    if (destination.value) next.destination = destination.value
    return next
  }

  let planSequence = 0
  async function replan(): Promise<void> {
    const mine = ++planSequence
    planning.value = true
    planError.value = null
    try {
      const next = await client.planExport(request())
      if (mine === planSequence) plan.value = next
    } catch (failure) {
      if (mine !== planSequence) return
      plan.value = null
      planError.value = translate('export.planFailed', { message: errorMessageOf(failure) })
    } finally {
      if (mine === planSequence) planning.value = false
    }
  }

  function start(next: ModelSummary): Promise<void> {
    model.value = next
    // timm files hold the image families; everything else exports as a transformers folder.
    format.value = next.modality === 'image' && next.family === 'cait' ? 'timm' : 'hf'
    dtype.value = ''
    destination.value = null
    phase.value = 'choosing'
    outcome.value = null
    error.value = null
    return replan()
  }

  async function chooseDestination(): Promise<void> {
    const { path } = await client.pickFolder({ purpose: 'export' })
    if (path) {
      destination.value = path
      await replan()
    }
  }

  /** Export; when files would be replaced, ask first (phase 'confirming') unless `overwrite` says yes. */
  async function run(overwrite = false): Promise<void> {
    if (!plan.value) return
    if (existing.value.length && !overwrite) {
      phase.value = 'confirming'
      return
    }
    const id = newTaskId('export')
    taskId.value = id
    tasks.begin(id, 'export.taskLabel')
    phase.value = 'exporting'
    try {
      outcome.value = await client.exportModel({ ...request(), taskId: id, overwrite })
      tasks.settle(id, 'done')
      phase.value = 'done'
      const count = outcome.value.files.length
      announcer.announce(translate('export.done', { count, destination: outcome.value.destination }, count))
    } catch (failure) {
      if (errorCodeOf(failure) === 'cancelled') {
        tasks.settle(id, 'cancelled')
        phase.value = 'cancelled'
        announcer.announce(translate('export.cancelled'))
      } else {
        tasks.settle(id, 'failed', errorMessageOf(failure))
        phase.value = 'failed'
        error.value = translate('export.failed', { message: errorMessageOf(failure) })
        announcer.announce(error.value)
      }
    }
  }

  async function cancel(): Promise<void> {
    if (phase.value === 'exporting' && taskId.value) await client.cancelTask(taskId.value)
  }

  return { model, format, dtype, destination, plan, planError, planning, phase, task, outcome, error, existing, start, replan, chooseDestination, run, cancel }
})
