/**
 * The split record beside a checkpoint (`data-split.json`): which data the weights were trained on and with which
 * train/validation split (docs/growth/split-policy.md). A comparison reads it to evaluate every grown model on
 * examples the source model never trained on. Run folders record the same in their manifest (`data.split`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DEFAULT_VALIDATION_FRACTION, type DataSplit } from './splits'

export const SPLIT_RECORD_FILE = 'data-split.json'

export interface SplitRecord {
  format: 'ligo-data-split'
  version: 1
  /** The data the weights were trained on: a built-in corpus id or the path given to training. */
  data: string
  split: DataSplit
}

export class SplitRecordError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SplitRecordError'
  }
}

export function splitRecord(data: string, split: DataSplit): SplitRecord {
  return { format: 'ligo-data-split', version: 1, data, split: { seed: split.seed, validationFraction: split.validationFraction } }
}

export function splitRecordJson(record: SplitRecord): string {
  return JSON.stringify(record, null, 2) + '\n'
}

/** The record beside a checkpoint folder or file, or null when there is none. Malformed records are an error. */
export function readSplitRecord(checkpoint: string): SplitRecord | null {
  const folder = existsSync(checkpoint) && statSync(checkpoint).isDirectory() ? checkpoint : dirname(checkpoint)
  const path = join(folder, SPLIT_RECORD_FILE)
  if (!existsSync(path)) return null
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new SplitRecordError(`${path}: not valid JSON (${(error as Error).message})`)
  }
  const r = raw as Partial<SplitRecord>
  const split = r.split as Partial<DataSplit> | undefined
  if (r.format !== 'ligo-data-split' || r.version !== 1 || typeof r.data !== 'string' || !split || !Number.isInteger(split.seed) || !(typeof split.validationFraction === 'number' && split.validationFraction > 0 && split.validationFraction < 1)) {
    throw new SplitRecordError(`${path}: expected {"format": "ligo-data-split", "version": 1, "data": <string>, "split": {"seed": <integer>, "validationFraction": <(0, 1)>}}`)
  }
  return splitRecord(r.data, split as DataSplit)
}

/**
 * The split a run folder's data was drawn with: its manifest's `data.split`, or, for runs made before splits were
 * recorded, the split of its run seed (what training did then).
 */
export function runManifestSplit(manifest: { seed: number; data: Record<string, unknown> }): DataSplit {
  const recorded = manifest.data.split as DataSplit | undefined
  return recorded ? { seed: recorded.seed, validationFraction: recorded.validationFraction } : { seed: manifest.seed, validationFraction: DEFAULT_VALIDATION_FRACTION }
}

/** What a run folder's manifest says about its data, as a split record. */
export function runFolderSplitRecord(runDir: string): SplitRecord | null {
  const path = join(runDir, 'manifest.json')
  if (!existsSync(path)) return null
  let manifest: { seed: number; data: Record<string, unknown> & { source: string } }
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new SplitRecordError(`${path}: not valid JSON (${(error as Error).message})`)
  }
  if (typeof manifest?.data?.source !== 'string' || !Number.isInteger(manifest.seed)) return null
  return splitRecord(manifest.data.source, runManifestSplit(manifest))
}
