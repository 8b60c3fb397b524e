/**
 * Tiny payload validators for everything that crosses a trust boundary (IPC, WebSocket, engine messages).
 * Each returns the typed value or throws StudioError('invalid_request') naming the field and the problem.
 */
import { StudioError } from './errors'

export type Validator<T> = (value: unknown, where: string) => T

/**
 * What a validator accepts, as data: tests generate requests from the contract with it (test/serve-security.test.ts
 * injects hostile paths and ids into every string field of every Studio method), so a new method is covered as
 * soon as it has a validator. Validators written by hand have no spec unless they declare one (describeValidator).
 */
export type ValidatorSpec =
  | { kind: 'string'; minLength: number; maxLength: number; pattern?: RegExp }
  | { kind: 'number'; min: number; max: number; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'oneOf'; choices: readonly string[] }
  | { kind: 'array'; item: Validator<unknown>; minLength: number; maxLength: number }
  | { kind: 'optional' | 'nullable'; inner: Validator<unknown> }
  | { kind: 'object'; shape: Readonly<Record<string, Validator<unknown>>> }

const specs = new WeakMap<Validator<unknown>, ValidatorSpec>()

/** Records what a validator accepts; returns it. */
export function describeValidator<V extends Validator<unknown>>(validator: V, spec: ValidatorSpec): V {
  specs.set(validator, spec)
  return validator
}

/** The spec of a validator built here (or described), undefined for one written by hand. */
export function validatorSpec(validator: Validator<unknown>): ValidatorSpec | undefined {
  return specs.get(validator)
}

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
  return describeValidator<Validator<string>>((value, where) => {
    if (typeof value !== 'string') fail(where, `must be a string, got ${describe(value)}`)
    if (value.length < minLength) fail(where, `must be at least ${minLength} characters`)
    if (value.length > maxLength) fail(where, `must be at most ${maxLength} characters`)
    if (value.includes('\0')) fail(where, 'must not contain NUL characters')
    if (pattern && !pattern.test(value)) fail(where, `must match ${pattern}`)
    return value
  }, { kind: 'string', minLength, maxLength, pattern })
}

export function number(options: { min?: number; max?: number; integer?: boolean } = {}): Validator<number> {
  const { min = -Infinity, max = Infinity, integer = false } = options
  return describeValidator<Validator<number>>((value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, `must be a finite number, got ${describe(value)}`)
    if (integer && !Number.isInteger(value)) fail(where, 'must be an integer')
    if (value < min || value > max) fail(where, `must be between ${min} and ${max}, got ${value}`)
    return value
  }, { kind: 'number', min, max, integer })
}

export function boolean(): Validator<boolean> {
  return describeValidator<Validator<boolean>>((value, where) => {
    if (typeof value !== 'boolean') fail(where, `must be true or false, got ${describe(value)}`)
    return value
  }, { kind: 'boolean' })
}

export function oneOf<T extends string>(choices: readonly T[]): Validator<T> {
  return describeValidator<Validator<T>>((value, where) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value))
      fail(where, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}`)
    return value as T
  }, { kind: 'oneOf', choices })
}

export function array<T>(item: Validator<T>, options: { maxLength?: number; minLength?: number } = {}): Validator<T[]> {
  const { maxLength = 1000, minLength = 0 } = options
  return describeValidator<Validator<T[]>>((value, where) => {
    if (!Array.isArray(value)) fail(where, `must be an array, got ${describe(value)}`)
    if (value.length < minLength || value.length > maxLength)
      fail(where, `must have between ${minLength} and ${maxLength} items, got ${value.length}`)
    return value.map((v, i) => item(v, `${where}[${i}]`))
  }, { kind: 'array', item, minLength, maxLength })
}

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return describeValidator<Validator<T | undefined>>((value, where) => (value === undefined ? undefined : inner(value, where)), { kind: 'optional', inner })
}

type Shape = Record<string, Validator<unknown>>
type FromShape<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> }

/** An object with exactly these keys (unknown keys are refused, so typos do not pass silently). */
export function object<S extends Shape>(shape: S): Validator<FromShape<S>> {
  return describeValidator<Validator<FromShape<S>>>((value, where) => {
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
  }, { kind: 'object', shape })
}

/** null stays null; anything else must pass `inner`. */
export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return describeValidator<Validator<T | null>>((value, where) => (value === null ? null : inner(value, where)), { kind: 'nullable', inner })
}
