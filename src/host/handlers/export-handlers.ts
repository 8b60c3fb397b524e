/**
 * Export of any zoo model as an HF folder or a timm file (engine/io/export-checkpoint.ts, the same code as
 * `ligo export`). The plan comes from the export's own preparation (planCheckpointExport: the same file layout,
 * texts and safetensors headers, sizes from shapes and dtype), so it lists exactly the files and sizes the export
 * writes, without writing anything. The export writes atomically (temp + rename) and refuses a non-empty
 * destination unless `overwrite` is true. Without a destination (and always behind `ligo serve`) it goes to
 * <workspace>/exports/<name>.
 */
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { exportCheckpoint, planCheckpointExport, type ExportOptions, type ExportResult } from '../../engine/io/export-checkpoint'
import type { FloatDType } from '../../engine/io/formats/dtypes'
import { loadModelWeights, resolveModelRef } from '../../engine/library/model-ref'
import { EXPORT_DOWNLOAD_PATH, StudioError, type ExportDtypeName, type ExportPlan, type ExportRequest } from '../../shared'
import { writeStoredZip } from '../../engine/io/zip-writer'
import type { Handlers, StudioContext } from '../studio-context'

const DTYPES: Record<ExportDtypeName, FloatDType> = { f32: 'F32', f16: 'F16', bf16: 'BF16' }
const DTYPE_NAMES: Record<string, ExportDtypeName> = { F32: 'f32', F16: 'f16', BF16: 'bf16' }

async function destinationOf(context: StudioContext, request: ExportRequest, modelName: string): Promise<string> {
  if (request.destination !== undefined) {
    if (context.host === 'serve') throw new StudioError('invalid_request', 'In the browser, exports go to the workspace: leave the destination out and give a name')
    return context.policy.checkWritable(request.destination)
  }
  const name = request.name ?? `${modelName.replace(/[^A-Za-z0-9._-]+/g, '-')}-${request.format}`
  return join(context.workspace().exports, name)
}

/** An engine error about the request (a class that cannot hold the model, a folder in the way) as the API's error. */
function asRequestError(error: unknown): never {
  throw error instanceof StudioError ? error : new StudioError('invalid_request', (error as Error).message)
}

/** The model's weights and the export options of a request: what the plan and the export both start from. */
async function exportInput(context: StudioContext, request: ExportRequest, outDir: string, force: boolean) {
  const location = resolveModelRef(request.model, context.catalog())
  const source = await loadModelWeights(location).catch(asRequestError)
  const dtype = request.dtype ?? DTYPE_NAMES[source.sourceDtype ?? 'F32'] ?? 'f32'
  const options: ExportOptions = { format: request.format, outDir, force, dtype: DTYPES[dtype], provenance: { source: source.description, exporter: 'LiGO Studio' } }
  return { source, dtype, options }
}

async function runExport(context: StudioContext, request: ExportRequest, outDir: string, force: boolean): Promise<{ result: ExportResult; dtype: ExportDtypeName }> {
  const { source, dtype, options } = await exportInput(context, request, outDir, force)
  const result = await exportCheckpoint(source, options).catch(asRequestError)
  return { result, dtype }
}

async function sized(files: readonly string[]): Promise<Array<{ path: string; bytes: number }>> {
  return Promise.all(files.map(async (path) => ({ path, bytes: (await stat(path)).size })))
}

/** The cluster commands of the README the export writes (the lines that start accelerate / torchrun). */
function recipeOf(readme: string): ExportPlan['recipe'] {
  const line = (prefix: string) => readme.split('\n').map((l) => l.trim()).find((l) => l.startsWith(prefix)) ?? ''
  return { accelerate: line('accelerate launch'), torchrun: line('torchrun'), readme }
}

export function createExportHandlers(context: StudioContext): Handlers<'planExport' | 'exportModel'> {
  return {
    planExport: async (request) => {
      const location = resolveModelRef(request.model, context.catalog())
      const destination = await destinationOf(context, request, location.name)
      const { source, dtype, options } = await exportInput(context, request, destination, false)
      const plan = await planCheckpointExport(source, options).catch(asRequestError)
      const files = plan.files.map(({ path, bytes }) => ({ path, bytes, exists: existsSync(path) }))
      return {
        destination,
        className: plan.className,
        format: request.format,
        dtype,
        files,
        totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
        recipe: recipeOf(plan.readme),
        warnings: [...plan.warnings],
      }
    },
    exportModel: async ({ taskId, overwrite, ...request }) => {
      const location = resolveModelRef(request.model, context.catalog())
      const destination = await destinationOf(context, request, location.name)
      return context.runTask(taskId, async (signal, onEvent) => {
        const t0 = Date.now()
        onEvent({ type: 'task.progress', taskId, done: 0, total: 1, unit: 'exports', elapsedSeconds: 0, etaSeconds: null, message: `Exporting ${location.name} to ${destination}` })
        if (signal.aborted) throw new StudioError('cancelled', 'The export was cancelled before it started')
        const { result } = await runExport(context, request, destination, overwrite === true)
        const warnings = [...result.warnings]
        // The browser cannot fetch a folder: behind `ligo serve` the export is also zipped beside it for download.
        let downloadUrl: string | null = null
        if (context.host === 'serve') {
          const name = basename(result.outDir)
          try {
            await writeStoredZip(`${result.outDir}.zip`, result.files.map((path) => ({ name: basename(path), path })))
            downloadUrl = `${EXPORT_DOWNLOAD_PATH}${encodeURIComponent(name)}.zip`
          } catch (error) {
            warnings.push(`No download: ${error instanceof Error ? error.message : String(error)}`)
          }
        }
        onEvent({ type: 'task.progress', taskId, done: 1, total: 1, unit: 'exports', elapsedSeconds: (Date.now() - t0) / 1000, etaSeconds: 0, message: `Exported ${result.files.length} files` })
        return { destination: result.outDir, className: result.className, files: await sized(result.files), downloadUrl, warnings }
      })
    },
  }
}
