// The chart colours from the page's CSS variables (styles/base.css), so charts follow the light or dark theme.
import { onBeforeUnmount, ref, type Ref } from 'vue'
import type { ChartTheme } from './uplot-options'

export interface PageTheme extends ChartTheme {
  background: string
}

export function readTheme(root: Element = document.documentElement): PageTheme {
  const style = getComputedStyle(root)
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback
  return { ink: read('--text', '#1d232b'), muted: read('--muted', '#5b6573'), grid: read('--border', '#d9dde3'), background: read('--surface', '#ffffff') }
}

/** The theme now, updated when the operating system switches between light and dark. */
export function useChartTheme(): Ref<PageTheme> {
  const theme = ref(readTheme())
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
  const update = () => (theme.value = readTheme())
  media?.addEventListener('change', update)
  onBeforeUnmount(() => media?.removeEventListener('change', update))
  return theme
}
