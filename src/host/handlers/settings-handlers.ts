/**
 * getSettings / updateSettings over the settings store. The renderer applies language and theme at once; a new
 * workspace folder is used from the next request on; the backend applies when the engine next starts (the
 * result says so in pendingRestart).
 */
import { isAbsolute } from 'node:path'
import { StudioError, type Settings } from '../../shared'
import type { SettingsStore } from '../settings-store'
import type { Handlers, StudioContext } from '../studio-context'

export function createSettingsHandlers(
  context: StudioContext,
  store: () => SettingsStore,
  onChange: (settings: Settings, changed: string[]) => void,
): Handlers<'getSettings' | 'updateSettings'> {
  return {
    getSettings: async () => store().get(),
    updateSettings: async ({ patch }) => {
      const before = store().get()
      if (patch.workspace !== undefined) {
        if (context.host === 'serve') throw new StudioError('unsupported', 'The workspace of ligo serve is set when it starts (ligo serve --workspace DIR)')
        if (patch.workspace !== null && !isAbsolute(patch.workspace)) throw new StudioError('invalid_request', `The workspace folder must be an absolute path, got "${patch.workspace}"`)
      }
      const settings = await store().update(patch)
      const changed = (Object.keys(settings) as Array<keyof Settings>).filter((key) => JSON.stringify(settings[key]) !== JSON.stringify(before[key]))
      onChange(settings, changed)
      if (changed.includes('workspace')) context.emit({ type: 'library.changed', reason: 'workspace' })
      return { settings, pendingRestart: changed.filter((key) => key === 'backend') }
    },
  }
}
