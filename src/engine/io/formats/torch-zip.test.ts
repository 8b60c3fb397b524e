/**
 * torch.save zip reader. The real fixture's names and shapes come from its config.json and the ViT table of
 * docs/formats/checkpoints.md §2.4; its values are compared with an independent Python reader in test/reference.
 * Hand-built archives (test/fixtures/bad-checkpoints/builders.ts, written from the zip and pickle specs) cover
 * what the fixture does not: shared storages, offsets, non-contiguous strides, other dtypes, deflate, ZIP64,
 * parameters, nested training checkpoints and protocol 4.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  SHARED_FIXTURES,
  float32Bytes,
  op,
  stateDictPickle,
  torchZipBytes,
  type PickledTensor,
} from '../../../../test/fixtures/bad-checkpoints/builders'
import { openCheckpointFile } from './open-checkpoint'
import { openTorchZip } from './torch-zip'

let folder = ''
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'torch-zip-test-'))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

function write(name: string, bytes: Uint8Array): string {
  const path = join(folder, name)
  writeFileSync(path, bytes)
  return path
}

/** ViTForImageClassification (doc §2.4): `vit.` body without pooler + classifier; N = (S/p)^2 patches + CLS. */
function vitClassifierShapes(c: Record<string, number>): Record<string, number[]> {
  const H = c.hidden_size
  const I = c.intermediate_size
  const tokens = (c.image_size / c.patch_size) ** 2 + 1
  const shapes: Record<string, number[]> = {
    'vit.embeddings.cls_token': [1, 1, H],
    'vit.embeddings.position_embeddings': [1, tokens, H],
    'vit.embeddings.patch_embeddings.projection.weight': [H, c.num_channels, c.patch_size, c.patch_size],
    'vit.embeddings.patch_embeddings.projection.bias': [H],
    'vit.layernorm.weight': [H],
    'vit.layernorm.bias': [H],
    'classifier.weight': [2, H], // no id2label in the config: transformers' default of 2 labels
    'classifier.bias': [2],
  }
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `vit.encoder.layer.${i}.`
    for (const m of ['query', 'key', 'value']) Object.assign(shapes, { [`${p}attention.attention.${m}.weight`]: [H, H], [`${p}attention.attention.${m}.bias`]: [H] })
    Object.assign(shapes, {
      [`${p}attention.output.dense.weight`]: [H, H],
      [`${p}attention.output.dense.bias`]: [H],
      [`${p}intermediate.dense.weight`]: [I, H],
      [`${p}intermediate.dense.bias`]: [I],
      [`${p}output.dense.weight`]: [H, I],
      [`${p}output.dense.bias`]: [H],
      [`${p}layernorm_before.weight`]: [H],
      [`${p}layernorm_before.bias`]: [H],
      [`${p}layernorm_after.weight`]: [H],
      [`${p}layernorm_after.bias`]: [H],
    })
  }
  return shapes
}

describe('the vit-dummy-bin fixture', () => {
  const path = join(SHARED_FIXTURES, 'vit-dummy-bin', 'pytorch_model.bin')

  it('opens with the 24 tensors its config.json implies, all F32', async () => {
    const config = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'vit-dummy-bin', 'config.json'), 'utf8'))
    const file = await openTorchZip(path)
    expect(file.archiveRoot).toBe('pytorch_model/') // PROVENANCE.md
    expect(file.version).toBe('3')
    expect(file.skipped).toEqual([])
    const actual = Object.fromEntries([...file.tensors].map(([n, info]) => [n, [...info.shape]]))
    expect(actual).toEqual(vitClassifierShapes(config))
    expect(file.tensors.size).toBe(24)
    expect([...file.tensors.values()].every((t) => t.dtype === 'F32')).toBe(true)
  })

  it('reads LayerNorm weights as ones and biases as zeros (HF initialisation)', async () => {
    const file = await openCheckpointFile(path)
    expect(file.format).toBe('torch-zip')
    expect([...(await file.readTensor('vit.layernorm.weight')).toFloat32()]).toEqual([1, 1, 1, 1, 1])
    expect([...(await file.readTensor('classifier.bias')).toFloat32()]).toEqual([0, 0])
  })
})

describe('hand-built archives', () => {
  const storage = float32Bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])

  it('honours storage offsets, shared storages and non-contiguous strides', async () => {
    const tensors: PickledTensor[] = [
      { name: 'whole', storage: 'FloatStorage', key: '0', numel: 12, shape: [3, 4] },
      // Same storage (tied weights), starting at element 4: rows 1..2 of `whole`.
      { name: 'tail', storage: 'FloatStorage', key: '0', numel: 12, offset: 4, shape: [2, 4] },
      // The transpose of `whole`: size [4, 3], stride [1, 4].
      { name: 'transposed', storage: 'FloatStorage', key: '0', numel: 12, shape: [4, 3], stride: [1, 4] },
      // Every other element of row 0, with an offset: elements 1 and 3.
      { name: 'strided', storage: 'FloatStorage', key: '0', numel: 12, offset: 1, shape: [2], stride: [2] },
      // Size-1 dims may have any stride (torch writes 0 or the row-major one).
      { name: 'column', storage: 'FloatStorage', key: '0', numel: 12, offset: 2, shape: [3, 1], stride: [4, 0] },
      { name: 'scalar', storage: 'FloatStorage', key: '0', numel: 12, offset: 11, shape: [], stride: [] },
    ]
    const file = await openTorchZip(write('views.bin', torchZipBytes(stateDictPickle(tensors), { '0': storage })))
    const values = async (name: string) => [...(await file.readTensor(name)).toFloat32()]
    expect(await values('whole')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(await values('tail')).toEqual([4, 5, 6, 7, 8, 9, 10, 11])
    expect(await values('transposed')).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
    expect(await values('strided')).toEqual([1, 3])
    expect(await values('column')).toEqual([2, 6, 10])
    expect(await values('scalar')).toEqual([11])
    expect(file.tensors.get('transposed')!.shape).toEqual([4, 3])
  })

  it('maps storage types to dtypes and reads deflated entries', async () => {
    const tensors: PickledTensor[] = [
      { name: 'half', storage: 'HalfStorage', key: 'h', numel: 2, shape: [2] },
      { name: 'bf16', storage: 'BFloat16Storage', key: 'b', numel: 2, shape: [2] },
      { name: 'long', storage: 'LongStorage', key: 'l', numel: 2, shape: [2] },
      { name: 'double', storage: 'DoubleStorage', key: 'd', numel: 1, shape: [1] },
      { name: 'mask', storage: 'BoolStorage', key: 'm', numel: 3, shape: [3] },
      { name: 'bytes', storage: 'ByteStorage', key: 'u', numel: 1, shape: [1] },
      { name: 'chars', storage: 'CharStorage', key: 'c', numel: 1, shape: [1] },
      { name: 'shorts', storage: 'ShortStorage', key: 's', numel: 1, shape: [1] },
      { name: 'ints', storage: 'IntStorage', key: 'i', numel: 1, shape: [1] },
    ]
    const hex = (h: string) => Buffer.from(h, 'hex')
    const storages = {
      h: hex('003c00c1'), // F16 1, -2.5
      b: hex('803f20c0'), // BF16 1, -2.5
      l: hex('fdffffffffffffff0500000000000000'), // I64 -3, 5
      d: hex('00000000000004c0'), // F64 -2.5
      m: hex('010001'),
      u: hex('c8'),
      c: hex('fd'),
      s: hex('fdff'),
      i: hex('fdffffff'),
    }
    const pickle = stateDictPickle(tensors)
    // Deflate everything except data.pkl to exercise the inflate path.
    const bytes = torchZipBytes(pickle, {}, { extra: Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data, method: 8 as const })) })
    const file = await openTorchZip(write('dtypes.bin', bytes))
    const got = async (name: string) => {
      const t = await file.readTensor(name)
      return [t.dtype, [...t.toFloat32()]]
    }
    expect(await got('half')).toEqual(['F16', [1, -2.5]])
    expect(await got('bf16')).toEqual(['BF16', [1, -2.5]])
    expect(await got('long')).toEqual(['I64', [-3, 5]])
    expect(await got('double')).toEqual(['F64', [-2.5]])
    expect(await got('mask')).toEqual(['BOOL', [1, 0, 1]])
    expect(await got('bytes')).toEqual(['U8', [200]])
    expect(await got('chars')).toEqual(['I8', [-3]])
    expect(await got('shorts')).toEqual(['I16', [-3]])
    expect(await got('ints')).toEqual(['I32', [-3]])
  })

  it('inflates a deflated storage once for all the tensors that share it', async () => {
    const tensors: PickledTensor[] = [
      { name: 'a', storage: 'FloatStorage', key: '0', numel: 12, shape: [6] },
      { name: 'b', storage: 'FloatStorage', key: '0', numel: 12, offset: 6, shape: [6] },
    ]
    const bytes = torchZipBytes(stateDictPickle(tensors), {}, { extra: [{ name: 'archive/data/0', data: storage, method: 8 }] })
    const path = write('shared-deflated.bin', bytes)
    const file = await openTorchZip(path)
    expect([...(await file.readTensor('a')).toFloat32()]).toEqual([0, 1, 2, 3, 4, 5])
    // The file is gone: the second tensor can only come from the storage inflated for the first.
    rmSync(path)
    expect([...(await file.readTensor('b')).toFloat32()]).toEqual([6, 7, 8, 9, 10, 11])
  })

  it('reads ZIP64 archives', async () => {
    const pickle = stateDictPickle([{ name: 'w', storage: 'FloatStorage', key: '0', numel: 3, shape: [3] }])
    const file = await openTorchZip(write('zip64.bin', torchZipBytes(pickle, { '0': float32Bytes([7, 8, 9]) }, { zip: { zip64: true } })))
    expect([...(await file.readTensor('w')).toFloat32()]).toEqual([7, 8, 9])
  })

  it('unwraps parameters, BUILD state on the OrderedDict, nested training checkpoints and protocol 4', async () => {
    // {'epoch': 3, 'state_dict': OrderedDict(w=Parameter(tensor))} with OrderedDict._metadata set through BUILD,
    // written with protocol-4 opcodes (FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE).
    const g = (module: string, name: string) => [...op.shortUnicode(module), ...op.shortUnicode(name), ...op.stackGlobal(), ...op.memoize()]
    const bytes = Uint8Array.from([
      ...op.proto(4), 0x95, 0, 0, 0, 0, 0, 0, 0, 0, // FRAME with an (ignored) length
      ...op.emptyDict(), ...op.memoize(), ...op.mark(),
      ...op.shortUnicode('epoch'), ...op.int(3),
      ...op.shortUnicode('state_dict'), ...g('collections', 'OrderedDict'), ...op.emptyTuple(), ...op.reduce(), ...op.memoize(),
      ...op.mark(), ...op.shortUnicode('w'),
      ...g('torch._utils', '_rebuild_parameter'),
      ...g('torch._utils', '_rebuild_tensor_v2'), ...op.mark(),
      ...op.mark(), ...op.shortUnicode('storage'), ...g('torch', 'FloatStorage'), ...op.shortUnicode('0'), ...op.shortUnicode('cpu'), ...op.int(2), ...op.tuple(), ...op.binPersId(),
      ...op.int(0), ...op.int(2), ...op.tuple1(), ...op.int(1), ...op.tuple1(), ...op.newFalse(),
      ...g('collections', 'OrderedDict'), ...op.emptyTuple(), ...op.reduce(), ...op.tuple(), ...op.reduce(), // rebuilt tensor
      0x88, ...g('collections', 'OrderedDict'), ...op.emptyTuple(), ...op.reduce(), ...op.tuple3(), ...op.reduce(), // Parameter(t, True, hooks)
      ...op.setItems(),
      ...op.emptyDict(), ...op.shortUnicode('_metadata'), ...op.emptyDict(), 0x73, ...op.build(), // BUILD {'_metadata': {}}
      ...op.setItems(), ...op.stop(),
    ])
    const file = await openTorchZip(write('nested.bin', torchZipBytes(bytes, { '0': float32Bytes([0.5, -1]) })))
    expect([...file.tensors.keys()]).toEqual(['w'])
    expect([...(await file.readTensor('w')).toFloat32()]).toEqual([0.5, -1])
  })

  it('accepts a storage entry written without the byteorder record (torch < 1.10)', async () => {
    const pickle = stateDictPickle([{ name: 'w', storage: 'FloatStorage', key: '0', numel: 1, shape: [1] }])
    const file = await openTorchZip(write('old.bin', torchZipBytes(pickle, { '0': float32Bytes([4]) }, { byteorder: null })))
    expect([...(await file.readTensor('w')).toFloat32()]).toEqual([4])
  })
})
