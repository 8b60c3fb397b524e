/**
 * Export across the Studio API: a plan first (the files an export will write, with sizes, and the cluster recipe
 * `ligo export` writes into README.md), then the export itself as a task with progress and cancel. Writes are
 * atomic and never overwrite without `overwrite: true`. Desktop writes into a folder chosen in a native dialog;
 * `ligo serve` writes under the workspace's exports/ and offers a zip download.
 */
import type { ModelId } from './models'

export const EXPORT_FORMATS = ['hf', 'timm'] as const
export type ExportFormatName = (typeof EXPORT_FORMATS)[number]
export const EXPORT_DTYPES = ['f32', 'f16', 'bf16'] as const
export type ExportDtypeName = (typeof EXPORT_DTYPES)[number]

export interface ExportRequest {
  model: ModelId
  format: ExportFormatName
  /** Default: the source's stored dtype, else f32. */
  dtype?: ExportDtypeName
  /**
   * Desktop: an absolute folder the user chose (pickFolder) or one inside the workspace.
   * Serve (and desktop when omitted): exports/<name> inside the workspace.
   */
  destination?: string
  /** Folder name under exports/ when no destination is given; default: the model's name and the format. */
  name?: string
}

export interface ExportPlanFile {
  /** Absolute path. */
  path: string
  bytes: number
  /** A file already there that the export would replace (needs overwrite: true). */
  exists: boolean
}

export interface ExportPlan {
  destination: string
  className: string
  format: ExportFormatName
  dtype: ExportDtypeName
  files: ExportPlanFile[]
  totalBytes: number
  /** How to keep training the export on a cluster: the commands README.md carries. */
  recipe: { accelerate: string; torchrun: string; readme: string }
  warnings: string[]
}

/** `ligo serve`: GET <this><name>.zip downloads <workspace>/exports/<name>.zip (the token is required as everywhere). */
export const EXPORT_DOWNLOAD_PATH = '/api/download/'
/** An export's folder name (the export request's `name` rule), as a download's file name with `.zip`. */
export const EXPORT_DOWNLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]*\.zip$/

export interface ExportOutcome {
  destination: string
  className: string
  files: Array<{ path: string; bytes: number }>
  /** Serve: a path under the server (token required) that downloads the export as a zip; null on desktop. */
  downloadUrl: string | null
  warnings: string[]
}
