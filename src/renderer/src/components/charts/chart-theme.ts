// The chart colours from the page's CSS variables (styles/base.css), so charts follow the light or dark theme.
import { onBeforeUnmount, ref, type Ref } from 'vue'
import type { ChartTheme } from './uplot-options'

export interface PageTheme extends ChartTheme {
  background: string
}

export function readTheme(root: Element = document.documentElement): PageTheme {
  // The variables hold light-dark(...) pairs, which canvas colours do not accept: let CSS resolve each one on a
  // probe element and read back the computed rgb() colour.
  const probe = document.createElement('span')
  probe.hidden = true
  root.append(probe)
  const read = (name: string, fallback: string) => {
    probe.style.color = fallback
    probe.style.color = `var(${name}, ${fallback})`
    return getComputedStyle(probe).color || fallback
  }
  const theme = { ink: read('--text', '#1d232b'), muted: read('--muted', '#5b6573'), grid: read('--border', '#d9dde3'), background: read('--surface', '#ffffff') }
  probe.remove()
  return theme
}

/** The theme now, updated when the OS switches between light and dark or Settings changes the page's scheme. */
export function useChartTheme(): Ref<PageTheme> {
  const theme = ref(readTheme())
  const update = () => (theme.value = readTheme())
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
  media?.addEventListener('change', update)
  // Settings' theme choice is written on the root element (stores/appearance.ts)
  const observer = new MutationObserver(update)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class', 'data-theme'] })
  onBeforeUnmount(() => {
    media?.removeEventListener('change', update)
    observer.disconnect()
  })
  return theme
}
