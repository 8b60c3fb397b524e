/**
 * Opens any checkpoint file we can read, choosing the reader from the file's first bytes (not its extension):
 *   PK\x03\x04                    -> torch.save zip (.bin/.pt/.pth)
 *   pickle of 0x1950a86a20f9469cfc6c -> legacy torch.save stream: refused with how to convert it
 *   other pickle / tar            -> refused
 *   u64 length + '{'              -> safetensors
 *   *.index.json                  -> sharded checkpoint (weight_map over shards, each opened here too)
 * A file that matches nothing but is named *.safetensors goes to the safetensors reader for its precise error.
 */
import { CheckpointFormatError } from './errors'
import { readFileHead } from './file-range'
import { openSafetensors } from './safetensors'
import { openShardedCheckpoint } from './safetensors-index'
import { legacyTorchFormatError, openTorchZip } from './torch-zip'
import type { CheckpointReader } from './types'

export type SniffedCheckpoint = 'safetensors' | 'index' | 'torch-zip' | 'torch-legacy' | 'torch-tar' | 'pickle' | 'unknown'

/** pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): PROTO 2, LONG1 with 10 little-endian bytes (doc §4.1). */
const TORCH_LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
const SNIFF_BYTES = 512

export async function sniffCheckpoint(path: string): Promise<SniffedCheckpoint> {
  if (/\.index\.json$/i.test(path)) return 'index'
  const { head } = await readFileHead(path, SNIFF_BYTES)
  const startsWith = (bytes: readonly number[], at = 0): boolean => bytes.every((b, i) => head[at + i] === b)
  if (startsWith([0x50, 0x4b, 0x03, 0x04])) return 'torch-zip'
  if (startsWith(TORCH_LEGACY_MAGIC)) return 'torch-legacy'
  // Before the pickle test: a header length such as 0x0280 also starts with 0x80 0x02.
  if (head.length >= 9 && head[8] === 0x7b && head[4] === 0 && head[5] === 0 && head[6] === 0 && head[7] === 0) return 'safetensors'
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return 'pickle'
  if (head.length >= 262 && new TextDecoder('latin1').decode(head.subarray(257, 262)) === 'ustar') return 'torch-tar'
  return 'unknown'
}

export async function openCheckpointFile(path: string): Promise<CheckpointReader> {
  const kind = await sniffCheckpoint(path)
  switch (kind) {
    case 'index':
      return openShardedCheckpoint(path, openCheckpointFile)
    case 'torch-zip':
      return openTorchZip(path)
    case 'torch-legacy':
      throw legacyTorchFormatError(path)
    case 'torch-tar':
      throw new CheckpointFormatError(path, 'this is a tar-format PyTorch checkpoint (torch 0.3 or older), which is not supported; re-save it with a current torch')
    case 'pickle':
      throw new CheckpointFormatError(path, 'this is a plain Python pickle, not a torch.save zip checkpoint or safetensors file; refusing to load it')
    case 'safetensors':
      return openSafetensors(path)
    case 'unknown':
      if (/\.safetensors$/i.test(path)) return openSafetensors(path)
      throw new CheckpointFormatError(path, 'not a checkpoint this app can read: expected safetensors, a PyTorch zip (.bin/.pt/.pth) or a *.index.json')
  }
}
