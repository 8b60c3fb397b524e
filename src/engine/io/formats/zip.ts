/**
 * A minimal ZIP reader for torch.save archives (PKWARE APPNOTE 6.3: end of central directory, ZIP64 locator and
 * record, central directory, local headers). Stored (method 0) and deflated (method 8, via node:zlib) entries; no
 * encryption, no multi-disk archives. Every offset and size from the file is checked against the file before use,
 * and an entry's data must lie between its local header and the central directory.
 *
 * torch writes STORED entries, so a byte range of a storage is read straight from disk without reading the rest.
 */
import { open } from 'node:fs/promises'
import { crc32, inflateRawSync } from 'node:zlib'
import { CheckpointFormatError } from './errors'
import { readFileHead, readFileRange } from './file-range'

const EOCD_SIGNATURE = 0x06054b50
const EOCD_SIZE = 22
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50
const ZIP64_LOCATOR_SIZE = 20
const ZIP64_EOCD_SIGNATURE = 0x06064b50
const ZIP64_EOCD_SIZE = 56
const CENTRAL_HEADER_SIGNATURE = 0x02014b50
const CENTRAL_HEADER_SIZE = 46
const LOCAL_HEADER_SIGNATURE = 0x04034b50
const LOCAL_HEADER_SIZE = 30
const ZIP64_EXTRA_ID = 0x0001
/** The EOCD record can be followed by a comment of at most 65535 bytes, so it sits in the last 22 + 65535 bytes. */
const EOCD_SEARCH_BYTES = EOCD_SIZE + 0xffff

/**
 * Inflated bytes allowed per byte of archive, summed over the deflated entries (with a floor for tiny archives).
 * Weights barely compress (float data deflates to ~90%); a file that claims more is a zip bomb: 32 KB of deflated
 * zeros can claim 32 MB, or with ZIP64 sizes up to 2^53 (issue 16). Stored entries need no cap: they are on disk.
 */
const MAX_INFLATE_RATIO = 32
const MIN_INFLATE_ALLOWANCE = 1 << 20

export const ZIP_STORED = 0
export const ZIP_DEFLATED = 8

export interface ZipEntry {
  readonly name: string
  /** 0 stored, 8 deflated. */
  readonly method: number
  readonly compressedSize: number
  readonly uncompressedSize: number
  readonly crc32: number
  readonly localHeaderOffset: number
}

export interface ZipArchive {
  readonly path: string
  readonly fileSize: number
  /** By name, in central-directory order. */
  readonly entries: ReadonlyMap<string, ZipEntry>
  /** The whole entry, decompressed and CRC-checked. */
  readEntry(name: string): Promise<Uint8Array>
  /** `length` bytes of the uncompressed entry from `start`; stored entries read only that range from disk. */
  readEntryRange(name: string, start: number, length: number): Promise<Uint8Array>
}

export async function openZip(path: string): Promise<ZipArchive> {
  const fail: (problem: string) => never = (problem) => {
    throw new CheckpointFormatError(path, problem)
  }
  const { size } = await readFileHead(path, 0)
  if (size < EOCD_SIZE) fail(`file is ${size} bytes, too short for a zip archive`)
  const tailStart = Math.max(0, size - EOCD_SEARCH_BYTES)
  const tail = await readFileRange(path, tailStart, size - tailStart, size)
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)

  let eocd = -1
  for (let at = tail.length - EOCD_SIZE; at >= 0; at--) {
    if (tailView.getUint32(at, true) === EOCD_SIGNATURE && at + EOCD_SIZE + tailView.getUint16(at + 20, true) === tail.length) {
      eocd = at
      break
    }
  }
  if (eocd < 0) fail('not a complete zip archive: no end-of-central-directory record (truncated file?)')

  let entryCount: number = tailView.getUint16(eocd + 10, true)
  let directorySize: number = tailView.getUint32(eocd + 12, true)
  let directoryOffset: number = tailView.getUint32(eocd + 16, true)
  let directoryEnd = tailStart + eocd // where the central directory must end
  if (tailView.getUint16(eocd + 4, true) !== 0 || tailView.getUint16(eocd + 6, true) !== 0) fail('multi-disk zip archives are not supported')

  const needsZip64 = entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff
  const locator = eocd - ZIP64_LOCATOR_SIZE
  if (locator >= 0 && tailView.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
    const recordOffset = safeUint64(tailView, locator + 8, 'ZIP64 end-of-central-directory offset', fail)
    if (recordOffset + ZIP64_EOCD_SIZE > tailStart + locator) fail(`ZIP64 end-of-central-directory offset ${recordOffset} is outside the archive`)
    const record = await readFileRange(path, recordOffset, ZIP64_EOCD_SIZE, size)
    const recordView = new DataView(record.buffer)
    if (recordView.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) fail('ZIP64 end-of-central-directory record is missing its signature')
    entryCount = safeUint64(recordView, 32, 'ZIP64 entry count', fail)
    directorySize = safeUint64(recordView, 40, 'ZIP64 central directory size', fail)
    directoryOffset = safeUint64(recordView, 48, 'ZIP64 central directory offset', fail)
    directoryEnd = recordOffset
  } else if (needsZip64) {
    fail('zip archive needs ZIP64 but has no ZIP64 end-of-central-directory locator')
  }
  if (directoryOffset + directorySize > directoryEnd) {
    fail(`central directory (bytes ${directoryOffset}..${directoryOffset + directorySize}) runs past its end record at byte ${directoryEnd}`)
  }
  if (entryCount * CENTRAL_HEADER_SIZE > directorySize) fail(`central directory of ${directorySize} bytes cannot hold ${entryCount} entries`)

  const directory = await readFileRange(path, directoryOffset, directorySize, size)
  const entries = parseCentralDirectory(directory, entryCount, directoryOffset, fail)
  checkInflatedSizes(entries, size, fail)
  const dataStarts = await locateEntryData(path, size, entries, directoryOffset, fail)
  // The last deflated entry inflated: a storage shared by many tensors is inflated once, not once per tensor.
  let inflated: { name: string; data: Uint8Array } | null = null

  function entryNamed(name: string): ZipEntry {
    const entry = entries.get(name)
    if (entry === undefined) fail(`zip archive has no entry '${name}'`)
    return entry as ZipEntry
  }

  async function readEntry(name: string): Promise<Uint8Array> {
    const entry = entryNamed(name)
    if (inflated !== null && inflated.name === name) return inflated.data
    const raw = await readFileRange(path, dataStarts.get(entry.name)!, entry.compressedSize, size)
    const data = entry.method === ZIP_STORED ? raw : inflate(entry, raw, fail)
    if (data.length !== entry.uncompressedSize) fail(`zip entry '${name}' is ${data.length} bytes, its header says ${entry.uncompressedSize}`)
    if (crc32(data) !== entry.crc32) fail(`zip entry '${name}' is damaged (CRC-32 mismatch)`)
    if (entry.method !== ZIP_STORED) inflated = { name, data }
    return data
  }

  async function readEntryRange(name: string, start: number, length: number): Promise<Uint8Array> {
    const entry = entryNamed(name)
    if (start < 0 || length < 0 || start + length > entry.uncompressedSize) {
      fail(`read of bytes ${start}..${start + length} is outside zip entry '${name}' (${entry.uncompressedSize} bytes)`)
    }
    if (entry.method === ZIP_STORED) return readFileRange(path, dataStarts.get(entry.name)! + start, length, size)
    return (await readEntry(name)).slice(start, start + length)
  }

  return { path, fileSize: size, entries, readEntry, readEntryRange }
}

/** Refuses deflated entries that claim more bytes than MAX_INFLATE_RATIO allows for this archive, before inflating. */
function checkInflatedSizes(entries: ReadonlyMap<string, ZipEntry>, fileSize: number, fail: (problem: string) => never): void {
  const allowance = Math.max(MIN_INFLATE_ALLOWANCE, MAX_INFLATE_RATIO * fileSize)
  let total = 0
  for (const entry of entries.values()) {
    if (entry.method === ZIP_STORED) continue
    total += entry.uncompressedSize
    if (total > allowance) {
      fail(
        `zip entry '${entry.name}' claims ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed bytes: the deflated entries ` +
          `would expand to more than ${MAX_INFLATE_RATIO} times the ${fileSize}-byte archive (a zip bomb?); store the entries uncompressed`,
      )
    }
  }
}

/**
 * Reads every local header once, at open: an entry's data starts after its local header (whose name and extra
 * lengths may differ from the central copy) and must end before the central directory.
 */
async function locateEntryData(
  path: string,
  size: number,
  entries: ReadonlyMap<string, ZipEntry>,
  directoryOffset: number,
  fail: (problem: string) => never,
): Promise<Map<string, number>> {
  const starts = new Map<string, number>()
  const handle = await open(path, 'r')
  try {
    const local = new Uint8Array(LOCAL_HEADER_SIZE)
    const localView = new DataView(local.buffer)
    for (const entry of entries.values()) {
      if (entry.localHeaderOffset + LOCAL_HEADER_SIZE > directoryOffset) {
        fail(`zip entry '${entry.name}' has its local header at byte ${entry.localHeaderOffset}, outside the archive's data area (${directoryOffset} bytes)`)
      }
      const { bytesRead } = await handle.read(local, 0, LOCAL_HEADER_SIZE, entry.localHeaderOffset)
      if (bytesRead !== LOCAL_HEADER_SIZE || localView.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) {
        fail(`zip entry '${entry.name}' has no local header at byte ${entry.localHeaderOffset}`)
      }
      const start = entry.localHeaderOffset + LOCAL_HEADER_SIZE + localView.getUint16(26, true) + localView.getUint16(28, true)
      const end = start + entry.compressedSize
      if (end > directoryOffset || end > size) {
        fail(`zip entry '${entry.name}' lies outside the archive (its data ends at byte ${end}, but the data area ends at byte ${directoryOffset})`)
      }
      starts.set(entry.name, start)
    }
  } finally {
    await handle.close()
  }
  return starts
}

function parseCentralDirectory(directory: Uint8Array, entryCount: number, directoryOffset: number, fail: (problem: string) => never): Map<string, ZipEntry> {
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength)
  const decoder = new TextDecoder('utf-8')
  const entries = new Map<string, ZipEntry>()
  let at = 0
  for (let index = 0; index < entryCount; index++) {
    if (at + CENTRAL_HEADER_SIZE > directory.length || view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
      fail(`central directory entry ${index} is damaged (no header signature at byte ${directoryOffset + at})`)
    }
    const flags = view.getUint16(at + 8, true)
    const method = view.getUint16(at + 10, true)
    const crc = view.getUint32(at + 16, true)
    let compressedSize = view.getUint32(at + 20, true)
    let uncompressedSize = view.getUint32(at + 24, true)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    let localHeaderOffset = view.getUint32(at + 42, true)
    const nameStart = at + CENTRAL_HEADER_SIZE
    const next = nameStart + nameLength + extraLength + commentLength
    if (next > directory.length) fail(`central directory entry ${index} runs past the end of the central directory`)
    const name = decoder.decode(directory.subarray(nameStart, nameStart + nameLength))

    // ZIP64 extra field: 8-byte values, present only for the fields that hold 0xffffffff, in this order.
    const extra = new DataView(directory.buffer, directory.byteOffset + nameStart + nameLength, extraLength)
    for (let e = 0; e + 4 <= extraLength; ) {
      const id = extra.getUint16(e, true)
      const dataLength = extra.getUint16(e + 2, true)
      if (e + 4 + dataLength > extraLength) fail(`zip entry '${name}' has a damaged extra field`)
      if (id === ZIP64_EXTRA_ID) {
        let field = e + 4
        const take = (what: string): number => {
          if (field + 8 > e + 4 + dataLength) fail(`zip entry '${name}' has a ZIP64 extra field without its ${what}`)
          const value = safeUint64(extra, field, `ZIP64 ${what} of '${name}'`, fail)
          field += 8
          return value
        }
        if (uncompressedSize === 0xffffffff) uncompressedSize = take('uncompressed size')
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size')
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset')
      }
      e += 4 + dataLength
    }

    if (flags & 0x1) fail(`zip entry '${name}' is encrypted`)
    if (method !== ZIP_STORED && method !== ZIP_DEFLATED) fail(`zip entry '${name}' uses compression method ${method} (only stored and deflated are supported)`)
    if (method === ZIP_STORED && compressedSize !== uncompressedSize) fail(`stored zip entry '${name}' has different compressed and uncompressed sizes`)
    if (entries.has(name)) fail(`zip archive lists entry '${name}' twice`)
    entries.set(name, { name, method, compressedSize, uncompressedSize, crc32: crc, localHeaderOffset })
    at = next
  }
  return entries
}

/** Inflates with the output capped at the declared size (itself capped by checkInflatedSizes), so a lying header stops there. */
function inflate(entry: ZipEntry, raw: Uint8Array, fail: (problem: string) => never): Uint8Array {
  try {
    const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) })
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  } catch (error) {
    return fail(`zip entry '${entry.name}' cannot be decompressed (${(error as Error).message})`)
  }
}

function safeUint64(view: DataView, at: number, what: string, fail: (problem: string) => never): number {
  const value = view.getBigUint64(at, true)
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${value} is too large`)
  return Number(value)
}
