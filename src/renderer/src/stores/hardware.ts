/**
 * The hardware/backend record of the engine and the matmul speed measurement.
 * Progress of the measurement lives in the tasks store under benchmarkTaskId.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { HardwareRecord } from '../../../shared/hardware'
import type { MatmulBenchmarkResult } from '../../../shared/studio-api'
import { errorCodeOf, errorMessageOf, useStudioClient } from '../composables/client'
import { currentLocale, translate } from '../i18n'
import { formatFixed } from '../utils/format'
import { useAnnouncerStore } from './announcer'
import { newTaskId, useTasksStore } from './tasks'

export const useHardwareStore = defineStore('hardware', () => {
  const client = useStudioClient()
  const tasks = useTasksStore()
  const announcer = useAnnouncerStore()

  const record = shallowRef<HardwareRecord | null>(null)
  const loading = ref(false)
  const loadError = ref<string | null>(null)
  const benchmarkTaskId = ref<string | null>(null)
  const benchmarkResult = shallowRef<MatmulBenchmarkResult | null>(null)

  const benchmark = computed(() => tasks.get(benchmarkTaskId.value))
  const benchmarkRunning = computed(() => benchmark.value?.status === 'running')

  async function load(): Promise<void> {
    loading.value = true
    try {
      record.value = await client.getHardware()
      loadError.value = null
    } catch (error) {
      loadError.value = translate('hardware.loadFailed', { message: errorMessageOf(error) })
      announcer.announce(loadError.value)
    } finally {
      loading.value = false
    }
  }

  async function measureSpeed(): Promise<void> {
    if (benchmarkRunning.value) return
    const taskId = newTaskId('matmul')
    benchmarkTaskId.value = taskId
    benchmarkResult.value = null
    tasks.begin(taskId, 'hardware.speed.taskLabel')
    announcer.announce(translate('hardware.speed.announce.started'))
    try {
      const result = await client.benchmarkMatmul({ taskId })
      benchmarkResult.value = result
      tasks.settle(taskId, 'done')
      const best = Math.max(...result.rows.map((row) => row.gflops))
      announcer.announce(translate('hardware.speed.announce.done', { gflops: formatFixed(best, 1, currentLocale()), backend: result.backend }))
    } catch (error) {
      if (errorCodeOf(error) === 'cancelled') {
        tasks.settle(taskId, 'cancelled')
        announcer.announce(translate('hardware.speed.announce.cancelled'))
      } else {
        tasks.settle(taskId, 'failed', errorMessageOf(error))
        announcer.announce(translate('hardware.speed.announce.failed', { message: errorMessageOf(error) }))
      }
    }
  }

  async function cancelSpeed(): Promise<void> {
    const taskId = benchmarkTaskId.value
    if (!taskId || !benchmarkRunning.value) return
    try {
      // The pending benchmarkMatmul call then rejects with code 'cancelled', which settles the task.
      await client.cancelTask(taskId)
    } catch (error) {
      announcer.announce(translate('hardware.speed.announce.cancelFailed', { message: errorMessageOf(error) }))
    }
  }

  return { record, loading, loadError, load, benchmarkTaskId, benchmark, benchmarkRunning, benchmarkResult, measureSpeed, cancelSpeed }
})
