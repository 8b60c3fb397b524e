/**
 * The one model resolver of the engine, used by the CLI and the host: whatever names a model (a zoo id such as
 * "preset:bert-base", "seed:bert-moby", "lib:<id>", "run:<id>/step-N", or on the command line a preset id, a seed
 * name or a path) becomes a ModelLocation: a preset's config, or a checkpoint on disk with its layout. A JSON config
 * file maps to a config, never to weights. Loading weights (loadModelWeights) and reading headers
 * (checkpoint-headers.ts) start from a location, so every command accepts every kind of model.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { StudioError } from '../../shared/errors'
import { MODEL_ID_PATTERN } from '../../shared/models'
import { importExportSource, latestRunCheckpoint, type ExportSource } from '../io/run-checkpoint'
import type { ModelConfig } from '../models/config'
import { getPreset, PRESET_IDS } from '../models/presets'
import { findSeedsDir, isSeedName, resolveSeed } from '../seeds'
import type { LibraryEntry } from './library-index'
import type { Workspace } from './workspace'

/** How the files of a checkpoint are laid out. */
export type CheckpointLayout =
  /** HF / timm / torch files (a folder with config.json + weights, or a single weights file). */
  | 'hf'
  /** A training run folder: its latest checkpoints/step-N. */
  | 'run'
  /** One trainer checkpoint folder (canonical names, trainer-state.json). */
  | 'training-checkpoint'

export type ModelLocation =
  | { kind: 'preset'; presetId: string; config: ModelConfig; name: string }
  | { kind: 'checkpoint'; layout: CheckpointLayout; path: string; name: string }
  /** A JSON config (engine ModelConfig or HF config.json): a target size, no weights. */
  | { kind: 'config'; path: string; name: string }

export interface ResolveContext {
  workspace?: Workspace | null
  /** The library's entries, for "lib:<id>". */
  library?: readonly LibraryEntry[]
  seedsDir?: string
  /** Base of relative paths (the CLI's working folder). */
  cwd?: string
}

const STEP_SUFFIX = /\/step-(\d{1,12})$/

export function isRunFolder(path: string): boolean {
  return existsSync(join(path, 'manifest.json')) && existsSync(join(path, 'checkpoints'))
}

export function isTrainingCheckpoint(path: string): boolean {
  return existsSync(join(path, 'trainer-state.json')) && existsSync(join(path, 'model.safetensors'))
}

/** A `ligo grow` output folder: growth.json beside the grown checkpoint in model/. */
export function isGrowthFolder(path: string): boolean {
  return existsSync(join(path, 'growth.json')) && existsSync(join(path, 'model'))
}

function notFound(message: string): never {
  throw new StudioError('not_found', message)
}

/** A path on disk -> its location (run folder, trainer checkpoint, growth output, config file or HF checkpoint). */
export function locatePath(path: string, name: string = basename(path)): ModelLocation {
  const info = statSync(path)
  if (info.isDirectory()) {
    if (isRunFolder(path)) return { kind: 'checkpoint', layout: 'run', path, name }
    if (isTrainingCheckpoint(path)) return { kind: 'checkpoint', layout: 'training-checkpoint', path, name }
    if (isGrowthFolder(path)) return { kind: 'checkpoint', layout: 'hf', path: join(path, 'model'), name }
    return { kind: 'checkpoint', layout: 'hf', path, name }
  }
  if (/\.json$/i.test(path) && !/\.index\.json$/i.test(path)) return { kind: 'config', path, name }
  return { kind: 'checkpoint', layout: 'hf', path, name }
}

function runLocation(workspace: Workspace, runId: string, step: number | null): ModelLocation {
  const dir = join(workspace.runs, runId)
  if (!existsSync(dir)) notFound(`No run "${runId}" in the workspace ${workspace.runs}`)
  if (isGrowthFolder(dir)) {
    if (step !== null) notFound(`Run "${runId}" is a growth; it has no step checkpoints`)
    return { kind: 'checkpoint', layout: 'hf', path: join(dir, 'model'), name: runId }
  }
  if (!isRunFolder(dir)) notFound(`Run "${runId}" has no model yet (no grown model and no training checkpoint)`)
  if (step === null) {
    if (!latestRunCheckpoint(dir)) notFound(`Run "${runId}" has no checkpoint yet (checkpoints/step-NNNNNNN)`)
    return { kind: 'checkpoint', layout: 'run', path: dir, name: runId }
  }
  const checkpoint = join(dir, 'checkpoints', `step-${String(step).padStart(7, '0')}`)
  if (!isTrainingCheckpoint(checkpoint)) notFound(`Run "${runId}" has no checkpoint at step ${step}`)
  return { kind: 'checkpoint', layout: 'training-checkpoint', path: checkpoint, name: `${runId} step ${step}` }
}

/** Resolve a zoo id ("kind:rest") or, when `ref` is not one, a preset id, seed name or path. */
export function resolveModelRef(ref: string, context: ResolveContext = {}): ModelLocation {
  if (MODEL_ID_PATTERN.test(ref)) return resolveModelId(ref, context)
  if (PRESET_IDS.includes(ref)) return resolveModelId(`preset:${ref}`, context)
  const seedsDir = context.seedsDir
  const path = context.cwd === undefined ? resolve(ref) : resolve(context.cwd, ref)
  if (existsSync(path)) return locatePath(path)
  if (isSeedName(ref, seedsDir)) return resolveModelId(`seed:${ref}`, context)
  return notFound(
    `Unknown model "${ref}": not a model preset (${PRESET_IDS.join(', ')}), not a built-in seed, and no file or folder at ${path}`,
  )
}

export function resolveModelId(id: string, context: ResolveContext = {}): ModelLocation {
  const colon = id.indexOf(':')
  const kind = id.slice(0, colon)
  const rest = id.slice(colon + 1)
  switch (kind) {
    case 'preset': {
      if (!PRESET_IDS.includes(rest)) notFound(`Unknown model preset "${rest}". Expected one of: ${PRESET_IDS.join(', ')}`)
      const preset = getPreset(rest)
      return { kind: 'preset', presetId: rest, config: preset.config, name: preset.label }
    }
    case 'seed': {
      let seed: ReturnType<typeof resolveSeed>
      try {
        seed = resolveSeed(rest, context.seedsDir ?? findSeedsDir())
      } catch (error) {
        return notFound((error as Error).message)
      }
      return { kind: 'checkpoint', layout: 'hf', path: seed.dir, name: seed.entry.name }
    }
    case 'lib': {
      const entry = context.library?.find((e) => e.id === rest)
      if (!entry) return notFound(`No model "${id}" in the library`)
      if (!existsSync(entry.path)) notFound(`${entry.name}: the file ${entry.path} is gone (moved or deleted); import it again from its new place`)
      return { ...locatePath(entry.path, entry.name) }
    }
    case 'run': {
      if (!context.workspace) return notFound(`"${id}" names a run, but no workspace is open`)
      const step = STEP_SUFFIX.exec(rest)
      const runId = step ? rest.slice(0, step.index) : rest
      return runLocation(context.workspace, runId, step ? Number(step[1]) : null)
    }
    default:
      return notFound(`Unknown model id "${id}"`)
  }
}

/** The weights of a checkpoint location (every layout), as canonical parameters; presets and configs have none. */
export async function loadModelWeights(location: ModelLocation): Promise<ExportSource> {
  if (location.kind !== 'checkpoint') {
    throw new StudioError('invalid_request', `${location.name} is ${location.kind === 'preset' ? 'a size preset' : 'a config file'}: it has no weights to load`)
  }
  return importExportSource(location.path)
}

/** Reads a JSON file for messages that need it (a run's manifest, growth.json); null when absent or invalid. */
export function readJsonOrNull(path: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** What the engine's methods take for a model (`train --model`, `grow --from`): a preset id or a path. */
export function modelArgument(location: ModelLocation): string {
  return location.kind === 'preset' ? location.presetId : location.path
}
