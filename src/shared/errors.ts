/**
 * Error codes that cross a process boundary (engine -> host -> renderer / HTTP client).
 * The message is for people; the code is for programs and tests.
 */
export const ERROR_CODES = [
  'invalid_request', // payload failed validation
  'unknown_method',
  'not_found', // a path or task that does not exist
  'forbidden', // a sender, origin or path that is not allowed
  'cancelled',
  'engine_crashed',
  'engine_error', // an error thrown by engine code
  'unsupported',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface SerializedError {
  code: ErrorCode
  message: string
}

/** An error that knows its code; serialisable across IPC as {code, message}. */
export class StudioError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'StudioError'
    this.code = code
    // keep instanceof working when compiled to older targets
    Object.setPrototypeOf(this, StudioError.prototype)
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message }
  }
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof StudioError) return error.toJSON()
  if (isSerializedError(error)) return { code: error.code, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'engine_error', message }
}

export function deserializeError(error: SerializedError): StudioError {
  return new StudioError(error.code, error.message)
}

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.message === 'string' && typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code)
}
