/**
 * Long tasks the renderer started (benchmark now; grow and train runs later), keyed by taskId,
 * with the latest task.progress event of each. The host stays the authority; this mirrors it.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TaskProgressEvent } from '../../../shared/events'
import { TASK_ID_PATTERN } from '../../../shared/studio-api'
import { useStudioClient } from '../composables/client'

export type TaskStatus = 'running' | 'done' | 'cancelled' | 'failed'

export interface TaskState {
  taskId: string
  /** i18n key of what the task does, e.g. 'hardware.speed.taskLabel'. */
  labelKey: string
  status: TaskStatus
  progress: TaskProgressEvent | null
  error: string | null
}

/** A caller-chosen id (the caller may cancel before the first answer), matching TASK_ID_PATTERN. */
export function newTaskId(prefix: string): string {
  const id = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  if (!TASK_ID_PATTERN.test(id)) throw new Error(`Task id "${id}" does not match ${TASK_ID_PATTERN}: use a prefix of letters, digits, - or _.`)
  return id
}

export const useTasksStore = defineStore('tasks', () => {
  const client = useStudioClient()
  const tasks = ref<Record<string, TaskState>>({})

  client.onEvents((events) => {
    for (const event of events) {
      if (event.type !== 'task.progress') continue
      const task = tasks.value[event.taskId]
      // Progress after the outcome (a late batch) must not make a finished task look running.
      if (task && task.status === 'running') task.progress = event
    }
  })

  function begin(taskId: string, labelKey: string): void {
    tasks.value[taskId] = { taskId, labelKey, status: 'running', progress: null, error: null }
  }

  function settle(taskId: string, status: Exclude<TaskStatus, 'running'>, error: string | null = null): void {
    const task = tasks.value[taskId]
    if (!task) return
    task.status = status
    task.error = error
  }

  function get(taskId: string | null): TaskState | null {
    return taskId ? (tasks.value[taskId] ?? null) : null
  }

  return { tasks, begin, settle, get }
})
