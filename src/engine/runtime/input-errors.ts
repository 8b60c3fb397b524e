/**
 * The engine's errors that describe a problem with what the user gave it (a file, a folder, a name, a number),
 * not a bug in the engine. They cross the process boundary as `invalid_request` with their message, which names
 * the file or argument and the problem, and no stack is logged for them; anything else thrown by engine code is an
 * `engine_error` whose stack goes to the engine log (issue 16). One list, used by the engine server, the CLI's
 * error boundary (for commands that read files in the CLI process) and the Studio API through the engine.
 */
import { StudioError, serializeError, type SerializedError } from '../../shared'
import { BudgetError } from '../experiments/budget'
import { CarbonError } from '../metrics/energy/carbon'
import { FlopsShapeError } from '../metrics/flops'
import { ImageFolderError } from '../data/image-folder'
import { JpegError } from '../data/jpeg'
import { PngError } from '../data/png'
import { TextSourceError } from '../data/text-sources'
import { TokenizerLoadError } from '../data/tokenizers/load-tokenizer'
import { AtomicWriteError } from '../io/atomic-write'
import { UnknownArchitectureError } from '../io/detect'
import { CheckpointExportError } from '../io/export-checkpoint'
import { CheckpointFormatError } from '../io/formats/errors'
import { CheckpointImportError } from '../io/import-checkpoint'
import { SeedRegistryError } from '../seeds'
import { CheckpointError } from '../train/checkpoint'
import { RunFolderError } from '../train/run-folder'
import { TrainingDataError } from '../train/training-data'

/** Error classes whose messages are complete answers to a user's mistake. */
export const INPUT_ERROR_CLASSES: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  CheckpointFormatError,
  CheckpointImportError,
  CheckpointExportError,
  CheckpointError,
  UnknownArchitectureError,
  AtomicWriteError,
  RunFolderError,
  TrainingDataError,
  ImageFolderError,
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

/**
 * {code, message} for the host: a user's mistake is `invalid_request` (StudioErrors keep their own code); the rest
 * is `engine_error`. A message is one line: a multi-line message from a library is cut at its first line.
 */
export function classifyError(error: unknown): SerializedError {
  if (!(error instanceof StudioError) && isInputError(error)) return { code: 'invalid_request', message: firstLine((error as Error).message) }
  const serialized = serializeError(error)
  return { ...serialized, message: firstLine(serialized.message) }
}

/** A message cut at its first line break: errors cross to people as one line. */
export function firstLine(message: string): string {
  const end = message.indexOf('\n')
  return end < 0 ? message : message.slice(0, end)
}
