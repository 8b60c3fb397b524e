/**
 * Sharded checkpoints (docs/formats/checkpoints.md §1.7): `model.safetensors.index.json` =
 *   {"metadata": {"total_size": <sum of tensor data bytes>}, "weight_map": {tensor name: shard file name}}
 * with shards `model-00001-of-00003.safetensors`, each a complete safetensors file, in the index's folder.
 *
 * Reading presents the shards as one CheckpointReader. Shard names must be plain file names (an index cannot point
 * outside its folder), every shard must exist, and the weight map must agree with the shards' own headers exactly.
 * Writing splits tensors greedily in the given order, as huggingface_hub's `split_state_dict_into_shards` does.
 */
import { readFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join } from 'node:path'
import { writeFileAtomic, type AtomicWriteOptions } from '../atomic-write'
import { DTYPE_INFO, elementCount } from './dtypes'
import { CheckpointFormatError } from './errors'
import { openSafetensors, safetensorsLayout, writeSafetensors, type TensorSpec, type TensorToWrite } from './safetensors'
import type { CheckpointReader, LoadedTensor, TensorInfo } from './types'

export const SAFETENSORS_SINGLE_FILE = 'model.safetensors'
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json'
/** An index is a small JSON file; refuse to parse anything absurdly large. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024

export interface ShardedCheckpoint extends CheckpointReader {
  readonly format: 'sharded'
  /** Shard file names, in the order their tensors are listed. */
  readonly shards: readonly string[]
}

export type ShardOpener = (path: string) => Promise<CheckpointReader>

/** Opens `model.safetensors.index.json` and its safetensors shards. */
export function openSafetensorsIndex(indexPath: string): Promise<ShardedCheckpoint> {
  return openShardedCheckpoint(indexPath, openSafetensors)
}

/** Any index of the transformers kind (`*.index.json` with a weight_map); each shard is opened with `openShard`. */
export async function openShardedCheckpoint(indexPath: string, openShard: ShardOpener): Promise<ShardedCheckpoint> {
  const fail: (problem: string) => never = (problem) => {
    throw new CheckpointFormatError(indexPath, problem)
  }
  const text = await readFile(indexPath, 'utf8')
  if (text.length > MAX_INDEX_BYTES) fail(`index is ${text.length} bytes, more than an index can reasonably be`)
  let index: unknown
  try {
    index = JSON.parse(text)
  } catch (error) {
    fail(`index is not valid JSON (${(error as Error).message})`)
  }
  if (typeof index !== 'object' || index === null || Array.isArray(index)) fail('index must be a JSON object')
  const weightMap = (index as Record<string, unknown>).weight_map
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) fail("index has no 'weight_map' object")

  const expected = new Map<string, string>() // tensor -> shard
  const shardNames: string[] = []
  for (const [tensor, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof shard !== 'string') fail(`weight_map entry for '${tensor}' must be a file name, got ${JSON.stringify(shard)}`)
    if (!isPlainFileName(shard as string)) {
      fail(`weight_map maps '${tensor}' to ${JSON.stringify(shard)}, which is not a plain file name in the index's folder`)
    }
    expected.set(tensor, shard as string)
    if (!shardNames.includes(shard as string)) shardNames.push(shard as string)
  }
  if (shardNames.length === 0) fail('weight_map is empty')

  const folder = dirname(indexPath)
  const readers = new Map<string, CheckpointReader>()
  for (const shard of shardNames) {
    try {
      readers.set(shard, await openShard(join(folder, shard)))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') fail(`shard '${shard}' listed in the weight_map does not exist`)
      throw error
    }
  }

  const tensors = new Map<string, TensorInfo>()
  const owner = new Map<string, CheckpointReader>()
  for (const [shard, reader] of readers) {
    for (const [name, info] of reader.tensors) {
      const mapped = expected.get(name)
      if (mapped === undefined) fail(`tensor '${name}' in shard '${shard}' is not listed in the weight_map`)
      if (mapped !== shard) fail(`tensor '${name}' is in shard '${shard}' but the weight_map puts it in '${mapped}'`)
      tensors.set(name, info)
      owner.set(name, reader)
    }
  }
  for (const [name, shard] of expected) {
    if (!tensors.has(name)) fail(`weight_map puts '${name}' in shard '${shard}', but that shard has no such tensor`)
  }

  const first = readers.get(shardNames[0])!
  return {
    path: indexPath,
    format: 'sharded',
    metadata: first.metadata,
    tensors,
    shards: shardNames,
    readTensor(name: string): Promise<LoadedTensor> {
      const reader = owner.get(name)
      if (reader === undefined) throw new CheckpointFormatError(indexPath, `no tensor named '${name}' (the checkpoint has ${tensors.size})`)
      return reader.readTensor(name)
    },
  }
}

/** A name that stays in its folder on every OS: no separators, no drive, not '.' or '..'. */
function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\:\0]/.test(name) &&
    !isAbsolute(name) &&
    basename(name) === name
  )
}

// ---------------------------------------------------------------- writing

export interface ShardedWriteOptions extends AtomicWriteOptions {
  /** Largest data size of one shard in bytes (huggingface_hub's max_shard_size); a bigger tensor gets a shard alone. */
  readonly maxShardBytes: number
}

export interface ShardedWriteResult {
  /** Paths written: the shards (or the single file), then the index when there is one. */
  readonly files: readonly string[]
  readonly indexPath: string | null
}

/** Greedy split in the given order: start a new shard when the next tensor would push it past the limit. */
export function planShards<T extends TensorSpec>(tensors: readonly T[], maxShardBytes: number): T[][] {
  const shards: T[][] = []
  let current: T[] = []
  let currentBytes = 0
  for (const tensor of tensors) {
    const bytes = tensorBytes(tensor)
    if (current.length > 0 && currentBytes + bytes > maxShardBytes) {
      shards.push(current)
      current = []
      currentBytes = 0
    }
    current.push(tensor)
    currentBytes += bytes
  }
  if (current.length > 0 || shards.length === 0) shards.push(current)
  return shards
}

export interface ShardedLayout<T extends TensorSpec> {
  /** The shards (or the single file) with their tensors and exact byte sizes, in writing order. */
  readonly shards: ReadonlyArray<{ path: string; tensors: readonly T[]; bytes: number }>
  /** The index file and its text, when there is more than one shard. */
  readonly index: { path: string; text: string } | null
}

/**
 * The files writeSafetensorsSharded writes, with their sizes, from names, dtypes and shapes alone: `model.safetensors`
 * when everything fits in one shard, else `model-0000i-of-0000n.safetensors` plus `model.safetensors.index.json`.
 */
export function shardedLayout<T extends TensorSpec>(folder: string, tensors: readonly T[], metadata: Readonly<Record<string, string>> | null, maxShardBytes: number): ShardedLayout<T> {
  const plan = planShards(tensors, maxShardBytes)
  const sized = (path: string, shard: readonly T[]) => {
    const layout = safetensorsLayout(path, shard, metadata)
    return { path, tensors: shard, bytes: layout.prefix.length + layout.dataBytes }
  }
  if (plan.length === 1) return { shards: [sized(join(folder, SAFETENSORS_SINGLE_FILE), tensors)], index: null }
  const digits = (n: number): string => String(n).padStart(5, '0')
  const weightMap: Record<string, string> = {}
  let totalSize = 0
  const shards = plan.map((shard, i) => {
    const name = `model-${digits(i + 1)}-of-${digits(plan.length)}.safetensors`
    for (const tensor of shard) {
      weightMap[tensor.name] = name
      totalSize += tensorBytes(tensor)
    }
    return sized(join(folder, name), shard)
  })
  return { shards, index: { path: join(folder, SAFETENSORS_INDEX_FILE), text: formatIndexJson(totalSize, weightMap) } }
}

/**
 * Writes the files of shardedLayout: the index last, so a reader never sees an index whose shards are missing.
 * The index text matches transformers' `json.dumps(index, indent=2, sort_keys=True) + "\n"`.
 */
export async function writeSafetensorsSharded(
  folder: string,
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> | null,
  options: ShardedWriteOptions,
): Promise<ShardedWriteResult> {
  const layout = shardedLayout(folder, tensors, metadata, options.maxShardBytes)
  for (const shard of layout.shards) await writeSafetensors(shard.path, shard.tensors, metadata, options)
  const files = layout.shards.map((shard) => shard.path)
  if (layout.index === null) return { files, indexPath: null }
  await writeFileAtomic(layout.index.path, Buffer.from(layout.index.text, 'utf8'), options)
  return { files: [...files, layout.index.path], indexPath: layout.index.path }
}

/** Python json.dumps(indent=2, sort_keys=True): keys sorted by code point, non-ASCII escaped as \uXXXX. */
export function formatIndexJson(totalSize: number, weightMap: Readonly<Record<string, string>>): string {
  const byCodePoint = (a: string, b: string): number => {
    const x = [...a].map((c) => c.codePointAt(0)!)
    const y = [...b].map((c) => c.codePointAt(0)!)
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]
    return x.length - y.length
  }
  const quote = (s: string): string => JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const entries = Object.keys(weightMap)
    .sort(byCodePoint)
    .map((name) => `    ${quote(name)}: ${quote(weightMap[name])}`)
  return `{\n  "metadata": {\n    "total_size": ${totalSize}\n  },\n  "weight_map": {\n${entries.join(',\n')}\n  }\n}\n`
}

function tensorBytes(tensor: TensorSpec): number {
  return (elementCount(tensor.shape) ?? 0) * DTYPE_INFO[tensor.dtype].bytes
}
