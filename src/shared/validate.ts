/**
 * Tiny payload validators for everything that crosses a trust boundary (IPC, WebSocket, engine messages).
 * Each returns the typed value or throws StudioError('invalid_request') naming the field and the problem.
 */
import { StudioError } from './errors'

export type Validator<T> = (value: unknown, where: string) => T

function fail(where: string, problem: string): never {
  throw new StudioError('invalid_request', `Invalid request: ${where} ${problem}`)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? `a string of length ${value.length}` : typeof value
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype

export function string(options: { maxLength?: number; minLength?: number; pattern?: RegExp } = {}): Validator<string> {
  const { maxLength = 4096, minLength = 0, pattern } = options
  return (value, where) => {
    if (typeof value !== 'string') fail(where, `must be a string, got ${describe(value)}`)
    if (value.length < minLength) fail(where, `must be at least ${minLength} characters`)
    if (value.length > maxLength) fail(where, `must be at most ${maxLength} characters`)
    if (value.includes('\0')) fail(where, 'must not contain NUL characters')
    if (pattern && !pattern.test(value)) fail(where, `must match ${pattern}`)
    return value
  }
}

export function number(options: { min?: number; max?: number; integer?: boolean } = {}): Validator<number> {
  const { min = -Infinity, max = Infinity, integer = false } = options
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, `must be a finite number, got ${describe(value)}`)
    if (integer && !Number.isInteger(value)) fail(where, 'must be an integer')
    if (value < min || value > max) fail(where, `must be between ${min} and ${max}, got ${value}`)
    return value
  }
}

export function boolean(): Validator<boolean> {
  return (value, where) => {
    if (typeof value !== 'boolean') fail(where, `must be true or false, got ${describe(value)}`)
    return value
  }
}

export function oneOf<T extends string>(choices: readonly T[]): Validator<T> {
  return (value, where) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value))
      fail(where, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}`)
    return value as T
  }
}

export function array<T>(item: Validator<T>, options: { maxLength?: number; minLength?: number } = {}): Validator<T[]> {
  const { maxLength = 1000, minLength = 0 } = options
  return (value, where) => {
    if (!Array.isArray(value)) fail(where, `must be an array, got ${describe(value)}`)
    if (value.length < minLength || value.length > maxLength)
      fail(where, `must have between ${minLength} and ${maxLength} items, got ${value.length}`)
    return value.map((v, i) => item(v, `${where}[${i}]`))
  }
}

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (value, where) => (value === undefined ? undefined : inner(value, where))
}

type Shape = Record<string, Validator<unknown>>
type FromShape<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> }

/** An object with exactly these keys (unknown keys are refused, so typos do not pass silently). */
export function object<S extends Shape>(shape: S): Validator<FromShape<S>> {
  return (value, where) => {
    if (!isPlainObject(value)) fail(where, `must be an object, got ${describe(value)}`)
    for (const key of Object.keys(value)) {
      if (!(key in shape)) fail(where, `has unknown field "${key.slice(0, 40)}" (expected ${Object.keys(shape).join(', ') || 'no fields'})`)
    }
    const out: Record<string, unknown> = {}
    for (const [key, check] of Object.entries(shape)) {
      const v = check(value[key], `${where}.${key}`)
      if (v !== undefined) out[key] = v
    }
    return out as FromShape<S>
  }
}

/** null stays null; anything else must pass `inner`. */
export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (value, where) => (value === null ? null : inner(value, where))
}
