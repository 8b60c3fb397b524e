/**
 * safetensors, exactly (docs: docs/formats/checkpoints.md §1; reference: huggingface/safetensors `safetensors/src/tensor.rs`).
 *
 *   [0..8)      N, u64 little-endian: byte length of the header
 *   [8..8+N)    UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {str: str}},
 *               right-padded with spaces
 *   [8+N..EOF)  data: every tensor packed, row-major, little-endian; offsets are relative to byte 8+N
 *
 * The reader validates the whole header before trusting any of it (the reference `Metadata::validate` rules:
 * tensors tile the data region with no gap or overlap and end exactly at the end of the file), then reads tensors
 * one at a time from disk, so files larger than memory work. The writer copies the reference writer byte for byte.
 */
import { readFileRange, readFileHead } from './file-range'
import { CheckpointFormatError, formatShape } from './errors'
import {
  DTYPE_INFO,
  SUPPORTED_DTYPES,
  UNSUPPORTED_SAFETENSORS_DTYPES,
  bytesOf,
  elementCount,
  fromFloat32,
  isSupportedDType,
  matchesDType,
  viewLittleEndian,
  type DType,
  type TensorData,
} from './dtypes'
import { makeLoadedTensor, type CheckpointReader, type LoadedTensor, type TensorInfo } from './types'
import { writeFileAtomic, type AtomicWriteOptions } from '../atomic-write'

/** The reference reader refuses larger headers (`MAX_HEADER_SIZE`, HeaderTooLarge). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000
const METADATA_KEY = '__metadata__'
const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'] as const

export interface SafetensorsTensorInfo extends TensorInfo {
  /** [begin, end) relative to the start of the data region. */
  readonly dataOffsets: readonly [number, number]
}

export interface SafetensorsFile extends CheckpointReader {
  readonly format: 'safetensors'
  readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>
  /** `__metadata__` exactly as in the file, or null when the file has none (metadata is then {}). */
  readonly rawMetadata: Readonly<Record<string, string>> | null
  readonly fileSize: number
  /** N: the header's byte length, padding included. */
  readonly headerLength: number
}

export interface ParsedSafetensorsHeader {
  /** Sorted by data offset (file order). */
  readonly tensors: SafetensorsTensorInfo[]
  readonly metadata: Record<string, string> | null
}

// ---------------------------------------------------------------- reading

export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  const { size, head } = await readFileHead(path, 8)
  if (size < 8) {
    throw new CheckpointFormatError(path, `file is ${size} bytes, too short for a safetensors file (the header length alone takes 8)`)
  }
  const declared = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true)
  if (declared > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new CheckpointFormatError(path, `header length ${declared} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit`)
  }
  const headerLength = Number(declared)
  if (headerLength < 2) {
    throw new CheckpointFormatError(path, `header length ${headerLength} is too small to hold a JSON object`)
  }
  if (8 + headerLength > size) {
    throw new CheckpointFormatError(path, `header length ${headerLength} runs past the end of the file (8 + ${headerLength} > ${size} bytes)`)
  }
  const headerBytes = await readFileRange(path, 8, headerLength, size)
  const dataStart = 8 + headerLength
  const parsed = parseSafetensorsHeader(path, headerBytes, size - dataStart)
  const tensors = new Map(parsed.tensors.map((info) => [info.name, info]))

  return {
    path,
    format: 'safetensors',
    metadata: parsed.metadata ?? {},
    rawMetadata: parsed.metadata,
    tensors,
    fileSize: size,
    headerLength,
    async readTensor(name: string): Promise<LoadedTensor> {
      const info = tensors.get(name)
      if (info === undefined) throw new CheckpointFormatError(path, `no tensor named '${name}' (the file has ${tensors.size})`)
      const [begin, end] = info.dataOffsets
      const bytes = await readFileRange(path, dataStart + begin, end - begin, size)
      return makeLoadedTensor(name, info.dtype, info.shape, viewLittleEndian(info.dtype, bytes))
    },
  }
}

/**
 * Validates a header (the N bytes after the length) against a data region of `dataSize` bytes. Pure, so the rules
 * can be tested without files. Throws CheckpointFormatError naming `path` and the first problem found.
 */
export function parseSafetensorsHeader(path: string, headerBytes: Uint8Array, dataSize: number): ParsedSafetensorsHeader {
  const fail: (problem: string) => never = (problem) => {
    throw new CheckpointFormatError(path, problem)
  }
  let text = ''
  try {
    // ignoreBOM keeps a byte-order mark in the text, so JSON.parse rejects it as the reference reader does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes)
  } catch {
    fail('header is not valid UTF-8')
  }
  let header: unknown
  try {
    header = JSON.parse(text)
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message})`)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${Array.isArray(header) ? 'an array' : header === null ? 'null' : typeof header}`)
  }
  if (!text.startsWith('{')) fail(`header must start with '{' (it starts with ${JSON.stringify(text.slice(0, 1))})`)

  let metadata: Record<string, string> | null = null
  const tensors: SafetensorsTensorInfo[] = []
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) metadata = validateMetadata(entry, fail)
    else tensors.push(validateEntry(name, entry, dataSize, fail))
  }
  checkTiling(tensors, dataSize, fail)
  return { tensors, metadata }
}

function validateMetadata(value: unknown, fail: (problem: string) => never): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${METADATA_KEY} must be an object of string values, got ${Array.isArray(value) ? 'an array' : String(value)}`)
  }
  const metadata: Record<string, string> = {}
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') fail(`${METADATA_KEY} values must be strings; '${key}' is ${JSON.stringify(item)}`)
    metadata[key] = item as string
  }
  return metadata
}

function validateEntry(name: string, entry: unknown, dataSize: number, fail: (problem: string) => never): SafetensorsTensorInfo {
  const where = `tensor '${name}'`
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    fail(`${where}: entry must be an object with dtype, shape and data_offsets`)
  }
  const fields = entry as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) fail(`${where}: unexpected field '${key}' (allowed: ${ENTRY_FIELDS.join(', ')})`)
  }
  for (const key of ENTRY_FIELDS) if (!(key in fields)) fail(`${where}: missing field '${key}'`)

  const { dtype, shape, data_offsets: offsets } = fields
  if (!isSupportedDType(dtype)) {
    if (typeof dtype === 'string' && UNSUPPORTED_SAFETENSORS_DTYPES.has(dtype)) {
      fail(`${where}: dtype ${dtype} is not supported (supported: ${SUPPORTED_DTYPES.join(', ')})`)
    }
    fail(`${where}: unknown dtype ${JSON.stringify(dtype)} (supported: ${SUPPORTED_DTYPES.join(', ')})`)
  }
  const dt = dtype as DType
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`)
  }
  const dims = shape as number[]
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    fail(`${where}: data_offsets must be [begin, end] with integers 0 <= begin <= end, got ${JSON.stringify(offsets)}`)
  }
  const [begin, end] = offsets as [number, number]
  if (end > dataSize) fail(`${where}: data_offsets [${begin},${end}] run past the end of the data (${dataSize} bytes)`)
  const count = elementCount(dims)
  const needed = count === null ? null : count * DTYPE_INFO[dt].bytes
  if (needed === null || !Number.isSafeInteger(needed)) {
    fail(`${where}: shape ${formatShape(dims)} has too many elements to address (element count overflows)`)
  }
  if (end - begin !== needed) {
    fail(`${where} declares ${end - begin} bytes but its dtype ${dt} and shape ${formatShape(dims)} need ${needed}`)
  }
  return { name, dtype: dt, shape: dims, byteLength: end - begin, dataOffsets: [begin, end] }
}

/** Sorted by offset, tensors must cover [0, dataSize) exactly: no gap, no overlap, nothing after the last one. */
function checkTiling(tensors: SafetensorsTensorInfo[], dataSize: number, fail: (problem: string) => never): void {
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1])
  let covered = 0
  let previous: SafetensorsTensorInfo | null = null
  for (const info of tensors) {
    const [begin, end] = info.dataOffsets
    if (begin < covered && previous !== null) {
      fail(`tensor '${info.name}' (data_offsets [${begin},${end}]) overlaps tensor '${previous.name}' (data_offsets [${previous.dataOffsets[0]},${previous.dataOffsets[1]}])`)
    }
    if (begin > covered) {
      fail(`gap in the data: bytes ${covered}..${begin} belong to no tensor (before tensor '${info.name}')`)
    }
    covered = end
    previous = info
  }
  if (covered !== dataSize) {
    fail(`the last ${dataSize - covered} bytes of the file belong to no tensor (tensors end at data byte ${covered}, the data region has ${dataSize})`)
  }
}

// ---------------------------------------------------------------- writing

export interface TensorToWrite {
  readonly name: string
  readonly dtype: DType
  readonly shape: readonly number[]
  /** The dtype's in-memory array (dtypes.ts); a Float32Array is also accepted for F16, BF16 and F64 and converted. */
  readonly data: TensorData
}

/** What a tensor's place in a file depends on: its name, dtype and shape (not its values). */
export type TensorSpec = Pick<TensorToWrite, 'name' | 'dtype' | 'shape'>

export interface SafetensorsLayout<T extends TensorSpec = TensorSpec> {
  /** The 8-byte length and the padded header. */
  readonly prefix: Uint8Array
  /** Tensors in the order their bytes follow the header. */
  readonly ordered: readonly T[]
  readonly dataBytes: number
}

export type EncodedSafetensors = SafetensorsLayout<TensorToWrite>

/**
 * Lays out a file as the reference writer (`prepare` in tensor.rs) does: tensors sorted by dtype (enum order,
 * descending, which keeps every tensor aligned to its element size), then by name as UTF-8 bytes; compact JSON
 * with `__metadata__` first and tensors in offset order; spaces pad N to a multiple of 8.
 * `metadata` null omits `__metadata__` (as timm writes); transformers needs {format: 'pt'} (doc §1.5).
 */
export function encodeSafetensors(path: string, tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> | null): EncodedSafetensors {
  for (const tensor of tensors) checkTensorToWrite(tensor, (problem) => { throw new CheckpointFormatError(path, problem) })
  return safetensorsLayout(path, tensors, metadata)
}

/**
 * The header and byte layout of a file from names, dtypes and shapes alone (encodeSafetensors without the values):
 * a file's exact size is `prefix.length + dataBytes`, known before any tensor is converted or written.
 */
export function safetensorsLayout<T extends TensorSpec>(path: string, tensors: readonly T[], metadata: Readonly<Record<string, string>> | null): SafetensorsLayout<T> {
  const fail: (problem: string) => never = (problem) => {
    throw new CheckpointFormatError(path, problem)
  }
  const names = new Set<string>()
  for (const tensor of tensors) {
    if (tensor.name === METADATA_KEY) fail(`'${METADATA_KEY}' cannot be a tensor name`)
    if (names.has(tensor.name)) fail(`tensor '${tensor.name}' is listed twice`)
    names.add(tensor.name)
    checkTensorSpec(tensor, fail)
  }
  const utf8Names = new Map(tensors.map((t) => [t.name, Buffer.from(t.name, 'utf8')]))
  const ordered = [...tensors].sort(
    (a, b) => DTYPE_INFO[b.dtype].enumOrder - DTYPE_INFO[a.dtype].enumOrder || Buffer.compare(utf8Names.get(a.name)!, utf8Names.get(b.name)!),
  )
  const parts: string[] = []
  if (metadata !== null) {
    const entries = Object.entries(metadata).map(([key, value]) => {
      if (typeof value !== 'string') fail(`metadata '${key}' must be a string`)
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`
    })
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${entries.join(',')}}`)
  }
  let offset = 0
  for (const tensor of ordered) {
    const bytes = elementCount(tensor.shape)! * DTYPE_INFO[tensor.dtype].bytes
    parts.push(`${JSON.stringify(tensor.name)}:{"dtype":"${tensor.dtype}","shape":[${tensor.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`)
    offset += bytes
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8')
  const headerLength = Math.ceil(json.length / 8) * 8
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES) fail(`header would be ${headerLength} bytes, over the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit`)
  const prefix = Buffer.alloc(8 + headerLength, 0x20)
  prefix.writeBigUInt64LE(BigInt(headerLength), 0)
  json.copy(prefix, 8)
  return { prefix, ordered, dataBytes: offset }
}

function checkTensorSpec(tensor: TensorSpec, fail: (problem: string) => never): void {
  const where = `tensor '${tensor.name}'`
  if (!isSupportedDType(tensor.dtype)) fail(`${where}: unknown dtype ${JSON.stringify(tensor.dtype)} (supported: ${SUPPORTED_DTYPES.join(', ')})`)
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${where}: shape ${formatShape(tensor.shape)} must hold non-negative integers`)
  if (elementCount(tensor.shape) === null) fail(`${where}: shape ${formatShape(tensor.shape)} has too many elements`)
}

/** The values fit the dtype and shape (the spec itself is checked by safetensorsLayout). */
function checkTensorToWrite(tensor: TensorToWrite, fail: (problem: string) => never): void {
  const where = `tensor '${tensor.name}'`
  checkTensorSpec(tensor, fail)
  const count = elementCount(tensor.shape)
  const convertible = tensor.data instanceof Float32Array && (tensor.dtype === 'F16' || tensor.dtype === 'BF16' || tensor.dtype === 'F64')
  if (!matchesDType(tensor.dtype, tensor.data) && !convertible) {
    fail(`${where}: dtype ${tensor.dtype} needs a ${DTYPE_INFO[tensor.dtype].array.name}, got a ${tensor.data.constructor.name}`)
  }
  if (tensor.data.length !== count) fail(`${where}: shape ${formatShape(tensor.shape)} needs ${count} values, got ${tensor.data.length}`)
}

/** The file's bytes in order: prefix, then each tensor (F16/BF16/F64 from Float32Array converted one at a time). */
export function* safetensorsChunks(encoded: EncodedSafetensors): Generator<Uint8Array> {
  yield encoded.prefix
  for (const tensor of encoded.ordered) {
    const { dtype, data } = tensor
    const stored = data instanceof Float32Array && dtype !== 'F32' ? fromFloat32(dtype as 'F16' | 'BF16' | 'F64', data) : data
    yield bytesOf(stored)
  }
}

/** Writes one safetensors file atomically (temp file + fsync + rename); refuses to overwrite `protectedPaths`. */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> | null,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const encoded = encodeSafetensors(path, tensors, metadata)
  await writeFileAtomic(path, safetensorsChunks(encoded), options)
}
