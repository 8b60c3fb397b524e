/**
 * Error codes across Electron IPC. ipcMain.handle rejections reach the renderer as a plain Error whose
 * message Electron rewrites to "Error invoking remote method 'studio:x': Error: <message>", and the
 * contextBridge copies only an error's message. So the code travels inside the message as "[code] message":
 * main encodes, the preload and the renderer client decode (decoding is idempotent).
 */
import { ERROR_CODES, StudioError, serializeError, type ErrorCode } from './errors'

const CODED_MESSAGE = new RegExp(`\\[(${ERROR_CODES.join('|')})\\] ([\\s\\S]*)$`)

/** "[code] message", the wire form of a StudioError inside an Error message. */
export function formatCodedMessage(code: ErrorCode, message: string): string {
  return `[${code}] ${message}`
}

/** For main: any thrown value -> an Error whose message carries the code (unknown errors become engine_error). */
export function encodeIpcError(error: unknown): Error {
  const { code, message } = serializeError(error)
  return new Error(formatCodedMessage(code, message))
}

/**
 * For the preload and renderer: an IPC rejection (or an error that already crossed the contextBridge, which
 * keeps only the message) -> StudioError with its code and the bare message. Idempotent.
 * Errors without a recognisable code keep their text under 'engine_error'.
 */
export function decodeIpcError(error: unknown): StudioError {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error)
  const match = CODED_MESSAGE.exec(text)
  if (match) return new StudioError(match[1] as ErrorCode, match[2])
  if (error instanceof StudioError) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) return new StudioError(code as ErrorCode, text)
  return new StudioError('engine_error', text)
}
