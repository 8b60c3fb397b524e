/**
 * The engine's errors that describe a problem with what the user gave it (a file, a folder, a name, a number),
 * not a bug in the engine. They cross the process boundary as `invalid_request` with their message, which names
 * the file or argument and the problem, and no stack is logged for them; anything else thrown by engine code is an
 * `engine_error` whose stack goes to the engine log (issue 16). One list, used by the engine server, the CLI's
 * error boundary (for commands that read files in the CLI process) and the Studio API through the engine.
 * Code without an error class of its own throws InputError or one of its subclasses (./input-error.ts, a leaf so
 * that data/, train/ and io/ can import it without a cycle through this list).
 */
import { StudioError, inputErrorCode, serializeError, systemErrorCode, type SerializedError } from '../../shared'
import { BudgetError } from '../experiments/budget'
import { CarbonError } from '../metrics/energy/carbon'
import { FlopsShapeError } from '../metrics/flops'
import { ImageFolderError } from '../data/image-folder'
import { JpegError } from '../data/jpeg'
import { PngError } from '../data/png'
import { TextSourceError } from '../data/text-sources'
import { TokenizerLoadError } from '../data/tokenizers/load-tokenizer'
import { ImageAdaptError } from '../data/adapt-images'
import { SplitRecordError } from '../data/split-record'
import { MethodSettingsError } from '../growth/method'
import { AtomicWriteError } from '../io/atomic-write'
import { UnknownArchitectureError } from '../io/detect'
import { CheckpointExportError } from '../io/export-checkpoint'
import { CheckpointFormatError } from '../io/formats/errors'
import { CheckpointImportError } from '../io/import-checkpoint'
import { SeedRegistryError } from '../seeds'
import { CheckpointError } from '../train/checkpoint'
import { RunFolderError } from '../train/run-folder'
import { TrainingDataError } from '../train/training-data'
import { DataSizeError, InputError } from './input-error'

export { DataSizeError, InputError }

/** Error classes whose messages are complete answers to a user's mistake. */
export const INPUT_ERROR_CLASSES: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  InputError, // and its subclasses (DataSizeError)
  CheckpointFormatError,
  CheckpointImportError,
  CheckpointExportError,
  CheckpointError,
  UnknownArchitectureError,
  AtomicWriteError,
  RunFolderError,
  TrainingDataError,
  ImageFolderError,
  ImageAdaptError,
  SplitRecordError,
  MethodSettingsError,
  PngError,
  JpegError,
  TextSourceError,
  TokenizerLoadError,
  BudgetError,
  SeedRegistryError,
  FlopsShapeError,
  CarbonError,
]

export function isInputError(error: unknown): boolean {
  return INPUT_ERROR_CLASSES.some((type) => error instanceof type)
}

/** The errno code of Node's errors about a file or the network (ENOENT, EACCES, EADDRINUSE...), else null. */
export function systemErrorOf(error: unknown): string | null {
  if (!(error instanceof Error)) return null
  const { code, syscall } = error as NodeJS.ErrnoException
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string' ? code : null
}

/**
 * {code, message} for the host, by the error table of src/shared/error-table.ts: a user's mistake is
 * `invalid_request` (StudioErrors keep their own code), a missing or forbidden path `not_found` / `forbidden`; the
 * rest is `engine_error`. A message is one line: a multi-line message from a library is cut at its first line.
 */
export function classifyError(error: unknown): SerializedError {
  if (!(error instanceof StudioError) && isInputError(error)) {
    return { code: inputErrorCode((error as Error).name) ?? 'invalid_request', message: firstLine((error as Error).message) }
  }
  const errno = systemErrorOf(error)
  const systemCode = errno === null ? null : systemErrorCode(errno)
  if (systemCode !== null) return { code: systemCode, message: firstLine((error as Error).message) }
  const serialized = serializeError(error)
  return { ...serialized, message: firstLine(serialized.message) }
}

/** A message cut at its first line break: errors cross to people as one line. */
export function firstLine(message: string): string {
  const end = message.indexOf('\n')
  return end < 0 ? message : message.slice(0, end)
}
