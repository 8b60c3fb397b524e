/**
 * The library of imported models (library-index.ts on disk): import a path by reference or an uploaded file,
 * remove an entry. An import is checked by the same header reader the zoo uses, so a file that is not a supported
 * checkpoint is refused with the parser's own error naming the file, and nothing is added.
 */
import { existsSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { StudioError } from '../../shared/errors'
import { readCheckpointHeaders, type CheckpointHeaders } from './checkpoint-headers'
import { fingerprintPath, libraryIdOf, loadLibrary, saveLibrary, type LibraryEntry, type LibraryIndex } from './library-index'
import { locatePath } from './model-ref'
import { isInside, type Workspace } from './workspace'

export interface ImportedEntry {
  entry: LibraryEntry
  headers: CheckpointHeaders
  alreadyInLibrary: boolean
}

export class ModelLibrary {
  private index: LibraryIndex
  /** Why the index on disk was set aside at load, once; null when it loaded fine. */
  readonly loadNotice: string | null
  /** Serialises index writes: two imports at once must not lose one another's entry. */
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly workspace: Workspace,
    private readonly now: () => Date = () => new Date(),
  ) {
    const loaded = loadLibrary(workspace.library, now)
    this.index = loaded.index
    this.loadNotice = loaded.notice
  }

  get entries(): readonly LibraryEntry[] {
    return this.index.models
  }

  find(id: string): LibraryEntry | undefined {
    return this.index.models.find((e) => e.id === id)
  }

  /**
   * Import an absolute, checked path. Throws StudioError('invalid_request') with the parser's message (which names
   * the file) when it is not a checkpoint the engine reads; the index is untouched then.
   */
  async importPath(path: string, origin: LibraryEntry['origin'], name: string = basename(path)): Promise<ImportedEntry> {
    const location = locatePath(path, name)
    if (location.kind !== 'checkpoint') {
      throw new StudioError('invalid_request', `${path}: a config file holds no weights; import the checkpoint (its folder or weights file) instead`)
    }
    let headers: CheckpointHeaders
    try {
      headers = await readCheckpointHeaders(location.path, location.layout)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new StudioError('invalid_request', message.includes(path) || message.includes(basename(path)) ? message : `${path}: ${message}`)
    }
    const id = libraryIdOf(path)
    const existing = this.find(id)
    const { fingerprint, sizeBytes } = await fingerprintPath(path)
    const entry: LibraryEntry = {
      id,
      name,
      path,
      isDirectory: statSync(path).isDirectory(),
      sizeBytes,
      fingerprint,
      addedAt: existing?.addedAt ?? this.now().toISOString(),
      origin,
    }
    if (existing && existing.fingerprint === fingerprint && existing.sizeBytes === sizeBytes) return { entry: existing, headers, alreadyInLibrary: true }
    await this.update((models) => [...models.filter((e) => e.id !== id), entry])
    return { entry, headers, alreadyInLibrary: existing !== undefined }
  }

  /**
   * Forget an entry. A file uploaded into the workspace's uploads folder is deleted with it; a file imported by
   * reference never is. Returns the files deleted.
   */
  async remove(id: string): Promise<{ removed: boolean; deletedFiles: string[] }> {
    const entry = this.find(id)
    if (!entry) return { removed: false, deletedFiles: [] }
    await this.update((models) => models.filter((e) => e.id !== id))
    const deletedFiles: string[] = []
    if (entry.origin === 'upload' && isInside(this.workspace.uploads, entry.path) && existsSync(entry.path)) {
      await rm(entry.path, { recursive: true, force: true })
      deletedFiles.push(entry.path)
    }
    return { removed: true, deletedFiles }
  }

  private update(change: (models: LibraryEntry[]) => LibraryEntry[]): Promise<void> {
    const next = this.writing.then(async () => {
      const index: LibraryIndex = { ...this.index, models: change([...this.index.models]) }
      await saveLibrary(this.workspace.library, index)
      this.index = index
    })
    this.writing = next.catch(() => {})
    return next
  }
}
