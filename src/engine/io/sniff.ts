/**
 * Header-only sniffing: what a dropped or opened file or folder is, from its first bytes (at most
 * SNIFF_HEAD_BYTES) and, for folders, the names inside. Never reads a whole file and never imports TF.js, so
 * Electron main and `ligo serve` can call it directly.
 *
 * Files go through a match table (binary magic numbers first, then text) and the first match wins.
 */
import type { Stats } from 'node:fs'
import { open, readdir, stat as statPath } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { SNIFF_HEAD_BYTES, type DroppedItemReport, type FileKind } from '../../shared'

export interface SniffResult {
  kind: FileKind
  detail: string
}

interface SniffInput {
  name: string
  lowerName: string
  sizeBytes: number
  head: Uint8Array
  /** True when the head holds the whole file, so JSON can be parsed instead of scanned. */
  complete: boolean
}

type Sniffer = (input: SniffInput) => SniffResult | null

/** The safetensors reference reader refuses headers over 100 MB (safetensors/src/tensor.rs MAX_HEADER_SIZE). */
const SAFETENSORS_MAX_HEADER = 100_000_000
/** pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): PROTO 2, LONG1 of 10 bytes, little endian (docs/formats/checkpoints.md §4.1). */
const TORCH_LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
const ZIP_LOCAL_HEADER = 0x04034b50
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Folders: at most this many entries are listed in the report, and at most this many are looked at. */
const MAX_LISTED_ENTRIES = 50
const MAX_SCANNED_ENTRIES = 10_000
const MAX_CLASS_FOLDERS = 1000
/** config.json of a checkpoint folder is small; read this much of it to describe the model. */
const CONFIG_READ_BYTES = 64 * 1024

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg'])
const WEIGHT_FILE = /(\.safetensors|\.safetensors\.index\.json|\.bin|\.bin\.index\.json|\.pt|\.pth)$/i
const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'spiece.model', 'sentencepiece.bpe.model']

// ---------------------------------------------------------------- binary formats

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false
  return bytes.every((b, i) => head[at + i] === b)
}

const view = (head: Uint8Array): DataView => new DataView(head.buffer, head.byteOffset, head.byteLength)
const utf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes)

/** [u64 LE header length][JSON header, starts with '{'][data]; the length must fit in the file. */
const sniffSafetensors: Sniffer = ({ head, sizeBytes }) => {
  if (head.length < 9 || head[8] !== 0x7b) return null
  const headerLength = view(head).getUint32(0, true)
  if (view(head).getUint32(4, true) !== 0 || headerLength < 2 || headerLength > SAFETENSORS_MAX_HEADER) return null
  if (8 + headerLength > sizeBytes) return null
  if (8 + headerLength > head.length) {
    return { kind: 'safetensors', detail: `safetensors, header of ${headerLength} bytes (too long to list tensors here)` }
  }
  let header: unknown
  try {
    header = JSON.parse(utf8(head.subarray(8, 8 + headerLength)))
  } catch {
    return { kind: 'safetensors', detail: `safetensors, but its ${headerLength}-byte header is not valid JSON (damaged file?)` }
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return { kind: 'safetensors', detail: 'safetensors, but its header is not a JSON object (damaged file?)' }
  }
  const dtypes = new Set<string>()
  let tensors = 0
  let parameters = 0
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__' || typeof entry !== 'object' || entry === null) continue
    const { dtype, shape } = entry as { dtype?: unknown; shape?: unknown }
    tensors += 1
    if (typeof dtype === 'string') dtypes.add(dtype)
    if (Array.isArray(shape)) parameters += shape.reduce((n: number, d) => n * (typeof d === 'number' ? d : 0), 1)
  }
  const types = dtypes.size > 0 ? ` (${[...dtypes].sort().join(', ')})` : ''
  return {
    kind: 'safetensors',
    detail: `safetensors header of ${plural(tensors, 'tensor')}${types}, ${formatCount(parameters)} parameters`,
  }
}

/** Names of the zip entries whose local headers lie inside the head (the central directory is at the end). */
export function zipEntryNamesInHead(head: Uint8Array): string[] {
  const names: string[] = []
  const data = view(head)
  let offset = 0
  while (offset + 30 <= head.length && data.getUint32(offset, true) === ZIP_LOCAL_HEADER) {
    const flags = data.getUint16(offset + 6, true)
    const compressedSize = data.getUint32(offset + 18, true)
    const nameLength = data.getUint16(offset + 26, true)
    const extraLength = data.getUint16(offset + 28, true)
    const nameEnd = offset + 30 + nameLength
    if (nameEnd > head.length) break
    names.push(utf8(head.subarray(offset + 30, nameEnd)))
    // Bit 3: sizes come after the data; 0xffffffff: the real size is in a ZIP64 extra field. Either way stop.
    if (flags & 0x08 || compressedSize === 0xffffffff) break
    offset = nameEnd + extraLength + compressedSize
  }
  return names
}

/** torch.save (>= 1.6) writes a zip whose first entry is <folder>/data.pkl (docs/formats/checkpoints.md §4.1). */
const sniffZip: Sniffer = ({ head }) => {
  if (head.length < 4 || view(head).getUint32(0, true) !== ZIP_LOCAL_HEADER) return null
  const names = zipEntryNamesInHead(head)
  const pickle = names.find((n) => /^(?:[^/]+\/)?data\.pkl$/.test(n))
  if (pickle !== undefined) {
    const folder = pickle.includes('/') ? `, folder "${pickle.slice(0, pickle.indexOf('/') + 1)}"` : ''
    return { kind: 'pytorch-zip', detail: `torch.save zip archive${folder}` }
  }
  const shown = names.slice(0, 3).map((n) => JSON.stringify(n)).join(', ')
  return { kind: 'zip', detail: names.length > 0 ? `zip archive, first entries: ${shown}` : 'zip archive' }
}

/** A pickle with a PROTO opcode (protocol 2-5); the legacy torch.save stream starts with a pickled magic number. */
const sniffPickle: Sniffer = ({ head }) => {
  if (head.length < 3 || head[0] !== 0x80 || head[1] < 2 || head[1] > 5) return null
  if (startsWith(head, TORCH_LEGACY_MAGIC)) {
    return { kind: 'pytorch-legacy', detail: 'torch.save legacy stream (torch < 1.6): magic number 0x1950a86a20f9469cfc6c' }
  }
  return { kind: 'pickle', detail: `Python pickle, protocol ${head[1]}` }
}

/** RFC 1952: 1f 8b, method 8 (deflate); FNAME (flag 8) holds the original file name after FEXTRA (flag 4). */
const sniffGzip: Sniffer = ({ head }) => {
  if (!startsWith(head, [0x1f, 0x8b, 0x08])) return null
  const flags = head[3]
  if (head.length >= 10 && flags & 0x08) {
    let start = 10
    if (flags & 0x04) start += 2 + (head.length >= 12 ? view(head).getUint16(10, true) : 0)
    const end = head.indexOf(0, start)
    if (end > start) return { kind: 'gzip', detail: `gzip archive of "${latin1(head.subarray(start, end))}"` }
  }
  return { kind: 'gzip', detail: 'gzip archive' }
}

/** PNG: signature, then the IHDR chunk with big-endian width and height at bytes 16 and 20. */
const sniffPng: Sniffer = ({ head }) => {
  if (!startsWith(head, PNG_SIGNATURE)) return null
  if (head.length >= 24 && latin1(head.subarray(12, 16)) === 'IHDR') {
    return { kind: 'png', detail: `PNG image, ${view(head).getUint32(16)} × ${view(head).getUint32(20)} pixels` }
  }
  return { kind: 'png', detail: 'PNG image' }
}

/** JPEG: SOI (ff d8 ff), then walk the marker segments to the first SOFn, which holds height and width. */
const sniffJpeg: Sniffer = ({ head }) => {
  if (!startsWith(head, [0xff, 0xd8, 0xff])) return null
  const data = view(head)
  let offset = 2
  while (offset + 9 <= head.length && head[offset] === 0xff) {
    const marker = head[offset + 1]
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isStartOfFrame) {
      return { kind: 'jpeg', detail: `JPEG image, ${data.getUint16(offset + 7)} × ${data.getUint16(offset + 5)} pixels` }
    }
    offset += 2 + data.getUint16(offset + 2)
  }
  return { kind: 'jpeg', detail: 'JPEG image' }
}

// ---------------------------------------------------------------- text formats

/** The head as text, or null when it is binary (invalid UTF-8 or control characters other than whitespace). */
function decodeText(input: SniffInput): string | null {
  let text: string
  try {
    // stream: a head cut in the middle of a multi-byte character is not an error; the BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(input.head, { stream: !input.complete })
  } catch {
    return null
  }
  return /[\x00-\x08\x0e-\x1a\x1c-\x1f]/.test(text) ? null : text
}

interface JsonOutline {
  root: 'object' | 'array'
  /** Keys of the top-level object, in order, as far as the text goes. */
  keys: string[]
  /** The parsed value when the text is complete, valid JSON. */
  value: unknown
}

/** Keys at depth 1 of a possibly truncated JSON object, found by walking strings and brackets. */
export function topLevelJsonKeys(text: string): string[] {
  const keys: string[] = []
  const stack: string[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      if (j >= text.length) break // cut inside a string
      if (expectKey && stack.length === 1) keys.push(parseJsonString(text.slice(i, j + 1)))
      expectKey = false
      i = j
    } else if (c === '{' || c === '[') {
      stack.push(c)
      expectKey = c === '{' && stack.length === 1
    } else if (c === '}' || c === ']') {
      stack.pop()
    } else if (c === ',') {
      expectKey = stack.length === 1 && stack[0] === '{'
    }
  }
  return keys
}

function parseJsonString(quoted: string): string {
  try {
    return JSON.parse(quoted) as string
  } catch {
    return quoted.slice(1, -1)
  }
}

/** Complete text: parse it. Truncated text: believe it is JSON when it opens like JSON does. */
function outlineJson(text: string, complete: boolean): JsonOutline | null {
  const opening = /^\s*([[{])\s*(\S?)/.exec(text)
  if (!opening) return null
  const root = opening[1] === '{' ? 'object' : 'array'
  if (complete) {
    try {
      const value: unknown = JSON.parse(text)
      return { root, keys: isRecord(value) ? Object.keys(value) : [], value }
    } catch {
      return null
    }
  }
  // "[PAD]" (a vocab.txt) is not an array: after '[' JSON needs a value, after '{' a key.
  const next = opening[2]
  const plausible = root === 'object' ? next === '"' || next === '}' || next === '' : /^$|[[{"\d\-tfn\]]/.test(next)
  return plausible ? { root, keys: topLevelJsonKeys(text), value: undefined } : null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The string value of a top-level key, from the parsed value or (truncated head) from the raw text. */
function stringField(text: string, outline: JsonOutline, key: string): string | null {
  if (isRecord(outline.value)) {
    const v = outline.value[key]
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null
  }
  const match = new RegExp(`"${key}"\\s*:\\s*\\[?\\s*"([^"]{1,100})"`).exec(text)
  return match ? match[1] : null
}

function describeHfConfig(text: string, outline: JsonOutline): string {
  const modelType = stringField(text, outline, 'model_type') ?? 'unknown model type'
  const architecture = stringField(text, outline, 'architectures')
  const parts = [`${modelType}${architecture ? ` (${architecture})` : ''}`]
  if (isRecord(outline.value)) {
    const c = outline.value
    const layers = c.num_hidden_layers ?? c.n_layer
    const hidden = c.hidden_size ?? c.n_embd
    if (typeof layers === 'number') parts.push(plural(layers, 'layer'))
    if (typeof hidden === 'number') parts.push(`hidden ${hidden}`)
  }
  return `HuggingFace config: ${parts.join(', ')}`
}

function describeTokenizerJson(outline: JsonOutline): string {
  if (!isRecord(outline.value) || !isRecord(outline.value.model)) return 'HuggingFace tokenizer.json'
  const { type, vocab } = outline.value.model
  const size = Array.isArray(vocab) ? vocab.length : isRecord(vocab) ? Object.keys(vocab).length : null
  const name = typeof type === 'string' ? `${type} ` : ''
  return `HuggingFace ${name}tokenizer${size === null ? '' : `, vocabulary of ${formatCount(size)} tokens`}`
}

function classifyJson(input: SniffInput, text: string, outline: JsonOutline): SniffResult {
  const keys = new Set(outline.keys)
  const value = outline.value
  if (keys.has('weight_map')) {
    if (isRecord(value) && isRecord(value.weight_map)) {
      const shards = new Set(Object.values(value.weight_map)).size
      return {
        kind: 'safetensors-index',
        detail: `sharded checkpoint index: ${plural(Object.keys(value.weight_map).length, 'tensor')} in ${plural(shards, 'file')}`,
      }
    }
    return { kind: 'safetensors-index', detail: 'sharded checkpoint index (weight_map)' }
  }
  if (keys.has('model_type') || keys.has('architectures')) return { kind: 'hf-config', detail: describeHfConfig(text, outline) }
  const tokenizerJson = keys.has('added_tokens') || (keys.has('model') && ['normalizer', 'pre_tokenizer', 'decoder', 'truncation'].some((k) => keys.has(k)))
  if (tokenizerJson) return { kind: 'tokenizer', detail: describeTokenizerJson(outline) }
  if (keys.has('tokenizer_class')) {
    return { kind: 'tokenizer', detail: `tokenizer settings (${stringField(text, outline, 'tokenizer_class') ?? 'unknown class'})` }
  }
  if (input.lowerName === 'vocab.json' && outline.root === 'object') {
    const size = isRecord(value) ? `of ${formatCount(Object.keys(value).length)} tokens` : `(${formatBytes(input.sizeBytes)})`
    return { kind: 'tokenizer', detail: `BPE vocabulary ${size}` }
  }
  if (outline.root === 'array') {
    return { kind: 'json', detail: Array.isArray(value) ? `JSON array of ${plural(value.length, 'item')}` : 'JSON array' }
  }
  const shown = outline.keys.slice(0, 4).join(', ') + (outline.keys.length > 4 ? ', …' : '')
  const count = value === undefined ? 'JSON object' : `JSON object with ${plural(outline.keys.length, 'key')}`
  return { kind: 'json', detail: outline.keys.length > 0 ? `${count}: ${shown}` : count }
}

/** JSON lines: at least two lines, and every complete line is a JSON object or array. */
function sniffJsonLines(input: SniffInput, text: string): SniffResult | null {
  const lines = text.split('\n')
  if (!input.complete) lines.pop() // the last line of a head is usually cut
  const records = lines.map((l) => l.trim()).filter((l) => l.length > 0)
  if (records.length < 2) return null
  for (const line of records) {
    if (!/^[[{]/.test(line)) return null
    try {
      JSON.parse(line)
    } catch {
      return null
    }
  }
  return { kind: 'jsonl', detail: input.complete ? `JSON lines, ${plural(records.length, 'record')}` : `JSON lines (first ${plural(records.length, 'record')} checked)` }
}

function countLines(text: string): number {
  if (text.length === 0) return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

/** "N <unit>" when the head is the whole file; a truncated head only tells the size (line lengths vary too much). */
function countOrSize(input: SniffInput, text: string, unit: string): string {
  return input.complete ? plural(countLines(text), unit) : formatBytes(input.sizeBytes)
}

const sniffText: Sniffer = (input) => {
  const text = decodeText(input)
  if (text === null) return null
  if (input.lowerName === 'vocab.txt') return { kind: 'tokenizer', detail: `WordPiece vocabulary, ${countOrSize(input, text, 'token')}` }
  if (input.lowerName === 'merges.txt' || text.startsWith('#version')) {
    return { kind: 'tokenizer', detail: `BPE merges, ${countOrSize(input, text, 'line')}` }
  }
  const jsonLines = sniffJsonLines(input, text)
  if (jsonLines) return jsonLines
  // One record longer than the head looks like a cut JSON object; the .jsonl name settles it.
  if (/\.(jsonl|ndjson)$/.test(input.lowerName) && /^\s*[[{]/.test(text)) {
    return { kind: 'jsonl', detail: `JSON lines (the first record is longer than ${formatBytes(input.head.length)})` }
  }
  const outline = outlineJson(text, input.complete)
  if (outline) return classifyJson(input, text, outline)
  return { kind: 'text', detail: `UTF-8 text, ${countOrSize(input, text, 'line')}` }
}

/** Binary magic numbers first (they are exact), text last (it is a guess). */
const SNIFFERS: readonly Sniffer[] = [sniffSafetensors, sniffZip, sniffPickle, sniffGzip, sniffPng, sniffJpeg, sniffText]

/** What a file is, from its name, its size and its first bytes (at most SNIFF_HEAD_BYTES are looked at). */
export function sniffBytes(name: string, sizeBytes: number, head: Uint8Array): SniffResult {
  if (sizeBytes === 0) return { kind: 'empty', detail: 'empty file (0 bytes)' }
  const bytes = head.subarray(0, Math.min(head.length, SNIFF_HEAD_BYTES, sizeBytes))
  if (bytes.length === 0) return { kind: 'unknown', detail: `${formatBytes(sizeBytes)}, no bytes to look at` }
  const input: SniffInput = { name, lowerName: name.toLowerCase(), sizeBytes, head: bytes, complete: bytes.length >= sizeBytes }
  for (const sniff of SNIFFERS) {
    const result = sniff(input)
    if (result) return result
  }
  return { kind: 'unknown', detail: `${formatBytes(sizeBytes)} of binary data in no format LiGO Studio knows` }
}

// ---------------------------------------------------------------- files and folders on disk

/** Up to maxBytes from the start of a file. */
export async function readHead(path: string, maxBytes: number = SNIFF_HEAD_BYTES): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(maxBytes)
    let filled = 0
    while (filled < maxBytes) {
      const { bytesRead } = await handle.read(buffer, filled, maxBytes - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return buffer.subarray(0, filled)
  } finally {
    await handle.close()
  }
}

interface FolderEntry {
  name: string
  isDirectory: boolean
  sizeBytes: number
}

async function listFolder(absPath: string): Promise<FolderEntry[]> {
  const dirents = (await readdir(absPath, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))
  const entries: FolderEntry[] = []
  for (const dirent of dirents.slice(0, MAX_SCANNED_ENTRIES)) {
    try {
      // stat, not lstat: a link to a file counts as that file.
      const info = await statPath(join(absPath, dirent.name))
      entries.push({ name: dirent.name, isDirectory: info.isDirectory(), sizeBytes: info.isFile() ? info.size : 0 })
    } catch {
      // a dangling link or an entry that vanished: leave it out
    }
  }
  return entries
}

async function describeCheckpointFolder(absPath: string, files: FolderEntry[]): Promise<string> {
  const head = await readHead(join(absPath, 'config.json'), CONFIG_READ_BYTES)
  const config = sniffBytes('config.json', head.length, head)
  const model = config.kind === 'hf-config' ? config.detail.replace(/^HuggingFace config: /, '') : 'config.json without model_type'
  const weights = files.filter((f) => WEIGHT_FILE.test(f.name))
  const weightText = weights.length === 1 ? `${weights[0].name} (${formatBytes(weights[0].sizeBytes)})` : plural(weights.length, 'weight file')
  const tokenizer = files.filter((f) => TOKENIZER_FILES.includes(f.name)).map((f) => f.name)
  return [model, `weights: ${weightText}`, tokenizer.length > 0 ? `tokenizer: ${tokenizer.join(', ')}` : 'no tokenizer'].join('; ')
}

/** Class folders (the sub-folders that hold png/jpg files) and the number of images in them. */
async function countClassImages(absPath: string, folders: FolderEntry[]): Promise<{ classes: number; images: number }> {
  let classes = 0
  let images = 0
  for (const folder of folders.slice(0, MAX_CLASS_FOLDERS)) {
    const names = await readdir(join(absPath, folder.name)).catch(() => [] as string[])
    const count = names.filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).length
    if (count > 0) classes += 1
    images += count
  }
  return { classes, images }
}

async function sniffFolder(absPath: string, entries: FolderEntry[]): Promise<SniffResult> {
  const visible = entries.filter((e) => !e.name.startsWith('.'))
  const files = visible.filter((e) => !e.isDirectory)
  const folders = visible.filter((e) => e.isDirectory)
  const names = new Set(files.map((f) => f.name))
  if (names.has('config.json') && files.some((f) => WEIGHT_FILE.test(f.name))) {
    return { kind: 'hf-checkpoint-folder', detail: await describeCheckpointFolder(absPath, files) }
  }
  if (folders.length >= 2) {
    const { classes, images } = await countClassImages(absPath, folders)
    if (classes >= 2 && classes === Math.min(folders.length, MAX_CLASS_FOLDERS)) {
      return { kind: 'image-folder', detail: `${plural(classes, 'class folder')}, ${plural(images, 'image')}` }
    }
  }
  const textFiles = files.filter((f) => extname(f.name).toLowerCase() === '.txt')
  if (textFiles.length > 0 && textFiles.length === files.length) {
    return { kind: 'text-folder', detail: plural(textFiles.length, 'text file') }
  }
  return { kind: 'folder', detail: `${plural(files.length, 'file')}, ${plural(folders.length, 'folder')}` }
}

/** Report on a checked, absolute path (see host/path-check.ts): a file by its head, a folder by its entries. */
export async function inspectPath(absPath: string, stat: Stats): Promise<DroppedItemReport> {
  const name = basename(absPath) || absPath
  if (stat.isDirectory()) {
    const entries = await listFolder(absPath)
    const { kind, detail } = await sniffFolder(absPath, entries)
    return {
      path: absPath,
      name,
      isDirectory: true,
      sizeBytes: entries.reduce((sum, e) => sum + e.sizeBytes, 0),
      kind,
      detail,
      entries: entries.slice(0, MAX_LISTED_ENTRIES).map((e) => (e.isDirectory ? `${e.name}/` : e.name)),
      source: 'path',
    }
  }
  const head = await readHead(absPath, Math.min(SNIFF_HEAD_BYTES, stat.size))
  const { kind, detail } = sniffBytes(name, stat.size, head)
  return { path: absPath, name, isDirectory: false, sizeBytes: stat.size, kind, detail, source: 'path' }
}

// ---------------------------------------------------------------- wording

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes)
}

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`
}

/** 1234 -> "1,234"; 2.5e6 -> "2.5M": readable counts for one-line details. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}B`
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`
  return n.toLocaleString('en-US')
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return unit === 0 ? `${bytes} bytes` : `${+value.toFixed(1)} ${units[unit]}`
}
