/**
 * Positional reads with the checks every reader needs: the file still has the size it had when its header was
 * validated, and the requested range lies inside it. Each call opens and closes the file, so a lazy checkpoint
 * handle never holds a descriptor (on Windows an open file cannot be replaced or deleted).
 */
import { open } from 'node:fs/promises'
import { CheckpointFormatError } from './errors'

/** fs reads are limited to about 2 GiB per call; larger tensors are read in chunks of this size. */
const MAX_READ_CHUNK = 1 << 30

/**
 * Reads `length` bytes at `position` into a fresh (so 8-byte aligned) buffer. When `expectedFileSize` is given,
 * a file that has changed size since it was opened is refused instead of being read at stale offsets.
 */
export async function readFileRange(
  path: string,
  position: number,
  length: number,
  expectedFileSize?: number,
): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    if (expectedFileSize !== undefined && size !== expectedFileSize) {
      throw new CheckpointFormatError(path, `file changed since it was opened (was ${expectedFileSize} bytes, now ${size})`)
    }
    if (position < 0 || length < 0 || position + length > size) {
      throw new CheckpointFormatError(path, `read of bytes ${position}..${position + length} is outside the ${size}-byte file`)
    }
    const out = new Uint8Array(length)
    let done = 0
    while (done < length) {
      const chunk = Math.min(MAX_READ_CHUNK, length - done)
      const { bytesRead } = await handle.read(out, done, chunk, position + done)
      if (bytesRead === 0) throw new CheckpointFormatError(path, `file ended at byte ${position + done} while reading`)
      done += bytesRead
    }
    return out
  } finally {
    await handle.close()
  }
}

/** Size of the file and its first `maxBytes` bytes (fewer when the file is shorter). */
export async function readFileHead(path: string, maxBytes: number): Promise<{ size: number; head: Uint8Array }> {
  const handle = await open(path, 'r')
  try {
    const { size, isFile } = await handle.stat().then((s) => ({ size: s.size, isFile: s.isFile() }))
    if (!isFile) throw new CheckpointFormatError(path, 'not a regular file')
    const head = new Uint8Array(Math.min(size, maxBytes))
    let done = 0
    while (done < head.length) {
      const { bytesRead } = await handle.read(head, done, head.length - done, done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return { size, head: head.subarray(0, done) }
  } finally {
    await handle.close()
  }
}
