/**
 * The app's settings (desktop: the user-data folder; `ligo serve`: the workspace), read by the host at start and
 * changed through getSettings / updateSettings. A file that does not validate falls back to the defaults with a
 * `settings.notice` event; every write is atomic (src/engine/io/atomic-write.ts).
 */
import type { BackendName } from './hardware'

export const SETTINGS_FILE = 'settings.json'
export const SETTINGS_VERSION = 1

export const LANGUAGES = ['system', 'en', 'vi'] as const
export type LanguageSetting = (typeof LANGUAGES)[number]
export const THEMES = ['system', 'light', 'dark'] as const
export type ThemeSetting = (typeof THEMES)[number]
export const BACKEND_SETTINGS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendSetting = 'auto' | BackendName

/** Grid region, PUE and own intensity as engine/settings/energy-settings.ts takes them; null = not set. */
export interface EnergySettingsValues {
  gridRegion: string | null
  pue: number | null
  gridIntensity: number | null
}

export interface Settings {
  version: typeof SETTINGS_VERSION
  /** The compute backend; 'auto' = best that loads. Applies when the engine next starts. */
  backend: BackendSetting
  energy: EnergySettingsValues
  /** Absolute folder holding library, runs, exports, uploads; null = the default (see workspace in AppInfo). */
  workspace: string | null
  /** 'system' follows the OS locale (AppInfo.systemLocale). */
  language: LanguageSetting
  theme: ThemeSetting
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  version: SETTINGS_VERSION,
  backend: 'auto',
  energy: Object.freeze({ gridRegion: null, pue: null, gridIntensity: null }),
  workspace: null,
  language: 'system',
  theme: 'system',
})

/** A change: any subset of the fields (energy fields one by one). */
export interface SettingsPatch {
  backend?: BackendSetting
  energy?: Partial<EnergySettingsValues>
  workspace?: string | null
  language?: LanguageSetting
  theme?: ThemeSetting
}

/** What updateSettings did: the new settings and which changes wait for a restart of the engine. */
export interface SettingsUpdate {
  settings: Settings
  /** e.g. ['backend']: the engine restarts with it on its next start. */
  pendingRestart: string[]
}
