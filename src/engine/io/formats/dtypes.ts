/**
 * Element types shared by the checkpoint readers and writers (safetensors names; torch storages map onto them).
 *
 * In memory a tensor keeps its file dtype as a typed array:
 *   F64 Float64Array · F32 Float32Array · F16/BF16 Uint16Array of raw bits · I64 BigInt64Array · I32 Int32Array ·
 *   I16 Int16Array · I8 Int8Array · U8 Uint8Array · BOOL Uint8Array (0 or 1).
 * `toFloat32` converts any of them for the engine; `fromFloat32` makes F32/F16/BF16/F64 data for writing.
 * All files are little-endian, and so are the hosts we run on (checked below), so bytes are viewed, not swapped.
 */
import { endianness } from 'node:os'

export const SUPPORTED_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const
export type DType = (typeof SUPPORTED_DTYPES)[number]

/**
 * Dtype names the safetensors format defines that we recognise but do not convert (FP8/FP6/FP4, unsigned >8 bit,
 * complex, packed 4-bit). Knowing them lets a reader say "not supported" instead of "unknown".
 */
export const UNSUPPORTED_SAFETENSORS_DTYPES: ReadonlySet<string> = new Set([
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'U16',
  'U32',
  'U64',
  'C64',
  'PackedU4',
  'PackedI4',
])

export type TensorData =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array

interface DTypeInfo {
  /** Bytes per element. */
  readonly bytes: number
  /**
   * Position in the safetensors `Dtype` enum (safetensors/src/tensor.rs, "increasing alignment order"). The
   * reference writer sorts tensors by this, descending, then by name; we copy that for byte-identical files.
   */
  readonly enumOrder: number
  /** The typed array that holds this dtype in memory. */
  readonly array: { readonly name: string; new (length: number): TensorData }
}

export const DTYPE_INFO: Readonly<Record<DType, DTypeInfo>> = {
  BOOL: { bytes: 1, enumOrder: 0, array: Uint8Array },
  U8: { bytes: 1, enumOrder: 1, array: Uint8Array },
  I8: { bytes: 1, enumOrder: 2, array: Int8Array },
  // F8_E5M2 = 3, F8_E4M3 = 4 in the enum
  I16: { bytes: 2, enumOrder: 5, array: Int16Array },
  // U16 = 6
  F16: { bytes: 2, enumOrder: 7, array: Uint16Array },
  BF16: { bytes: 2, enumOrder: 8, array: Uint16Array },
  I32: { bytes: 4, enumOrder: 9, array: Int32Array },
  // U32 = 10
  F32: { bytes: 4, enumOrder: 11, array: Float32Array },
  F64: { bytes: 8, enumOrder: 12, array: Float64Array },
  I64: { bytes: 8, enumOrder: 13, array: BigInt64Array },
}

export function isSupportedDType(name: unknown): name is DType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_INFO, name)
}

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE'

/**
 * Views little-endian file bytes as the dtype's typed array. Zero-copy when `bytes` is suitably aligned (a fresh
 * read buffer always is); otherwise copies into an aligned buffer first.
 */
export function viewLittleEndian(dtype: DType, bytes: Uint8Array): TensorData {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('Checkpoint readers need a little-endian host (this one is big-endian)')
  const size = DTYPE_INFO[dtype].bytes
  if (bytes.byteLength % size !== 0) {
    throw new Error(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements (${size} bytes each)`)
  }
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice()
  const { buffer, byteOffset } = aligned
  const n = aligned.byteLength / size
  switch (dtype) {
    case 'F64':
      return new Float64Array(buffer, byteOffset, n)
    case 'F32':
      return new Float32Array(buffer, byteOffset, n)
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer, byteOffset, n)
    case 'I64':
      return new BigInt64Array(buffer, byteOffset, n)
    case 'I32':
      return new Int32Array(buffer, byteOffset, n)
    case 'I16':
      return new Int16Array(buffer, byteOffset, n)
    case 'I8':
      return new Int8Array(buffer, byteOffset, n)
    case 'U8':
      return new Uint8Array(buffer, byteOffset, n)
    case 'BOOL':
      // torch and safetensors store bools as one byte, 0 or 1; anything non-zero counts as true.
      return aligned.map((b) => (b === 0 ? 0 : 1))
  }
}

/** The bytes of a typed array as they go into a little-endian file (a view, no copy). */
export function bytesOf(data: TensorData): Uint8Array {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('Checkpoint writers need a little-endian host (this one is big-endian)')
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** True when `data` is the in-memory array type for `dtype` (see the table at the top of this file). */
export function matchesDType(dtype: DType, data: TensorData): boolean {
  return data instanceof DTYPE_INFO[dtype].array
}

// ---------------------------------------------------------------- half floats (bit-level)

const scratchFloat = new Float32Array(1)
const scratchBits = new Uint32Array(scratchFloat.buffer)

/** IEEE 754 binary16 bits -> number (exact). */
export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >>> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24 // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/** number -> binary16 bits, rounding the float32 value to nearest, ties to even (as torch's .half()). */
export function numberToF16Bits(x: number): number {
  scratchFloat[0] = x
  const bits = scratchBits[0]
  const sign = (bits >>> 16) & 0x8000
  const exponent = (bits >>> 23) & 0xff
  let mantissa = bits & 0x7fffff
  if (exponent === 0xff) return sign | (mantissa !== 0 ? 0x7e00 : 0x7c00) // NaN stays a (quiet) NaN
  const halfExponent = exponent - 127 + 15
  if (halfExponent >= 0x1f) return sign | 0x7c00 // too large: infinity
  if (halfExponent <= 0) {
    // Subnormal half (or zero): value = mantissa_with_implicit_bit * 2^(exponent - 150), unit 2^-24.
    if (halfExponent < -10) return sign
    mantissa |= 0x800000
    const shift = 14 - halfExponent
    let half = mantissa >>> shift
    const rest = mantissa & ((1 << shift) - 1)
    const halfway = 1 << (shift - 1)
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1
    return sign | half
  }
  let half = (halfExponent << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  // A carry out of the mantissa bumps the exponent, which is exactly right (up to infinity at the top).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1
  return sign | half
}

/** bfloat16 bits -> number (exact: bf16 is the top half of a float32). */
export function bf16BitsToNumber(b: number): number {
  scratchBits[0] = (b & 0xffff) << 16
  return scratchFloat[0]
}

/** number -> bfloat16 bits: float32 rounded to nearest, ties to even; NaN -> 0x7fc0 (quiet), as torch does. */
export function numberToBf16Bits(x: number): number {
  scratchFloat[0] = x
  const bits = scratchBits[0]
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) & 0x8000) | 0x7fc0
  const lsb = (bits >>> 16) & 1
  return ((bits + 0x7fff + lsb) >>> 16) & 0xffff
}

// ---------------------------------------------------------------- conversions

/** Any supported dtype -> Float32Array (F32 is returned as is; I64 beyond 2^24 loses precision, as in torch). */
export function toFloat32(dtype: DType, data: TensorData): Float32Array {
  if (dtype === 'F32') return data as Float32Array
  const out = new Float32Array(data.length)
  if (dtype === 'F16') {
    const bits = data as Uint16Array
    for (let i = 0; i < bits.length; i++) out[i] = f16BitsToNumber(bits[i])
  } else if (dtype === 'BF16') {
    // bf16 is the high half of a float32: shift the bits into place through a Uint32 view.
    const bits = data as Uint16Array
    const outBits = new Uint32Array(out.buffer)
    for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16
  } else if (dtype === 'I64') {
    const values = data as BigInt64Array
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i])
  } else {
    const values = data as Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array
    for (let i = 0; i < values.length; i++) out[i] = values[i]
  }
  return out
}

export type FloatDType = 'F64' | 'F32' | 'F16' | 'BF16'

/** Float32 values -> the in-memory array of a float dtype, ready for a writer (F16/BF16 round to nearest even). */
export function fromFloat32(dtype: FloatDType, values: Float32Array): TensorData {
  switch (dtype) {
    case 'F32':
      return values
    case 'F64':
      return Float64Array.from(values)
    case 'F16': {
      const out = new Uint16Array(values.length)
      for (let i = 0; i < values.length; i++) out[i] = numberToF16Bits(values[i])
      return out
    }
    case 'BF16': {
      const out = new Uint16Array(values.length)
      for (let i = 0; i < values.length; i++) out[i] = numberToBf16Bits(values[i])
      return out
    }
  }
}

/** Product of a shape, or null when it is not a safe integer (hostile headers declare [1e15, 1e15]). */
export function elementCount(shape: readonly number[]): number | null {
  let n = 1
  for (const dim of shape) {
    n *= dim
    if (!Number.isSafeInteger(n)) return null
  }
  return n
}
