/**
 * The one lazy handle every checkpoint reader returns (safetensors, sharded safetensors, torch zip), so callers
 * treat formats alike: list names, dtypes and shapes from the header, then read tensors one at a time.
 */
import { toFloat32, type DType, type TensorData } from './dtypes'

export type CheckpointFormat = 'safetensors' | 'sharded' | 'torch-zip'

export interface TensorInfo {
  readonly name: string
  readonly dtype: DType
  /** Row-major ("C") shape; [] is a scalar. */
  readonly shape: readonly number[]
  /** Bytes of the materialised tensor: element count x dtype size. */
  readonly byteLength: number
}

/** One tensor read from disk, in its file dtype (see dtypes.ts for which typed array holds which dtype). */
export interface LoadedTensor {
  readonly name: string
  readonly dtype: DType
  readonly shape: readonly number[]
  /** Contiguous, row-major, little-endian values; length = element count. */
  readonly data: TensorData
  /** The values as float32 (converted on each call; F32 data is returned without a copy). */
  toFloat32(): Float32Array
}

export interface CheckpointReader {
  /** The file that was opened (the index file for sharded checkpoints). */
  readonly path: string
  readonly format: CheckpointFormat
  /** safetensors `__metadata__` (string -> string); {} when the file has none or the format has no such block. */
  readonly metadata: Readonly<Record<string, string>>
  /** Every tensor, in file order. Validated when the file was opened. */
  readonly tensors: ReadonlyMap<string, TensorInfo>
  /**
   * Reads only this tensor's bytes from disk. Files are opened per call, so nothing stays open between reads;
   * a file that changed size since it was opened is refused.
   */
  readTensor(name: string): Promise<LoadedTensor>
}

/** Wraps decoded data as a LoadedTensor. */
export function makeLoadedTensor(name: string, dtype: DType, shape: readonly number[], data: TensorData): LoadedTensor {
  return { name, dtype, shape, data, toFloat32: () => toFloat32(dtype, data) }
}
