/**
 * User text data: a .txt file (documents = paragraphs separated by blank lines), a folder of .txt files
 * (one document per file, searched recursively, sorted by path) or a .jsonl file (one document per line,
 * text in a configurable field, default "text"). Errors name the file, the line and the problem.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import type { TextDocument } from './types'

export class TextSourceError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TextSourceError'
  }
}

export interface TextSourceOptions {
  /** Field of each .jsonl line that holds the text. Default "text". */
  jsonlField?: string
}

/** Bytes checked for a NUL, the signature of binary files (git uses the same 8000-byte heuristic). */
const BINARY_SNIFF_BYTES = 8000

function readText(file: string): string {
  const bytes = readFileSync(file)
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0)
  if (nul >= 0) throw new TextSourceError(`${file}: looks like a binary file (NUL byte at offset ${nul}); expected UTF-8 text`)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new TextSourceError(`${file}: is not valid UTF-8 text`)
  }
}

function paragraphs(text: string, file: string): TextDocument[] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p, i) => ({ id: `${file}#${i + 1}`, text: p }))
}

function fromJsonl(file: string, field: string): TextDocument[] {
  const documents: TextDocument[] = []
  const lines = readText(file).split(/\r?\n/)
  lines.forEach((line, i) => {
    const where = `${file} line ${i + 1}`
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      throw new TextSourceError(`${where}: invalid JSON (${(error as Error).message})`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TextSourceError(`${where}: expected a JSON object with a "${field}" field, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`)
    }
    const record = value as Record<string, unknown>
    if (!(field in record)) {
      throw new TextSourceError(`${where}: missing field "${field}" (fields present: ${Object.keys(record).join(', ') || 'none'})`)
    }
    const text = record[field]
    if (typeof text !== 'string') throw new TextSourceError(`${where}: field "${field}" must be a string, got ${text === null ? 'null' : typeof text}`)
    if (text.trim() !== '') documents.push({ id: `${file}:${i + 1}`, text })
  })
  if (documents.length === 0) throw new TextSourceError(`${file}: no text found (the file has no non-empty "${field}" values)`)
  return documents
}

function txtFilesUnder(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...txtFilesUnder(path))
    else if (entry.isFile() && extname(entry.name).toLowerCase() === '.txt') found.push(path)
  }
  return found
}

function fromFolder(dir: string): TextDocument[] {
  const files = txtFilesUnder(dir).sort()
  if (files.length === 0) throw new TextSourceError(`${dir}: the folder has no .txt files`)
  const documents = files.map((file) => ({ id: relative(dir, file), text: readText(file) })).filter((d) => d.text.trim() !== '')
  if (documents.length === 0) throw new TextSourceError(`${dir}: all ${files.length} .txt files are empty`)
  return documents
}

/** Reads user text data into documents. See the file comment for the accepted layouts. */
export function loadTextSource(path: string, options: TextSourceOptions = {}): TextDocument[] {
  let isDir: boolean
  try {
    isDir = statSync(path).isDirectory()
  } catch {
    throw new TextSourceError(`Text data not found: ${path}`)
  }
  if (isDir) return fromFolder(path)
  const ext = extname(path).toLowerCase()
  if (ext === '.jsonl') return fromJsonl(path, options.jsonlField ?? 'text')
  if (ext === '.txt') {
    const documents = paragraphs(readText(path), path)
    if (documents.length === 0) throw new TextSourceError(`${path}: the file is empty (no text)`)
    return documents
  }
  throw new TextSourceError(`${path}: unsupported text data "${ext || '(no extension)'}". Expected one of: .txt file, .jsonl file, folder of .txt files`)
}
