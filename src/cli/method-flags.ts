/**
 * The growth methods' settings on the command line, generated from their descriptors' schemas
 * (engine/growth/methods/<name>.ts): one flag per setting (`--ki-distill-fraction`, `--ligo-operator-steps`, ...), its help line
 * with the default, and the parsed values as the engine's `settings` parameter. A new method's settings appear
 * here without touching the CLI.
 */
import { GROWTH_METHOD_LIST, settingFlag, type GrowthMethod, type SettingSpec } from '../engine/growth'
import type { MethodSettingValue } from '../shared/growth'
import { realFlag, UsageError, type FlagSpec, type FlagValue } from './args'

const flagSpec = (method: GrowthMethod, s: SettingSpec): FlagSpec => {
  const base = { name: settingFlag(method, s), help: `${method.name}: ${s.help} (default ${s.default})`, param: `settings.${method.name}.${s.name}` }
  if (s.type === 'choice') return { ...base, type: 'choice', choices: s.choices, valueName: s.choices?.join('|') }
  if (s.type === 'boolean') return { ...base, type: 'boolean' }
  if (s.type === 'integer') return { ...base, type: 'integer', valueName: 'N', min: s.min, max: s.max }
  return { ...base, type: 'string', valueName: 'x' }
}

/** Every method's settings as flags, in registry order. */
export const METHOD_SETTING_FLAGS: readonly FlagSpec[] = GROWTH_METHOD_LIST.flatMap((m) => m.settings.map((s) => flagSpec(m, s)))

function value(command: string, flag: string, s: SettingSpec, raw: FlagValue): MethodSettingValue {
  if (s.type !== 'number') return raw
  const n = realFlag(command, flag, String(raw), s.min ?? -Number.MAX_VALUE)!
  if (s.max !== undefined && n > s.max) throw new UsageError(`Invalid value "${raw}" for --${flag}: expected a number from ${s.min ?? '-∞'} to ${s.max}.`, command)
  return n
}

/** The settings given on the command line, per method (only the methods in `methods` may be set). */
export function methodSettingsFromFlags(command: string, flags: Readonly<Record<string, FlagValue | undefined>>, methods: readonly string[]): Record<string, Record<string, MethodSettingValue>> {
  const out: Record<string, Record<string, MethodSettingValue>> = {}
  for (const method of GROWTH_METHOD_LIST) {
    for (const s of method.settings) {
      const flag = settingFlag(method, s)
      const raw = flags[flag]
      // Switches default to false when absent: only an explicit --flag counts as given.
      if (raw === undefined || (s.type === 'boolean' && raw === false)) continue
      if (!methods.includes(method.name)) throw new UsageError(`--${flag} is a setting of ${method.name}, which this command does not run (methods: ${methods.join(', ')}).`, command)
      out[method.name] = { ...out[method.name], [s.name]: value(command, flag, s, raw) }
    }
  }
  return out
}
