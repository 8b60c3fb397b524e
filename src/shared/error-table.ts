/**
 * The error table of the Studio API (issue 16): every kind of error the host can answer with, and the one code it
 * carries across IPC, the `ligo serve` WebSocket and the CLI. The message is the error's own first line, which
 * names the file, folder or argument and the problem. Errors are known here by name (shared code cannot import
 * the engine); src/engine/runtime/input-errors.ts classifies with this table, and test/error-table.test.ts checks
 * every row against a real instance of the class and every input error class against a row.
 * Anything else thrown is a bug: `engine_error`, with its stack in the log. A StudioError carries its own code.
 */
import type { ErrorCode } from './errors'

/** The engine's error classes about the user's input, by class name (Error.name). */
export const INPUT_ERROR_CODES = {
  // files and folders the user named
  CheckpointFormatError: 'invalid_request',
  CheckpointImportError: 'invalid_request',
  CheckpointExportError: 'invalid_request',
  CheckpointError: 'invalid_request',
  UnknownArchitectureError: 'invalid_request',
  AtomicWriteError: 'invalid_request',
  RunFolderError: 'invalid_request',
  SeedRegistryError: 'invalid_request',
  // data
  InputError: 'invalid_request',
  DataSizeError: 'invalid_request',
  TrainingDataError: 'invalid_request',
  ImageFolderError: 'invalid_request',
  ImageAdaptError: 'invalid_request',
  SplitRecordError: 'invalid_request',
  PngError: 'invalid_request',
  JpegError: 'invalid_request',
  TextSourceError: 'invalid_request',
  TokenizerLoadError: 'invalid_request',
  // names and numbers
  MethodSettingsError: 'invalid_request',
  BudgetError: 'invalid_request',
  FlopsShapeError: 'invalid_request',
  CarbonError: 'invalid_request',
  // StudioError subclasses: their code is fixed by the class
  GrowthError: 'invalid_request',
  TrainRunError: 'invalid_request',
  ModelConfigError: 'invalid_request',
  HfConfigError: 'invalid_request',
} as const satisfies Record<string, ErrorCode>

export type InputErrorName = keyof typeof INPUT_ERROR_CODES

/**
 * Node's file-system errors by errno code (a path the user gave that is missing, unreadable, of the wrong kind).
 * Their message names the path ("ENOENT: no such file or directory, open '/x'"). Others (ENOSPC, EMFILE...) are
 * the machine's trouble, reported as `engine_error`.
 */
export const SYSTEM_ERROR_CODES = {
  ENOENT: 'not_found',
  ENOTDIR: 'not_found',
  EACCES: 'forbidden',
  EPERM: 'forbidden',
  EROFS: 'forbidden',
  EISDIR: 'invalid_request',
  EEXIST: 'invalid_request',
  ENOTEMPTY: 'invalid_request',
  ENAMETOOLONG: 'invalid_request',
  ELOOP: 'invalid_request',
} as const satisfies Record<string, ErrorCode>

export type SystemErrorName = keyof typeof SYSTEM_ERROR_CODES

const lookup = (table: Readonly<Record<string, ErrorCode>>, key: string): ErrorCode | null => (Object.prototype.hasOwnProperty.call(table, key) ? table[key] : null)

/** The code of an error of this class name, or null when the table does not know it (a bug: engine_error). */
export const inputErrorCode = (name: string): ErrorCode | null => lookup(INPUT_ERROR_CODES, name)

/** The code of a Node system error by its errno code ("ENOENT"), or null. */
export const systemErrorCode = (errno: string): ErrorCode | null => lookup(SYSTEM_ERROR_CODES, errno)
