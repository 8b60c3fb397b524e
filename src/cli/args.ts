/**
 * Command-line parsing driven by the command table (commands.ts): flags are declared as data, so help text and
 * validation come from the same place. Supports `--flag value`, `--flag=value`, boolean `--flag`, and `--` to
 * end the flags. Real numbers, paths-or-built-ins and engine messages that name parameters are handled here too,
 * so every command parses the same way.
 */
import { resolve } from 'node:path'

export type FlagValue = string | number | boolean
export type FlagType = 'boolean' | 'string' | 'integer' | 'choice'

export interface FlagSpec {
  /** Long name without dashes: "port" for --port. */
  name: string
  type: FlagType
  help: string
  /** Shown in help: --port <N>. */
  valueName?: string
  /** For 'choice'. */
  choices?: readonly string[]
  /** For 'integer': inclusive bounds. */
  min?: number
  max?: number
  default?: FlagValue
  /**
   * The engine parameter this flag sets, when it is not the flag's name in camelCase (--batch sets batchSize).
   * Engine errors name parameters in backticks; the CLI shows the flag instead (flagNamesIn).
   */
  param?: string
}

/** A positional argument (e.g. the checkpoint path of `ligo inspect <path>`); its value is stored under `name`. */
export interface PositionalSpec {
  name: string
  help: string
  /** Missing required positionals are usage errors (exit 2). */
  required: boolean
}

export interface CommandSpec<Flags = Record<string, FlagValue | undefined>> {
  name: string
  /** One line for the command list. */
  summary: string
  usage: string
  /** Paragraphs shown by `ligo <command> --help`. */
  description: string
  flags: readonly FlagSpec[]
  /** Positional arguments in order; commands without them refuse any. */
  positionals?: readonly PositionalSpec[]
  examples: readonly string[]
  run: (flags: Flags, context: import('./context').CliContext) => Promise<number>
}

/** A mistake in how the command was called: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the user should read; null for `ligo --help`. */
    readonly command: string | null,
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Edit distance, for "did you mean --port?". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]
}

/** The closest name within two edits, if any. */
export function closest(input: string, names: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = 3
  for (const name of names) {
    const d = distance(input, name)
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  return best
}

function convert(command: string, spec: FlagSpec, raw: string): FlagValue {
  const flag = `--${spec.name}`
  if (spec.type === 'string') {
    if (raw.length === 0) throw new UsageError(`${flag} needs a non-empty value.`, command)
    return raw
  }
  if (spec.type === 'choice') {
    const choices = spec.choices ?? []
    if (!choices.includes(raw)) {
      throw new UsageError(`Invalid value "${raw}" for ${flag}. Expected one of: ${choices.join(', ')}.`, command)
    }
    return raw
  }
  // integer
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN
  const min = spec.min ?? Number.MIN_SAFE_INTEGER
  const max = spec.max ?? Number.MAX_SAFE_INTEGER
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`Invalid value "${raw}" for ${flag}: expected a whole number from ${min} to ${max}.`, command)
  }
  return value
}

/**
 * Parse the arguments after the command name. Returns every declared flag (defaults filled in, undefined when
 * absent and without default). Throws UsageError for unknown flags, missing or bad values, repeats, and
 * positional arguments (no command takes any yet).
 */
export function parseFlags(command: CommandSpec<never>, argv: readonly string[]): Record<string, FlagValue | undefined> {
  const byName = new Map(command.flags.map((f) => [f.name, f]))
  const values: Record<string, FlagValue | undefined> = {}
  const seen = new Set<string>()
  const positionals = command.positionals ?? []
  let positionalCount = 0
  const takePositional = (token: string): boolean => {
    if (positionalCount >= positionals.length) return false
    values[positionals[positionalCount++].name] = token
    return true
  }
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') {
      for (const rest of argv.slice(i + 1)) {
        if (!takePositional(rest)) throw new UsageError(`"ligo ${command.name}" takes ${positionals.length === 0 ? 'no' : `at most ${positionals.length}`} arguments, got "${rest}".`, command.name)
      }
      break
    }
    if (!token.startsWith('-') && takePositional(token)) continue
    if (!token.startsWith('--') || token === '--=') {
      const what = token.startsWith('-') && token.length > 1 ? `Unknown flag "${token}"` : `Unexpected argument "${token}"`
      throw new UsageError(`${what} for "ligo ${command.name}".`, command.name)
    }
    const equals = token.indexOf('=')
    const name = token.slice(2, equals === -1 ? undefined : equals)
    const spec = byName.get(name)
    if (!spec) {
      const guess = closest(name, [...byName.keys()])
      throw new UsageError(`Unknown flag "--${name}" for "ligo ${command.name}".${guess ? ` Did you mean --${guess}?` : ''}`, command.name)
    }
    if (seen.has(name)) throw new UsageError(`--${name} is given more than once.`, command.name)
    seen.add(name)
    if (spec.type === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${name} is a switch and takes no value (got "${token}").`, command.name)
      values[name] = true
      continue
    }
    let raw: string
    if (equals !== -1) {
      raw = token.slice(equals + 1)
    } else {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--')) {
        throw new UsageError(`--${name} needs a value: --${name} <${spec.valueName ?? 'value'}>.`, command.name)
      }
      raw = next
      i += 1
    }
    values[name] = convert(command.name, spec, raw)
  }
  for (const spec of command.flags) {
    if (values[spec.name] === undefined) values[spec.name] = spec.type === 'boolean' ? (spec.default ?? false) : spec.default
  }
  const missing = positionals.slice(positionalCount).find((p) => p.required)
  if (missing) throw new UsageError(`"ligo ${command.name}" needs <${missing.name}>: ${missing.help}.`, command.name)
  return values
}

/** A real-valued flag (`--lr 1e-3`): a usage error naming the flag when it is not a number >= min. */
export function realFlag(command: string, flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < min) throw new UsageError(`Invalid value "${raw}" for --${flag}: expected a number >= ${min}.`, command)
  return value
}

/** A path flag, unless it names a built-in (preset or corpus). */
export const pathOr = (value: string, builtins: readonly string[], cwd: string): string => (builtins.includes(value) ? value : resolve(cwd, value))

export const withoutUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

const camelCase = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** The engine parameter a flag sets. */
export const paramOf = (spec: FlagSpec): string => spec.param ?? camelCase(spec.name)

/**
 * An engine message for the command line: every parameter it names in backticks (`seqLen`) becomes the flag that
 * sets it (--seq). The engine speaks of parameters because the app and `ligo serve` call it too.
 */
export function flagNamesIn(message: string, flags: readonly FlagSpec[]): string {
  const byParam = new Map(flags.map((f) => [paramOf(f), f.name]))
  return message.replace(/`([A-Za-z][\w.]*)`/g, (whole, param: string) => (byParam.has(param) ? `--${byParam.get(param)}` : whole))
}
