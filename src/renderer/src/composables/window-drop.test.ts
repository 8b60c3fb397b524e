// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { useWindowDrop, type DroppedFilesHandler } from './window-drop'

function mountWith(handler: DroppedFilesHandler) {
  let dragging!: ReturnType<typeof useWindowDrop>['dragging']
  const wrapper = mount(
    defineComponent({
      setup() {
        dragging = useWindowDrop(handler).dragging
        return () => h('div')
      },
    }),
  )
  return { wrapper, dragging: () => dragging.value }
}

/** A drag event whose dataTransfer carries files; folder entries answer webkitGetAsEntry like Chromium. */
function dragEvent(type: string, files: File[], folder = false): Event {
  const event = new Event(type, { bubbles: true, cancelable: true })
  const items = files.map(() => ({ webkitGetAsEntry: () => ({ isDirectory: folder }) }))
  Object.defineProperty(event, 'dataTransfer', { value: { types: ['Files'], files, items, dropEffect: 'none' } })
  return event
}

describe('useWindowDrop', () => {
  it('is dragging between enter and the matching leave, across child elements', () => {
    const { dragging } = mountWith(vi.fn())
    window.dispatchEvent(dragEvent('dragenter', []))
    window.dispatchEvent(dragEvent('dragenter', [])) // entering a child
    window.dispatchEvent(dragEvent('dragleave', []))
    expect(dragging()).toBe(true)
    window.dispatchEvent(dragEvent('dragleave', []))
    expect(dragging()).toBe(false)
  })

  it('hands over every dropped file, and stops listening when unmounted', () => {
    const handler = vi.fn()
    const { dragging, wrapper } = mountWith(handler)
    const files = [new File(['a'], 'a.bin'), new File(['b'], 'b.bin')]
    window.dispatchEvent(dragEvent('dragenter', files))
    const drop = dragEvent('drop', files, true)
    window.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    expect(dragging()).toBe(false)
    expect(handler).toHaveBeenCalledWith(files)
    wrapper.unmount()
    window.dispatchEvent(dragEvent('drop', files))
    expect(handler).toHaveBeenCalledTimes(1)
  })
})
