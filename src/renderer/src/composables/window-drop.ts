/**
 * Dropping anywhere on the window: `dragging` is true while files are dragged over it (for the overlay), and
 * onFiles gets every dropped File (folders too: on desktop they import by path; a browser cannot read them and
 * the client says so for that item). The browser's default (opening the file in the tab) is stopped.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue'

export type DroppedFilesHandler = (files: File[]) => void

function carriesFiles(event: DragEvent): boolean {
  return !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files')
}

export function useWindowDrop(onFiles: DroppedFilesHandler, target: Window = window) {
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
    onFiles(Array.from(transfer.files))
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
