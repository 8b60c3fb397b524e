/**
 * The settings file (shared/settings.ts): desktop keeps it in the user-data folder, `ligo serve` in the workspace.
 * Loading never fails: a missing file means the defaults; a file that is not valid JSON or does not validate is
 * moved aside (never deleted), the defaults apply and `notice` says what happened. Writes are atomic.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../engine/io/atomic-write'
import { parseGridRegion } from '../engine/settings/energy-settings'
import {
  BACKEND_SETTINGS,
  DEFAULT_SETTINGS,
  LANGUAGES,
  SETTINGS_FILE,
  SETTINGS_VERSION,
  StudioError,
  THEMES,
  nullable,
  number,
  object,
  oneOf,
  string,
  type Settings,
  type SettingsPatch,
  type Validator,
} from '../shared'

const settingsValidator = object({
  version: (value, where) => {
    if (value !== SETTINGS_VERSION) throw new StudioError('invalid_request', `${where} must be ${SETTINGS_VERSION}, got ${JSON.stringify(value)}`)
    return SETTINGS_VERSION
  },
  backend: oneOf(BACKEND_SETTINGS),
  energy: object({
    gridRegion: nullable(string({ minLength: 1, maxLength: 16 })),
    pue: nullable(number({ min: 1, max: 3 })),
    gridIntensity: nullable(number({ min: 0, max: 2000 })),
  }),
  workspace: nullable(string({ minLength: 1, maxLength: 4096 })),
  language: oneOf(LANGUAGES),
  theme: oneOf(THEMES),
}) as Validator<Settings>

export function defaultSettings(): Settings {
  return { ...DEFAULT_SETTINGS, energy: { ...DEFAULT_SETTINGS.energy } }
}

/** Checks a whole settings object (a grid region must be a code of the carbon table). */
export function validateSettings(value: unknown, where = 'settings'): Settings {
  const settings = settingsValidator(value, where)
  if (settings.energy.gridRegion !== null) settings.energy.gridRegion = parseGridRegion(settings.energy.gridRegion, `${where}.energy.gridRegion`)
  return settings
}

export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return validateSettings(
    {
      ...current,
      ...(patch.backend !== undefined ? { backend: patch.backend } : {}),
      ...(patch.workspace !== undefined ? { workspace: patch.workspace } : {}),
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...(patch.theme !== undefined ? { theme: patch.theme } : {}),
      energy: { ...current.energy, ...(patch.energy ?? {}) },
    },
    'updateSettings params.patch',
  )
}

export interface LoadedSettings {
  settings: Settings
  /** Set when the file was unreadable and replaced by the defaults. */
  notice: string | null
}

export class SettingsStore {
  private current: Settings
  readonly loadNotice: string | null
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly folder: string,
    now: () => Date = () => new Date(),
  ) {
    const loaded = loadSettingsFile(join(folder, SETTINGS_FILE), now)
    this.current = loaded.settings
    this.loadNotice = loaded.notice
  }

  get path(): string {
    return join(this.folder, SETTINGS_FILE)
  }

  get(): Settings {
    return structuredClone(this.current)
  }

  /** Validates the patch against the whole result, then writes it atomically; returns the new settings. */
  update(patch: SettingsPatch): Promise<Settings> {
    const next = this.writing.then(async () => {
      const settings = applySettingsPatch(this.current, patch)
      await writeFileAtomic(this.path, Buffer.from(JSON.stringify(settings, null, 2) + '\n'))
      this.current = settings
      return structuredClone(settings)
    })
    this.writing = next.then(
      () => {},
      () => {},
    )
    return next
  }
}

export function loadSettingsFile(path: string, now: () => Date = () => new Date()): LoadedSettings {
  if (!existsSync(path)) return { settings: defaultSettings(), notice: null }
  try {
    return { settings: validateSettings(JSON.parse(readFileSync(path, 'utf8')), path), notice: null }
  } catch (error) {
    const aside = `${path}.unreadable-${now().toISOString().replace(/[:.]/g, '-')}`
    try {
      renameSync(path, aside)
    } catch {
      // read-only folder: keep the file; the defaults still apply
    }
    const why = error instanceof SyntaxError ? `not valid JSON (${error.message})` : (error as Error).message
    return { settings: defaultSettings(), notice: `The settings file ${path} could not be used: ${why}. The defaults apply; the old file was kept as ${aside}.` }
  }
}
