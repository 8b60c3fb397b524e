/**
 * Fuzzing every reader of user files (issue 16): safetensors, sharded index, torch zip (container and data.pkl),
 * config.json, tokenizer files, PNG and JPEG. Inputs are real files with random edits and random bytes behind a real
 * magic number (test/fuzz/mutate.ts). Every input must either load or be refused with the reader's own error (the
 * one whose message names the file and the problem); anything else (TypeError, RangeError, a hang) fails.
 * Bounds: a loaded tensor holds at most what its file can describe (its bytes, or 32x for deflated zip entries,
 * src/engine/io/formats/zip.ts), a decoded image at most what deflate can expand its bytes to (1032x) or the JPEG
 * decoder's megapixel cap; a case that takes longer than CASE_LIMIT_MS is reported as a hang.
 * `npm test` runs FUZZ_RUNS (25) seeded cases per reader; `npm run fuzz` runs many more with fresh seeds.
 */
import fc from 'fast-check'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { StudioError } from '../../src/shared'
import { decodeJpeg, JPEG_MAX_MEGAPIXELS, JpegError } from '../../src/engine/data/jpeg'
import { decodePng, PngError } from '../../src/engine/data/png'
import { loadTokenizer, TokenizerLoadError } from '../../src/engine/data/tokenizers/load-tokenizer'
import { CheckpointFormatError } from '../../src/engine/io/formats/errors'
import { openCheckpointFile } from '../../src/engine/io/formats/open-checkpoint'
import { openZip } from '../../src/engine/io/formats/zip'
import { openCheckpoint } from '../../src/engine/io/import-checkpoint'
import { isInputError } from '../../src/engine/runtime/input-errors'
import { SHARED_FIXTURES, torchZipBytes } from '../fixtures/bad-checkpoints/builders'
import { FUZZ_RUNS, FUZZ_SEED, fuzzInput } from './mutate'

const ROOT = join(import.meta.dirname, '..', '..')
/** Far above any honest case (milliseconds); a parser stuck in a loop passes it. */
const CASE_LIMIT_MS = 20_000
const PROPERTY_TIMEOUT_MS = Math.max(120_000, FUZZ_RUNS * CASE_LIMIT_MS)
const MAX_INFLATE_RATIO = 32 // zip.ts
const DEFLATE_MAX_RATIO = 1032 // RFC 1951: a deflate stream expands at most ~1032:1
const MIB = 1 << 20

const work = mkdtempSync(join(tmpdir(), 'ligo-fuzz-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const fixture = (...parts: string[]) => readFileSync(join(SHARED_FIXTURES, ...parts))

/** A folder holding copies of `files` (name -> bytes), where each case overwrites one of them. */
function folderWith(name: string, files: Record<string, Uint8Array>): string {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes)
  return dir
}

interface Target {
  name: string
  seed: Uint8Array
  /** Writes or passes the input and reads it the way the app does; returns nothing when it loaded. */
  read(input: Uint8Array): Promise<void> | void
  /** The errors that count as a clean refusal. */
  refusal(error: unknown): boolean
}

/** Opens a checkpoint file and reads every tensor, checking each against the file's size. */
async function readCheckpointFile(path: string, size: number): Promise<void> {
  const reader = await openCheckpointFile(path)
  for (const name of reader.tensors.keys()) {
    const tensor = await reader.readTensor(name)
    const limit = MAX_INFLATE_RATIO * size + MIB
    if (tensor.data.byteLength > limit) throw new Error(`tensor '${name}' holds ${tensor.data.byteLength} bytes from a ${size}-byte file`)
  }
}

const isFormatError = (error: unknown) => error instanceof CheckpointFormatError

function checkpointFileTarget(name: string, fileName: string, seed: Uint8Array, extra: Record<string, Uint8Array> = {}): Target {
  const dir = folderWith(name.replace(/\W+/g, '-'), extra)
  const path = join(dir, fileName)
  return {
    name,
    seed,
    read: (input) => {
      writeFileSync(path, input)
      return readCheckpointFile(path, input.length)
    },
    refusal: isFormatError,
  }
}

/** The storages and data.pkl of the real torch.save fixture, to rebuild archives around a fuzzed pickle. */
async function torchParts(path: string): Promise<{ pickle: Uint8Array; storages: Record<string, Uint8Array>; root: string }> {
  const zip = await openZip(path)
  const pkl = [...zip.entries.keys()].find((n) => n.endsWith('/data.pkl'))!
  const root = pkl.slice(0, -'/data.pkl'.length)
  const storages: Record<string, Uint8Array> = {}
  for (const entry of zip.entries.keys()) if (entry.startsWith(`${root}/data/`)) storages[entry.slice(`${root}/data/`.length)] = await zip.readEntry(entry)
  return { pickle: await zip.readEntry(pkl), storages, root }
}

const vitBin = join(SHARED_FIXTURES, 'vit-dummy-bin', 'pytorch_model.bin')
const gpt2 = join(SHARED_FIXTURES, 'gpt2-tiny-model')
const gpt2Weights = fixture('gpt2-tiny-model', 'model.safetensors')
const torch = await torchParts(vitBin)

/** A small WordPiece tokenizer.json: the real BERT one with its vocabulary cut to 200 tokens. */
function smallTokenizerJson(): Uint8Array {
  const json = JSON.parse(fixture('bert-tiniest-lmhead', 'tokenizer.json').toString('utf8'))
  json.model.vocab = Object.fromEntries(Object.entries(json.model.vocab as Record<string, number>).slice(0, 200))
  json.added_tokens = (json.added_tokens as Array<{ id: number }>).filter((t) => t.id < 200)
  return Buffer.from(JSON.stringify(json))
}

function tokenizerTarget(name: string, fileName: string, files: Record<string, Uint8Array>): Target {
  const dir = folderWith(name.replace(/\W+/g, '-'), files)
  return {
    name,
    seed: files[fileName],
    read: (input) => {
      writeFileSync(join(dir, fileName), input)
      loadTokenizer(dir).encode('Call me Ishmael. Some years ago — never mind how long precisely.')
    },
    refusal: (error) => error instanceof TokenizerLoadError,
  }
}

function imageTarget(name: string, seed: Uint8Array, decode: (bytes: Uint8Array) => { width: number; height: number; channels: number }, refusal: (error: unknown) => boolean, maxPixels: (size: number) => number): Target {
  return {
    name,
    seed,
    read: (input) => {
      const image = decode(input)
      const samples = image.width * image.height * image.channels
      if (samples > maxPixels(input.length)) throw new Error(`a ${input.length}-byte file decoded to ${image.width}x${image.height}x${image.channels}`)
    },
    refusal,
  }
}

const gpt2Tokenizer = { 'vocab.json': readFileSync(join(gpt2, 'vocab.json')), 'merges.txt': readFileSync(join(gpt2, 'merges.txt')) }
const indexJson = Buffer.from(JSON.stringify({ metadata: { total_size: gpt2Weights.length }, weight_map: Object.fromEntries(Object.keys(JSON.parse(gpt2Weights.subarray(8, 8 + Number(gpt2Weights.readBigUInt64LE(0))).toString('utf8'))).filter((k) => k !== '__metadata__').map((k) => [k, 'model-00001-of-00001.safetensors'])) }))
const configDir = folderWith('config-json', { 'model.safetensors': gpt2Weights })

const TARGETS: Target[] = [
  checkpointFileTarget('safetensors', 'model.safetensors', gpt2Weights),
  checkpointFileTarget('sharded safetensors index', 'model.safetensors.index.json', indexJson, { 'model-00001-of-00001.safetensors': gpt2Weights }),
  checkpointFileTarget('torch zip (the container)', 'pytorch_model.bin', readFileSync(vitBin)),
  {
    // The pickle inside an otherwise intact archive, so edits reach the unpickler instead of failing the zip CRC.
    name: 'torch data.pkl (the unpickler)',
    seed: torch.pickle,
    refusal: isFormatError,
    read: (pickle) => {
      const path = join(folderWith('torch-pickle', {}), 'pytorch_model.bin')
      const archive = torchZipBytes(pickle, torch.storages, { root: torch.root })
      writeFileSync(path, archive)
      return readCheckpointFile(path, archive.length)
    },
  },
  {
    name: 'config.json',
    seed: readFileSync(join(gpt2, 'config.json')),
    read: async (input) => {
      writeFileSync(join(configDir, 'config.json'), input)
      await openCheckpoint(configDir)
    },
    // Config problems are the model config's StudioError or an input error of the checkpoint readers.
    refusal: (error) => error instanceof StudioError || isInputError(error),
  },
  tokenizerTarget('tokenizer.json', 'tokenizer.json', { 'tokenizer.json': smallTokenizerJson() }),
  tokenizerTarget('GPT-2 vocab.json', 'vocab.json', gpt2Tokenizer),
  tokenizerTarget('GPT-2 merges.txt', 'merges.txt', gpt2Tokenizer),
  tokenizerTarget('BERT vocab.txt', 'vocab.txt', { 'vocab.txt': Buffer.from(fixture('bert-tiniest-lmhead', 'vocab.txt').toString('utf8').split('\n').slice(0, 300).join('\n')) }),
  imageTarget('PNG', readFileSync(join(ROOT, 'resources', 'icons', 'png', '24x24.png')), decodePng, (e) => e instanceof PngError, (size) => DEFLATE_MAX_RATIO * size + MIB),
  imageTarget('JPEG', readFileSync(join(ROOT, 'test', 'reference', 'jpeg', 'rgb-baseline-444.jpg')), decodeJpeg, (e) => e instanceof JpegError, () => JPEG_MAX_MEGAPIXELS * 1e6 * 3),
]

describe('fuzzing the readers of user files', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: every input loads or is refused with a clear error', async (_, target) => {
    await fc.assert(
      fc.asyncProperty(fuzzInput(target.seed), async (input) => {
        const started = performance.now()
        try {
          await target.read(input)
        } catch (error) {
          if (!target.refusal(error)) throw error
          const message = (error as Error).message
          if (message.trim() === '') throw new Error(`refused with an empty message (${(error as Error).name})`)
        }
        const took = performance.now() - started
        if (took > CASE_LIMIT_MS) throw new Error(`a ${input.length}-byte input took ${Math.round(took)} ms (a hang?)`)
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    )
  }, PROPERTY_TIMEOUT_MS)
})
