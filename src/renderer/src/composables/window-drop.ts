/**
 * Dropping anywhere on the window: `dragging` is true while files are dragged over it (for the overlay),
 * and onItem gets the first dropped File. The browser's default (opening the file in the tab) is stopped.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue'
import type { InspectOptions } from './client'

export type DroppedItemHandler = (file: File, options: InspectOptions, ignoredCount: number) => void

function carriesFiles(event: DragEvent): boolean {
  return !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files')
}

export function useWindowDrop(onItem: DroppedItemHandler, target: Window = window) {
  const dragging = ref(false)
  // dragenter/dragleave fire for every child element crossed; count them to know when the drag left.
  let depth = 0

  function onDragEnter(event: DragEvent): void {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth++
    dragging.value = true
  }
  function onDragOver(event: DragEvent): void {
    if (!carriesFiles(event)) return
    event.preventDefault() // required for the drop event to fire
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
  }
  function onDragLeave(event: DragEvent): void {
    if (!carriesFiles(event)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) dragging.value = false
  }
  function onDrop(event: DragEvent): void {
    depth = 0
    dragging.value = false
    const transfer = event.dataTransfer
    if (!transfer || transfer.files.length === 0) return
    event.preventDefault()
    // Only the entry API tells a folder from a file before reading it.
    const entry = transfer.items?.[0]?.webkitGetAsEntry?.() ?? null
    onItem(transfer.files[0], { isDirectory: entry?.isDirectory === true }, transfer.files.length - 1)
  }

  const listeners = { dragenter: onDragEnter, dragover: onDragOver, dragleave: onDragLeave, drop: onDrop } as const
  onMounted(() => {
    for (const [name, listener] of Object.entries(listeners)) target.addEventListener(name, listener as EventListener)
  })
  onBeforeUnmount(() => {
    for (const [name, listener] of Object.entries(listeners)) target.removeEventListener(name, listener as EventListener)
  })

  return { dragging }
}
