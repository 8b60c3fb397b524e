/**
 * The Studio API's error table (src/shared/error-table.ts; issue 16), checked row by row: every error class the
 * host can answer with is produced for real (by the engine code that throws it, where a few bytes on disk are
 * enough) and must come out of the engine's classifier, the Studio service (engine code also runs in the host),
 * the IPC encoding and the WebSocket frame with the table's code and a one-line message that names the file or
 * argument. The samples are typed by the table, so a new row without a sample does not compile; every class of the
 * engine's input-error list must have a row.
 */
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  INPUT_ERROR_CODES,
  SYSTEM_ERROR_CODES,
  StudioError,
  decodeIpcError,
  encodeIpcError,
  serializeError,
  type ErrorCode,
  type InputErrorName,
  type SystemErrorName,
} from '../src/shared'
import { INPUT_ERROR_CLASSES, classifyError } from '../src/engine/runtime/input-errors'
import { InputError } from '../src/engine/runtime/input-error'
import { packForCausalLm, packForMaskedLm } from '../src/engine/data/batching'
import { decodePng } from '../src/engine/data/png'
import { decodeJpeg } from '../src/engine/data/jpeg'
import { loadTextSource } from '../src/engine/data/text-sources'
import { loadTokenizer } from '../src/engine/data/tokenizers/load-tokenizer'
import { loadImageFolder } from '../src/engine/data/image-folder'
import { ImageAdaptError } from '../src/engine/data/adapt-images'
import { readSplitRecord } from '../src/engine/data/split-record'
import { parseBudget } from '../src/engine/experiments/budget'
import { estimateCarbon } from '../src/engine/metrics/energy/carbon'
import { validateFlopsShape, type FlopsShape } from '../src/engine/metrics/flops'
import { resolveSettings } from '../src/engine/growth/method'
import { GrowthError } from '../src/engine/growth/validate-pair'
import { openSafetensors } from '../src/engine/io/formats/safetensors'
import { locateCheckpoint } from '../src/engine/io/import-checkpoint'
import { CheckpointExportError } from '../src/engine/io/export-checkpoint'
import { UnknownArchitectureError } from '../src/engine/io/detect'
import { AtomicWriteError } from '../src/engine/io/atomic-write'
import { configFromHfJson } from '../src/engine/io/config-from-hf'
import { validateConfig } from '../src/engine/models/config'
import { resolveSeed } from '../src/engine/seeds'
import { readCheckpointFiles } from '../src/engine/train/checkpoint'
import { RunFolder } from '../src/engine/train/run-folder'
import { TrainingDataError } from '../src/engine/train/training-data'
import { TrainRunError } from '../src/engine/train/run-training'
import { studioHarness } from '../src/host/testing/studio-harness'

let folder = ''
const at = (...parts: string[]) => join(folder, ...parts)

/** What a sample throws and the file or argument its message must name. */
interface Sample {
  run: () => unknown
  names: string
}

/** The error a sample throws (sync or async); fails when it throws nothing. */
async function thrownBy(sample: Sample): Promise<unknown> {
  try {
    await sample.run()
  } catch (error) {
    return error
  }
  throw new Error('the sample threw nothing')
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'error-table-'))
  writeFileSync(at('tiny.safetensors'), Buffer.from([1, 2, 3]))
  writeFileSync(at('weird.xyz'), 'text in a file of no known kind\n')
  mkdirSync(at('empty-folder'))
  mkdirSync(at('no-classes'))
  writeFileSync(at('no-classes', 'readme.txt'), 'no class folders here\n')
  mkdirSync(at('split'))
  writeFileSync(at('split', 'data-split.json'), '{"format": "ligo-data-split"')
  writeFileSync(at('model.json'), '{ "model_type": "bert"')
  writeFileSync(at('a-file'), 'x')
  mkdirSync(at('full-folder'))
  writeFileSync(at('full-folder', 'x'), 'x')
  symlinkSync(at('loop-b'), at('loop-a'))
  symlinkSync(at('loop-a'), at('loop-b'))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const BAD_FLOPS_SHAPE = { family: 'encoder', hidden: 10, heads: 3, layers: 1, ffn: 4, vocab: 10, seqLen: 4 } as unknown as FlopsShape

/**
 * One real occurrence per row. Constructors are used only where producing the error for real needs a model or a
 * whole training run (export, architecture detection, growth pairs); their messages are built the same way there.
 */
const INPUT_SAMPLES: Record<InputErrorName, Sample> = {
  CheckpointFormatError: { run: () => openSafetensors(at('tiny.safetensors')), names: 'tiny.safetensors' },
  CheckpointImportError: { run: () => locateCheckpoint(at('missing-checkpoint')), names: 'missing-checkpoint' },
  CheckpointExportError: { run: () => { throw new CheckpointExportError(`${at('full-folder')} is not empty (x); choose an empty folder or pass \`force\``) }, names: 'full-folder' },
  CheckpointError: { run: () => readCheckpointFiles(at('empty-folder')), names: 'empty-folder' },
  UnknownArchitectureError: { run: () => { throw new UnknownArchitectureError('model.safetensors: no known architecture has the tensors encoder.w, decoder.w') }, names: 'model.safetensors' },
  AtomicWriteError: { run: () => { throw new AtomicWriteError(at('model.json'), 'refusing to overwrite it: it is a source file of this export') }, names: 'model.json' },
  RunFolderError: { run: () => RunFolder.open(at('empty-folder')), names: 'empty-folder' },
  SeedRegistryError: { run: () => resolveSeed('no-such-seed', at('empty-folder')), names: 'empty-folder' },
  InputError: { run: () => packForMaskedLm([[1, 2]], 6, { pad: 0, sep: 3 }), names: '[CLS]' },
  DataSizeError: { run: () => packForCausalLm([[1]], 4, { eos: 9 }), names: '`seqLen`' },
  TrainingDataError: { run: () => { throw new TrainingDataError(`Data "${at('corpus')}" is neither a built-in corpus nor an existing path`) }, names: 'corpus' },
  ImageFolderError: { run: () => loadImageFolder(at('no-classes'), { height: 4, width: 4, channels: 1 }), names: 'no-classes' },
  ImageAdaptError: { run: () => { throw new ImageAdaptError('Data "mnist": 20000 images at 224x224x3 need more than 1 GiB; use a subset (`maxExamples`)') }, names: '`maxExamples`' },
  SplitRecordError: { run: () => readSplitRecord(at('split')), names: 'data-split.json' },
  // The decoders see bytes, not files; their one caller (image-folder.ts readImageFile) puts the path in front as an
  // ImageFolderError (row above). Raw, their message names the part of the image that is wrong.
  PngError: { run: () => decodePng(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])), names: 'IHDR' },
  JpegError: { run: () => decodeJpeg(Uint8Array.from([0xff, 0xd8, 0xff, 0xd9])), names: 'JPEG' },
  TextSourceError: { run: () => loadTextSource(at('weird.xyz')), names: 'weird.xyz' },
  TokenizerLoadError: { run: () => loadTokenizer(at('empty-folder')), names: 'empty-folder' },
  MethodSettingsError: { run: () => resolveSettings({ name: 'ligo', settings: [] }, { operatorStepz: 3 }), names: '`settings.ligo`' },
  BudgetError: { run: () => parseBudget('12 parsecs'), names: '12 parsecs' },
  FlopsShapeError: { run: () => validateFlopsShape(BAD_FLOPS_SHAPE), names: 'heads' },
  CarbonError: { run: () => estimateCarbon(1, { pue: 7 }), names: 'PUE' },
  GrowthError: { run: () => { throw new GrowthError('`to`: a bert model cannot grow into a gpt2 model (families differ)') }, names: '`to`' },
  TrainRunError: { run: () => { throw new TrainRunError('runDir must be an absolute path, got "runs/x"') }, names: 'runDir' },
  ModelConfigError: { run: () => validateConfig({ family: 'bert', hiddenSize: -1 }), names: 'hiddenSize' },
  HfConfigError: { run: () => configFromHfJson({ model_type: 'bert', hidden_size: 'wide' }, 'model.json'), names: 'model.json' },
}

/** Node's errors, made for real where a file system allows it; the permission ones need another user, so are built. */
const systemError = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: operation not permitted, ${syscall} '${path}'`), { code, syscall, path, errno: -1 })
const SYSTEM_SAMPLES: Record<SystemErrorName, Sample> = {
  ENOENT: { run: () => readFileSync(at('missing.bin')), names: 'missing.bin' },
  ENOTDIR: { run: () => readFileSync(at('a-file', 'below')), names: 'a-file' },
  EACCES: { run: () => { throw systemError('EACCES', 'open', at('locked.bin')) }, names: 'locked.bin' },
  EPERM: { run: () => { throw systemError('EPERM', 'unlink', at('kept.bin')) }, names: 'kept.bin' },
  EROFS: { run: () => { throw systemError('EROFS', 'open', '/media/cdrom/out.bin') }, names: 'out.bin' },
  EISDIR: { run: () => openSync(at('empty-folder'), 'w'), names: 'empty-folder' },
  EEXIST: { run: () => mkdirSync(at('empty-folder')), names: 'empty-folder' },
  ENOTEMPTY: { run: () => rmdirSync(at('full-folder')), names: 'full-folder' },
  ENAMETOOLONG: { run: () => readFileSync(at('n'.repeat(5000))), names: 'nnnn' },
  ELOOP: { run: () => readFileSync(at('loop-a')), names: 'loop-a' },
}

/** The error as each way out of the host shows it: the host's own answer, IPC (desktop) and a WebSocket frame. */
async function throughTheHost(error: unknown): Promise<Array<{ route: string; code: string; message: string }>> {
  const studio = studioHarness()
  try {
    // A host-side handler that runs engine code: the engine's hardware probe, here throwing the sample.
    studio.engine.call = (() => Promise.reject(error)) as never
    const answered = await studio.invoke('getHardware').then(
      () => null,
      (e: unknown) => e,
    )
    expect(answered).toBeInstanceOf(StudioError)
    const host = answered as StudioError
    const ipc = decodeIpcError(encodeIpcError(host))
    const frame = JSON.parse(JSON.stringify({ kind: 'response', id: 1, ok: false, error: serializeError(host) })) as { error: { code: string; message: string } }
    return [
      { route: 'host', code: host.code, message: host.message },
      { route: 'ipc', code: ipc.code, message: ipc.message },
      { route: 'websocket', code: frame.error.code, message: frame.error.message },
    ]
  } finally {
    studio.close()
  }
}

function expectRow(where: string, got: { code: string; message: string }, code: ErrorCode, names: string): void {
  expect(got.code, where).toBe(code)
  expect(got.message, where).toContain(names)
  expect(got.message, where).not.toContain('\n')
  expect(got.message, where).not.toMatch(/\n\s+at |\bat .*\.ts:\d+/) // no stack frame
}

describe('the Studio API error table', () => {
  for (const [name, sample] of Object.entries(INPUT_SAMPLES) as Array<[InputErrorName, Sample]>) {
    it(`${name} -> ${INPUT_ERROR_CODES[name]}, naming ${sample.names}`, async () => {
      const error = await thrownBy(sample)
      expect((error as Error).name, 'the thrown class is the row').toBe(name)
      expectRow('engine', classifyError(error), INPUT_ERROR_CODES[name], sample.names)
      for (const route of await throughTheHost(error)) expectRow(route.route, route, INPUT_ERROR_CODES[name], sample.names)
    })
  }

  for (const [errno, sample] of Object.entries(SYSTEM_SAMPLES) as Array<[SystemErrorName, Sample]>) {
    it(`a system error ${errno} -> ${SYSTEM_ERROR_CODES[errno]}, naming the path`, async () => {
      const error = await thrownBy(sample)
      expect((error as NodeJS.ErrnoException).code).toBe(errno)
      expectRow('engine', classifyError(error), SYSTEM_ERROR_CODES[errno], sample.names)
      for (const route of await throughTheHost(error)) expectRow(route.route, route, SYSTEM_ERROR_CODES[errno], sample.names)
    })
  }

  it('every class of the engine input-error list has a row (no class is classified outside the table)', async () => {
    const samples = await Promise.all(Object.values(INPUT_SAMPLES).map(thrownBy))
    for (const type of INPUT_ERROR_CLASSES) {
      const row = samples.find((error) => error instanceof type && (error as Error).name === type.name)
      expect(row, `${type.name} has no row in shared/error-table.ts`).toBeDefined()
    }
    // and a subclass of InputError is a row of its own, not silently the base's
    expect(samples.filter((error) => error instanceof InputError).map((e) => (e as Error).name).sort()).toEqual(['DataSizeError', 'InputError'])
  })

  it('anything else is a bug: engine_error, also through the host', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'shape')")
    expect(classifyError(bug).code).toBe('engine_error')
    for (const route of await throughTheHost(bug)) expect(route.code, route.route).toBe('engine_error')
    const machine = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
    expect(classifyError(machine).code).toBe('engine_error')
  })
})
