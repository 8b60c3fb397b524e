/**
 * The CLI's error boundary (issue 16): what `ligo <command>` prints when a command fails. A user's mistake (a
 * wrong path, a file of the wrong kind, an unknown name, an engine answer other than `engine_error`) is one line,
 * "ligo <command>: <problem>", where the problem names the file or argument. Only a bug prints a stack, followed by
 * a line that says so and where to report it.
 */
import { StudioError } from '../shared'
import { firstLine, isInputError, systemErrorOf } from '../engine/runtime/input-errors'

export const BUG_REPORT_HINT = 'This is a bug in ligo, not in your input: please report it with the lines above.'

/**
 * The text to print (ending in a newline) for an error that ended the command `where` ("ligo train"); `wording`
 * rewrites a message for the command line (the engine's parameter names as the command's flags).
 */
export function errorReport(where: string, error: unknown, wording: (message: string) => string = (message) => message): string {
  const line = (message: string) => `${where}: ${wording(firstLine(message))}\n`
  if (error instanceof StudioError) {
    // engine_error: the engine already logged the stack on stderr ("[engine] ... failed: ..."), just above.
    return error.code === 'engine_error' ? `${line(error.message)}${BUG_REPORT_HINT}\n` : line(error.message)
  }
  if (isInputError(error) || systemErrorOf(error) !== null) return line((error as Error).message)
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
  return `${where}: ${text}\n${BUG_REPORT_HINT}\n`
}
