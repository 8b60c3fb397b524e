/**
 * Browser uploads: `ligo serve` cannot see the user's disk, so the page sends the first SNIFF_HEAD_BYTES
 * bytes of a dropped file (base64) with its name and size; the host sniffs the kind from them.
 */
import { SNIFF_HEAD_BYTES, type StudioParams } from '../../../../shared/studio-api'
import { StudioClientError } from './studio-client'

/** btoa takes a "binary string" (one char per byte); build it in chunks to keep argument lists short. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x2000
  let binary = ''
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK))
  }
  return btoa(binary)
}

export function folderInBrowserError(name: string): StudioClientError {
  return new StudioClientError(
    'unsupported',
    `"${name}" is a folder. A browser page cannot read folders; drop a single file, ` +
      `run "ligo inspect <folder>" in a terminal, or use the desktop app.`,
  )
}

export async function readUploadHead(file: File): Promise<StudioParams<'inspectUpload'>> {
  let head: ArrayBuffer
  try {
    head = await file.slice(0, SNIFF_HEAD_BYTES).arrayBuffer()
  } catch {
    // Chromium hands folders over as zero-type Files whose reads fail (NotFoundError / NotReadableError).
    throw folderInBrowserError(file.name)
  }
  return { name: file.name, sizeBytes: file.size, headBase64: bytesToBase64(new Uint8Array(head)) }
}
