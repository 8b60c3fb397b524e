/**
 * PyTorch checkpoints written by torch.save >= 1.6 (.bin/.pt/.pth), read without Python (docs/formats/checkpoints.md §4).
 *
 * The file is a zip with one top-level folder (any name, e.g. `pytorch_model/` or `archive/`):
 *   <root>/data.pkl     pickle of the state dict: OrderedDict{name: _rebuild_tensor_v2(storage, offset, size, stride, ...)}
 *   <root>/data/<key>   one raw little-endian buffer per storage, referenced from the pickle by persistent id
 *                       ('storage', torch.FloatStorage, '<key>', 'cpu', numel)
 *   <root>/byteorder    'little' (absent in older files, which are little-endian), <root>/version
 *
 * data.pkl is run through the restricted unpickler with an allow-list of globals implemented here, so no code from
 * the checkpoint ever runs. Offsets, sizes and strides are in elements; several tensors may share one storage
 * (tied weights); non-contiguous tensors are materialised row-major.
 */
import { basename } from 'node:path'
import { CheckpointFormatError, formatShape } from './errors'
import { DTYPE_INFO, elementCount, viewLittleEndian, type DType } from './dtypes'
import { pickleCallable, unpickle } from './pickle'
import { makeLoadedTensor, type CheckpointReader, type LoadedTensor, type TensorInfo } from './types'
import { openZip, type ZipArchive } from './zip'

/** torch storage classes (module `torch`, or `torch.cuda` in old GPU saves) and the dtype of their elements. */
export const TORCH_STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
}

/** Top-level keys under which training checkpoints keep the model's state dict. */
const NESTED_STATE_DICT_KEYS = ['state_dict', 'model', 'model_state_dict', 'module']

export interface TorchZipFile extends CheckpointReader {
  readonly format: 'torch-zip'
  /** The archive's top-level folder, e.g. 'pytorch_model/'. */
  readonly archiveRoot: string
  /** Contents of <root>/version, or null when absent. */
  readonly version: string | null
  /** Entries of the state dict that are not tensors (e.g. a stored int), which readers ignore. */
  readonly skipped: readonly string[]
}

interface StorageType {
  readonly kind: 'storage-type'
  readonly qualifiedName: string
  readonly dtype: DType
}

interface StorageRef {
  readonly kind: 'storage'
  readonly key: string
  readonly dtype: DType
  readonly numel: number
  readonly entryName: string
}

interface TensorRef {
  readonly kind: 'tensor'
  readonly storage: StorageRef
  readonly offset: number
  readonly shape: number[]
  readonly stride: number[]
}

interface TorchTensorInfo extends TensorInfo {
  readonly ref: TensorRef
}

export async function openTorchZip(path: string): Promise<TorchZipFile> {
  const fail: (problem: string) => never = (problem) => {
    throw new CheckpointFormatError(path, problem)
  }
  const zip = await openZip(path)
  const names = [...zip.entries.keys()]
  const pickles = names.filter((name) => /^([^/]+\/)?data\.pkl$/.test(name))
  if (names.some((name) => /^([^/]+\/)?(code\/|constants\.pkl$)/.test(name))) {
    fail('this is a TorchScript archive (torch.jit.save), not a state dict saved with torch.save; save model.state_dict() instead')
  }
  if (pickles.length === 0) fail('zip archive has no data.pkl, so it is not a torch.save checkpoint')
  if (pickles.length > 1) fail(`zip archive has ${pickles.length} data.pkl entries (${pickles.join(', ')}); expected one`)
  const root = pickles[0].slice(0, -'data.pkl'.length)

  const byteorder = await readTextEntry(zip, `${root}byteorder`)
  if (byteorder !== null && byteorder !== 'little') {
    fail(`checkpoint was saved big-endian (byteorder '${byteorder}'); only little-endian checkpoints can be read, so re-save it on a little-endian machine`)
  }
  const version = await readTextEntry(zip, `${root}version`)

  const storages = new Map<string, StorageRef>()
  const persistentLoad = (pid: unknown): StorageRef => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
      fail(`unsupported persistent id ${JSON.stringify(pid)}: expected ('storage', type, key, location, numel)`)
    }
    const [, type, key, , numel] = pid as unknown[]
    if (!isStorageType(type)) fail(`persistent id for storage ${JSON.stringify(key)} does not name a storage type`)
    if (typeof key !== 'string') fail(`persistent id has a storage key of type ${typeof key}`)
    if (!Number.isSafeInteger(numel) || (numel as number) < 0) fail(`storage '${key}' has a bad element count ${String(numel)}`)
    const { dtype } = type as StorageType
    const known = storages.get(key as string)
    if (known !== undefined) {
      if (known.dtype !== dtype) fail(`storage '${key}' is used both as ${known.dtype} and as ${dtype}`)
      return known
    }
    const entryName = `${root}data/${key}`
    const entry = zip.entries.get(entryName)
    if (entry === undefined) fail(`storage '${key}' has no entry '${entryName}' in the archive`)
    const needed = (numel as number) * DTYPE_INFO[dtype].bytes
    if (entry!.uncompressedSize < needed) {
      fail(`storage '${key}' holds ${entry!.uncompressedSize} bytes but ${numel} ${dtype} elements need ${needed}`)
    }
    const ref: StorageRef = { kind: 'storage', key: key as string, dtype, numel: numel as number, entryName }
    storages.set(ref.key, ref)
    return ref
  }

  const pickled = await zip.readEntry(pickles[0])
  const result = unpickle(pickled, {
    file: path,
    resolveGlobal: (module, name) => resolveTorchGlobal(path, module, name),
    persistentLoad,
    // OrderedDict state is its __dict__ (torch stores `_metadata` there): attributes, not items; ignored.
    build: (object) => (object instanceof Map ? object : fail('BUILD is only allowed on an OrderedDict')),
  })

  const stateDict = selectStateDict(result, fail)
  const tensors = new Map<string, TorchTensorInfo>()
  const skipped: string[] = []
  for (const [name, value] of stateDict) {
    if (typeof name !== 'string' || !isTensorRef(value)) {
      skipped.push(String(name))
      continue
    }
    checkTensorBounds(name, value, fail)
    const count = elementCount(value.shape)!
    tensors.set(name, { name, dtype: value.storage.dtype, shape: value.shape, byteLength: count * DTYPE_INFO[value.storage.dtype].bytes, ref: value })
  }

  return {
    path,
    format: 'torch-zip',
    metadata: {},
    tensors,
    archiveRoot: root,
    version,
    skipped,
    async readTensor(name: string): Promise<LoadedTensor> {
      const info = tensors.get(name)
      if (info === undefined) throw new CheckpointFormatError(path, `no tensor named '${name}' (the file has ${tensors.size})`)
      return makeLoadedTensor(name, info.dtype, info.shape, viewLittleEndian(info.dtype, await readTensorBytes(zip, info.ref)))
    },
  }
}

/** The message for a pre-1.6 torch.save file (a stream of pickles, not a zip), with how to convert it. */
export function legacyTorchFormatError(path: string): CheckpointFormatError {
  const name = /^[\w.-]+$/.test(basename(path)) ? basename(path) : 'pytorch_model.bin'
  const stem = name.replace(/\.[^.]*$/, '')
  return new CheckpointFormatError(
    path,
    'this is a legacy PyTorch checkpoint (torch.save before 1.6, not a zip archive), which cannot be read without Python. ' +
      `Convert it once with Python: python -c "import torch; torch.save(torch.load('${name}', weights_only=True), '${stem}-zip.bin')" ` +
      '(writes the zip format), or save it as safetensors with the safetensors package: ' +
      `python -c "import torch; from safetensors.torch import save_file; save_file(torch.load('${name}', weights_only=True), 'model.safetensors')"`,
  )
}

/** The allow-list: rebuild functions, storage classes and OrderedDict, all implemented here. */
function resolveTorchGlobal(path: string, module: string, name: string): unknown {
  if (module === 'collections' && name === 'OrderedDict') {
    return pickleCallable('collections.OrderedDict', (args) => {
      const items = args[0]
      if (items === undefined) return new Map()
      const pairs = Array.isArray(items) && items.every((item) => Array.isArray(item) && item.length === 2)
      if (!pairs) throw new CheckpointFormatError(path, 'collections.OrderedDict: argument is not a list of (key, value) pairs')
      return new Map(items as Array<[unknown, unknown]>)
    })
  }
  if ((module === 'torch' || module === 'torch.cuda') && Object.prototype.hasOwnProperty.call(TORCH_STORAGE_DTYPES, name)) {
    const type: StorageType = { kind: 'storage-type', qualifiedName: `${module}.${name}`, dtype: TORCH_STORAGE_DTYPES[name] }
    return type
  }
  if (module === 'torch._utils') {
    const qualified = `torch._utils.${name}`
    const fail: (problem: string) => never = (problem) => {
      throw new CheckpointFormatError(path, `${qualified}: ${problem}`)
    }
    switch (name) {
      case '_rebuild_tensor_v2': // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      case '_rebuild_tensor': // (storage, storage_offset, size, stride)
        return pickleCallable(qualified, (args) => tensorRef(args, fail))
      case '_rebuild_parameter': // (data, requires_grad, backward_hooks)
      case '_rebuild_parameter_with_state': // (data, requires_grad, backward_hooks, state)
        return pickleCallable(qualified, (args) => (isTensorRef(args[0]) ? args[0] : fail('first argument is not a tensor')))
    }
  }
  throw new CheckpointFormatError(
    path,
    `refusing to load global '${module}.${name}': only tensor rebuild, storage and OrderedDict globals are allowed (no code from checkpoints is executed)`,
  )
}

function tensorRef(args: readonly unknown[], fail: (problem: string) => never): TensorRef {
  const [storage, offset, shape, stride] = args
  if (!isStorageRef(storage)) fail('first argument is not a storage')
  const isIndexList = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0)
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) fail(`storage offset ${String(offset)} is not a non-negative integer`)
  if (!isIndexList(shape)) fail(`size ${JSON.stringify(shape)} is not a tuple of non-negative integers`)
  if (!isIndexList(stride)) fail(`stride ${JSON.stringify(stride)} is not a tuple of non-negative integers`)
  if ((shape as number[]).length !== (stride as number[]).length) fail(`size ${JSON.stringify(shape)} and stride ${JSON.stringify(stride)} differ in length`)
  return { kind: 'tensor', storage: storage as StorageRef, offset: offset as number, shape: shape as number[], stride: stride as number[] }
}

function selectStateDict(result: unknown, fail: (problem: string) => never): Map<unknown, unknown> {
  if (!(result instanceof Map)) fail('the pickle does not hold a dict of tensors (a state dict)')
  const top = result as Map<unknown, unknown>
  if ([...top.values()].some(isTensorRef)) return top
  for (const key of NESTED_STATE_DICT_KEYS) {
    const nested = top.get(key)
    if (nested instanceof Map && [...nested.values()].some(isTensorRef)) return nested
  }
  return fail(`the pickle holds a dict without tensors (keys: ${[...top.keys()].slice(0, 10).map(String).join(', ')})`)
}

/**
 * A tensor is bounded by the bytes its storage holds (issue 16): every element it addresses lies inside the storage
 * (offset + sum((size-1)*stride) < numel) and no two of its elements are the same storage element. The second rule
 * refuses stride-0 (expand()) and overlapping views, with which a few bytes of storage describe gigabytes of tensor;
 * torch.save of a state dict never writes them. Non-overlap is checked as torch's "non-overlapping" layouts are:
 * dims of size > 1, sorted by stride, each stride beyond the largest offset the dims below it reach.
 */
function checkTensorBounds(name: string, ref: TensorRef, fail: (problem: string) => never): void {
  const count = elementCount(ref.shape)
  if (count === null) fail(`tensor '${name}': size ${formatShape(ref.shape)} has too many elements`)
  if (count === 0) return
  const dims = ref.shape.map((size, d) => ({ size, stride: ref.stride[d] })).filter((dim) => dim.size > 1)
  dims.sort((a, b) => a.stride - b.stride)
  let reach = 0 // the largest element offset the dims checked so far address
  for (const dim of dims) {
    if (dim.stride <= reach) {
      fail(
        `tensor '${name}' (size ${formatShape(ref.shape)}, stride ${formatShape(ref.stride)}) overlaps itself: its elements would repeat ` +
          `storage '${ref.storage.key}' (a view such as expand(); save a contiguous copy)`,
      )
    }
    reach += dim.stride * (dim.size - 1)
  }
  let last = ref.offset
  ref.shape.forEach((size, i) => (last += (size - 1) * ref.stride[i]))
  if (!Number.isSafeInteger(last) || last >= ref.storage.numel) {
    fail(
      `tensor '${name}' (size ${formatShape(ref.shape)}, stride ${formatShape(ref.stride)}, offset ${ref.offset}) reaches element ${last} ` +
        `of storage '${ref.storage.key}', which has ${ref.storage.numel}`,
    )
  }
}

/** Row-major bytes of a tensor: one range read when contiguous, else the spanned range gathered element by element. */
async function readTensorBytes(zip: ZipArchive, ref: TensorRef): Promise<Uint8Array> {
  const size = DTYPE_INFO[ref.storage.dtype].bytes
  const count = elementCount(ref.shape)!
  if (count === 0) return new Uint8Array(0)
  if (isContiguous(ref.shape, ref.stride)) {
    return zip.readEntryRange(ref.storage.entryName, ref.offset * size, count * size)
  }
  let last = ref.offset
  ref.shape.forEach((dim, i) => (last += (dim - 1) * ref.stride[i]))
  const span = await zip.readEntryRange(ref.storage.entryName, ref.offset * size, (last - ref.offset + 1) * size)
  const out = new Uint8Array(count * size)
  const index = new Array<number>(ref.shape.length).fill(0)
  let source = 0 // element index relative to ref.offset
  for (let element = 0; element < count; element++) {
    out.set(span.subarray(source * size, source * size + size), element * size)
    // Odometer over the row-major index: bump the last dim, carrying into earlier ones.
    for (let d = ref.shape.length - 1; d >= 0; d--) {
      index[d] += 1
      source += ref.stride[d]
      if (index[d] < ref.shape[d]) break
      source -= ref.stride[d] * ref.shape[d]
      index[d] = 0
    }
  }
  return out
}

/** Strides of size-1 dims do not matter; the others must be the row-major ones. */
function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false
    expected *= shape[d]
  }
  return true
}

async function readTextEntry(zip: ZipArchive, name: string): Promise<string | null> {
  if (!zip.entries.has(name)) return null
  const entry = zip.entries.get(name)!
  if (entry.uncompressedSize > 1024) {
    throw new CheckpointFormatError(zip.path, `zip entry '${name}' is ${entry.uncompressedSize} bytes; a version or byteorder record is a few bytes`)
  }
  return new TextDecoder().decode(await zip.readEntry(name)).trim()
}

function isStorageType(value: unknown): value is StorageType {
  return typeof value === 'object' && value !== null && (value as StorageType).kind === 'storage-type'
}

function isStorageRef(value: unknown): value is StorageRef {
  return typeof value === 'object' && value !== null && (value as StorageRef).kind === 'storage'
}

function isTensorRef(value: unknown): value is TensorRef {
  return typeof value === 'object' && value !== null && (value as TensorRef).kind === 'tensor'
}
