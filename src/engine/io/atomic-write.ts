/**
 * Crash-safe file writes: the content goes to a temporary file in the target's own folder (same file system, so
 * rename is atomic), is fsynced, and is then renamed over the target. A reader therefore sees the old file or the
 * complete new one, never half of it. The folder is fsynced too where the OS allows, so the rename survives power loss.
 *
 * Exports must never destroy what they came from: pass the source checkpoint(s) as `protectedPaths` and a write
 * that would replace one of them (same path after resolving links, or the same file through a hard link) is refused.
 */
import { randomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { open, realpath, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'

export type WriteContent = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

export interface AtomicWriteOptions {
  /** Paths that must not be overwritten (e.g. the checkpoint being exported from). */
  readonly protectedPaths?: readonly string[]
}

/** A refused or failed atomic write; the message names the target file. */
export class AtomicWriteError extends Error {
  readonly file: string
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`)
    this.name = 'AtomicWriteError'
    this.file = file
    Object.setPrototypeOf(this, AtomicWriteError.prototype)
  }
}

export async function writeFileAtomic(targetPath: string, content: WriteContent, options: AtomicWriteOptions = {}): Promise<void> {
  const target = resolve(targetPath)
  await refuseProtectedTarget(target, options.protectedPaths ?? [])
  const folder = dirname(target)
  const temporary = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  // 'wx': fail rather than follow a link or reuse a file someone else created under the random name.
  const handle = await open(temporary, 'wx')
  let renamed = false
  try {
    await writeAll(handle, content)
    await handle.sync()
    await handle.close()
    await rename(temporary, target)
    renamed = true
    await syncFolder(folder)
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined) // already closed when the rename itself failed
      await unlink(temporary).catch(() => undefined)
    }
  }
}

async function writeAll(handle: FileHandle, content: WriteContent): Promise<void> {
  const chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array> = content instanceof Uint8Array ? [content] : content
  for await (const chunk of chunks) {
    let done = 0
    while (done < chunk.byteLength) {
      const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done)
      done += bytesWritten
    }
  }
}

/** fsync of a directory makes the rename durable on Linux/macOS; Windows cannot open folders this way. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function refuseProtectedTarget(target: string, protectedPaths: readonly string[]): Promise<void> {
  if (protectedPaths.length === 0) return
  const targetReal = await realpathOrSelf(target)
  const targetStat = await stat(target).catch(() => null)
  for (const guarded of protectedPaths) {
    const guardedResolved = resolve(guarded)
    const sameFile =
      guardedResolved === target ||
      (await realpathOrSelf(guardedResolved)) === targetReal ||
      (targetStat !== null && (await sameInode(targetStat, guardedResolved)))
    if (sameFile) {
      throw new AtomicWriteError(target, `refusing to overwrite ${guarded}: it is a source file of this export`)
    }
  }
}

async function realpathOrSelf(path: string): Promise<string> {
  return realpath(path).catch(() => path)
}

async function sameInode(targetStat: { dev: number; ino: number }, other: string): Promise<boolean> {
  const otherStat = await stat(other).catch(() => null)
  // ino 0 means the file system does not report inodes: no evidence either way.
  return otherStat !== null && targetStat.ino !== 0 && otherStat.dev === targetStat.dev && otherStat.ino === targetStat.ino
}
