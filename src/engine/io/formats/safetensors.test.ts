/**
 * safetensors reader and writer. Independent truths used here:
 * - names and shapes of the real fixtures derived from each fixture's config.json and the architecture tables of
 *   docs/formats/checkpoints.md §2 (not from our reader);
 * - byte vectors from the reference implementation's own tests (huggingface/safetensors tensor.rs
 *   `test_serialization`, `test_empty`, `test_serialization_forced_alignement`);
 * - bit patterns of each dtype computed by hand;
 * - byte-identical rewrites of every fixture written by the reference writer.
 * Values of the fixtures against an independent Python reader are checked in test/reference.
 */
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../../../../test/fixtures/bad-checkpoints/builders'
import { CheckpointFormatError } from './errors'
import { openSafetensors, writeSafetensors, type TensorToWrite } from './safetensors'
import { openSafetensorsIndex, writeSafetensorsSharded, formatIndexJson } from './safetensors-index'
import { openCheckpointFile } from './open-checkpoint'

let folder = ''
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'safetensors-test-'))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const fixture = (name: string): string => join(SHARED_FIXTURES, name, 'model.safetensors')
const config = (name: string): Record<string, number | null> => JSON.parse(readFileSync(join(SHARED_FIXTURES, name, 'config.json'), 'utf8'))

/** BertLMHeadModel (doc §2.1): `bert.` body without pooler + cls.predictions head, tied decoder omitted. */
function bertLmHeadShapes(c: Record<string, number | null>): Record<string, number[]> {
  const H = c.hidden_size!
  const I = c.intermediate_size!
  const shapes: Record<string, number[]> = {
    'bert.embeddings.word_embeddings.weight': [c.vocab_size!, H],
    'bert.embeddings.position_embeddings.weight': [c.max_position_embeddings!, H],
    'bert.embeddings.token_type_embeddings.weight': [c.type_vocab_size!, H],
    'bert.embeddings.LayerNorm.weight': [H],
    'bert.embeddings.LayerNorm.bias': [H],
    'cls.predictions.transform.dense.weight': [H, H],
    'cls.predictions.transform.dense.bias': [H],
    'cls.predictions.transform.LayerNorm.weight': [H],
    'cls.predictions.transform.LayerNorm.bias': [H],
    'cls.predictions.bias': [c.vocab_size!],
  }
  for (let i = 0; i < c.num_hidden_layers!; i++) {
    const p = `bert.encoder.layer.${i}.`
    for (const m of ['query', 'key', 'value']) Object.assign(shapes, { [`${p}attention.self.${m}.weight`]: [H, H], [`${p}attention.self.${m}.bias`]: [H] })
    Object.assign(shapes, {
      [`${p}attention.output.dense.weight`]: [H, H],
      [`${p}attention.output.dense.bias`]: [H],
      [`${p}attention.output.LayerNorm.weight`]: [H],
      [`${p}attention.output.LayerNorm.bias`]: [H],
      [`${p}intermediate.dense.weight`]: [I, H],
      [`${p}intermediate.dense.bias`]: [I],
      [`${p}output.dense.weight`]: [H, I],
      [`${p}output.dense.bias`]: [H],
      [`${p}output.LayerNorm.weight`]: [H],
      [`${p}output.LayerNorm.bias`]: [H],
    })
  }
  return shapes
}

/** GPT2Model (doc §2.3), Conv1D weights [in, out]; I = n_inner or 4H; `prefix` 'transformer.' for the LM head model. */
function gpt2Shapes(c: Record<string, number | null>, prefix: string): Record<string, number[]> {
  const H = c.n_embd!
  const I = c.n_inner ?? 4 * H
  const shapes: Record<string, number[]> = {
    [`${prefix}wte.weight`]: [c.vocab_size!, H],
    [`${prefix}wpe.weight`]: [c.n_positions!, H],
    [`${prefix}ln_f.weight`]: [H],
    [`${prefix}ln_f.bias`]: [H],
  }
  for (let i = 0; i < c.n_layer!; i++) {
    const p = `${prefix}h.${i}.`
    Object.assign(shapes, {
      [`${p}ln_1.weight`]: [H],
      [`${p}ln_1.bias`]: [H],
      [`${p}attn.c_attn.weight`]: [H, 3 * H],
      [`${p}attn.c_attn.bias`]: [3 * H],
      [`${p}attn.c_proj.weight`]: [H, H],
      [`${p}attn.c_proj.bias`]: [H],
      [`${p}ln_2.weight`]: [H],
      [`${p}ln_2.bias`]: [H],
      [`${p}mlp.c_fc.weight`]: [H, I],
      [`${p}mlp.c_fc.bias`]: [I],
      [`${p}mlp.c_proj.weight`]: [I, H],
      [`${p}mlp.c_proj.bias`]: [H],
    })
  }
  return shapes
}

const FIXTURES: Array<[string, number, () => Record<string, number[]>]> = [
  ['bert-tiniest-lmhead', 26, () => bertLmHeadShapes(config('bert-tiniest-lmhead'))],
  ['gpt2-tiny-model', 16, () => gpt2Shapes(config('gpt2-tiny-model'), '')],
  ['gpt2-fake-lmhead', 16, () => gpt2Shapes(config('gpt2-fake-lmhead'), 'transformer.')],
]

describe('reading the shared fixtures', () => {
  it.each(FIXTURES)('%s has the tensors its config.json implies', async (name, count, expectedShapes) => {
    const file = await openSafetensors(fixture(name))
    const expected = expectedShapes()
    expect(Object.keys(expected)).toHaveLength(count) // PROVENANCE.md tensor counts
    const actual = Object.fromEntries([...file.tensors].map(([n, info]) => [n, [...info.shape]]))
    expect(actual).toEqual(expected)
    expect([...file.tensors.values()].every((t) => t.dtype === 'F32')).toBe(true)
    expect(file.metadata).toEqual({ format: 'pt' })
    // PROVENANCE.md: the header length is a multiple of 8 (1200, 1392, 2744 bytes).
    expect(file.headerLength % 8).toBe(0)
  })

  it('reads a tensor as F32 with the shape and byte count from the header', async () => {
    const file = await openSafetensors(fixture('gpt2-tiny-model'))
    const wte = await file.readTensor('wte.weight')
    expect(wte.shape).toEqual([21, 2])
    expect(wte.data).toBeInstanceOf(Float32Array)
    expect(wte.data.length).toBe(42)
    expect(wte.toFloat32()).toBe(wte.data) // F32 needs no conversion
    await expect(file.readTensor('nope')).rejects.toThrow("model.safetensors: no tensor named 'nope' (the file has 16)")
  })

  it('is dispatched by openCheckpointFile from its magic bytes', async () => {
    const reader = await openCheckpointFile(fixture('bert-tiniest-lmhead'))
    expect(reader.format).toBe('safetensors')
    expect(reader.tensors.size).toBe(26)
  })
})

describe('writing like the reference writer', () => {
  it.each(FIXTURES.map(([name]) => name))('rewrites %s byte for byte', async (name) => {
    const source = await openSafetensors(fixture(name))
    const tensors: TensorToWrite[] = []
    for (const tensorName of source.tensors.keys()) tensors.push(await source.readTensor(tensorName))
    const out = join(folder, `${name}.safetensors`)
    await writeSafetensors(out, tensors.reverse(), source.rawMetadata) // input order must not matter
    expect(Buffer.compare(readFileSync(out), readFileSync(fixture(name)))).toBe(0)
  })

  /** Expected bytes from the reference implementation's tests in safetensors/src/tensor.rs. */
  it('matches the reference test vectors', async () => {
    const values = Float32Array.of(0, 1, 2, 3, 4, 5)
    const data = Buffer.from(values.buffer)
    const cases: Array<[TensorToWrite[], Record<string, string> | null, string]> = [
      [[{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], data: values }], null, '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'],
      [[{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], data: values }], null, '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       '],
      [[], null, '{}      '],
      [[], { framework: 'pt' }, '{"__metadata__":{"framework":"pt"}}     '],
    ]
    for (const [tensors, metadata, header] of cases) {
      const out = join(folder, 'vector.safetensors')
      await writeSafetensors(out, tensors, metadata)
      const length = Buffer.alloc(8)
      length.writeBigUInt64LE(BigInt(header.length))
      const expected = Buffer.concat([length, Buffer.from(header), tensors.length > 0 ? data : Buffer.alloc(0)])
      expect(readFileSync(out).toString('hex')).toBe(expected.toString('hex'))
    }
  })

  it('writes and reads back every dtype with the right bit patterns, sorted by dtype then name', async () => {
    const out = join(folder, 'dtypes.safetensors')
    const tensors: TensorToWrite[] = [
      { name: 'bool', dtype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) },
      { name: 'u8', dtype: 'U8', shape: [1], data: Uint8Array.of(200) },
      { name: 'i8', dtype: 'I8', shape: [1], data: Int8Array.of(-3) },
      { name: 'i16', dtype: 'I16', shape: [1], data: Int16Array.of(-3) },
      { name: 'f16', dtype: 'F16', shape: [2], data: Float32Array.of(1, -2.5) }, // converted on write
      { name: 'bf16', dtype: 'BF16', shape: [2], data: Float32Array.of(1, -2.5) },
      { name: 'i32', dtype: 'I32', shape: [1], data: Int32Array.of(-3) },
      { name: 'f32', dtype: 'F32', shape: [], data: Float32Array.of(-2.5) },
      { name: 'f64', dtype: 'F64', shape: [1], data: Float64Array.of(-2.5) },
      { name: 'i64', dtype: 'I64', shape: [1], data: BigInt64Array.of(-3n) },
      { name: 'empty', dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
    ]
    await writeSafetensors(out, tensors, { format: 'pt' })
    const bytes = readFileSync(out)
    const n = Number(bytes.readBigUInt64LE(0))
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString())
    // safetensors Dtype enum order, descending: I64 F64 F32 I32 BF16 F16 I16 I8 U8 BOOL; names ascending within F32.
    expect(Object.keys(header)).toEqual(['__metadata__', 'i64', 'f64', 'empty', 'f32', 'i32', 'bf16', 'f16', 'i16', 'i8', 'u8', 'bool'])
    const data = bytes.subarray(8 + n).toString('hex')
    const expectedHex = [
      'fdffffffffffffff', // I64 -3
      '00000000000004c0', // F64 -2.5 = 0xc004000000000000
      '', // empty F32 [0,3]
      '000020c0', // F32 -2.5 = 0xc0200000
      'fdffffff', // I32 -3
      '803f20c0', // BF16 1 = 0x3f80, -2.5 = 0xc020
      '003c00c1', // F16 1 = 0x3c00, -2.5 = 0xc100
      'fdff', // I16 -3
      'fd', // I8 -3
      'c8', // U8 200
      '0100', // BOOL
    ].join('')
    expect(data).toBe(expectedHex)

    const file = await openSafetensors(out)
    const read = async (name: string) => [...(await file.readTensor(name)).toFloat32()]
    expect(await read('i64')).toEqual([-3])
    expect(await read('f64')).toEqual([-2.5])
    expect(await read('f32')).toEqual([-2.5])
    expect(await read('i32')).toEqual([-3])
    expect(await read('bf16')).toEqual([1, -2.5])
    expect(await read('f16')).toEqual([1, -2.5])
    expect(await read('i16')).toEqual([-3])
    expect(await read('i8')).toEqual([-3])
    expect(await read('u8')).toEqual([200])
    expect(await read('bool')).toEqual([1, 0])
    expect(await read('empty')).toEqual([])
    expect((await file.readTensor('i64')).data).toBeInstanceOf(BigInt64Array)
    expect((await file.readTensor('f16')).data).toBeInstanceOf(Uint16Array)
    expect(file.tensors.get('f32')!.shape).toEqual([])
  })

  it('refuses tensors that do not match their declaration', async () => {
    const out = join(folder, 'bad-write.safetensors')
    await expect(writeSafetensors(out, [{ name: 'w', dtype: 'F32', shape: [2, 3], data: new Float32Array(5) }], null)).rejects.toThrow(
      "bad-write.safetensors: tensor 'w': shape [2,3] needs 6 values, got 5",
    )
    await expect(writeSafetensors(out, [{ name: 'w', dtype: 'I32', shape: [1], data: new Float32Array(1) }], null)).rejects.toThrow(
      "tensor 'w': dtype I32 needs a Int32Array, got a Float32Array",
    )
    const w = { name: 'w', dtype: 'F32', shape: [1], data: new Float32Array(1) } as const
    await expect(writeSafetensors(out, [w, w], null)).rejects.toThrow("tensor 'w' is listed twice")
    expect(existsSync(out)).toBe(false)
  })
})

describe('lazy reads', () => {
  it('reads each tensor from disk when asked, and refuses a file that changed size', async () => {
    const out = join(folder, 'lazy.safetensors')
    await writeSafetensors(out, [
      { name: 'a', dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) },
      { name: 'b', dtype: 'F32', shape: [2], data: Float32Array.of(3, 4) },
    ], null)
    const file = await openSafetensors(out)
    // Overwrite b's bytes in place (same size): the handle reads the new values, so nothing was cached at open.
    const bytes = readFileSync(out)
    const [begin] = file.tensors.get('b')!.dataOffsets
    Buffer.from(Float32Array.of(30, 40).buffer).copy(bytes, 8 + file.headerLength + begin)
    writeFileSync(out, bytes)
    expect([...(await file.readTensor('a')).toFloat32()]).toEqual([1, 2])
    expect([...(await file.readTensor('b')).toFloat32()]).toEqual([30, 40])
    appendFileSync(out, Buffer.from([0]))
    const error = await file.readTensor('a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointFormatError)
    expect((error as Error).message).toBe(`lazy.safetensors: file changed since it was opened (was ${bytes.length} bytes, now ${bytes.length + 1})`)
  })
})

describe('sharded checkpoints', () => {
  const tensors: TensorToWrite[] = [
    { name: 'emb', dtype: 'F32', shape: [4, 2], data: Float32Array.from({ length: 8 }, (_, i) => i) }, // 32 bytes
    { name: 'layer.0.w', dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, // 16 bytes
    { name: 'layer.0.b', dtype: 'F32', shape: [2], data: Float32Array.of(5, 6) }, // 8 bytes
    { name: 'head', dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0xc100) }, // 4 bytes
  ]

  it('writes shards and an index above the size limit, and reads them back as one checkpoint', async () => {
    const out = mkdtempSync(join(folder, 'sharded-'))
    const result = await writeSafetensorsSharded(out, tensors, { format: 'pt' }, { maxShardBytes: 32 })
    // Greedy in order: [emb] (32), [layer.0.w, layer.0.b] (24; + head would be 28 <= 32, so head joins) -> 2 shards.
    expect(readdirSync(out).sort()).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json'])
    expect(result.indexPath).toBe(join(out, 'model.safetensors.index.json'))
    // The exact text transformers writes: json.dumps(index, indent=2, sort_keys=True) + "\n".
    expect(readFileSync(result.indexPath!, 'utf8')).toBe(
      '{\n  "metadata": {\n    "total_size": 60\n  },\n  "weight_map": {\n' +
        '    "emb": "model-00001-of-00002.safetensors",\n    "head": "model-00002-of-00002.safetensors",\n' +
        '    "layer.0.b": "model-00002-of-00002.safetensors",\n    "layer.0.w": "model-00002-of-00002.safetensors"\n  }\n}\n',
    )
    const sharded = await openSafetensorsIndex(result.indexPath!)
    expect(sharded.shards).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'])
    expect(sharded.metadata).toEqual({ format: 'pt' })
    expect([...sharded.tensors.keys()].sort()).toEqual(['emb', 'head', 'layer.0.b', 'layer.0.w'])
    expect([...(await sharded.readTensor('layer.0.b')).toFloat32()]).toEqual([5, 6])
    expect([...(await sharded.readTensor('head')).toFloat32()]).toEqual([1, -2.5])
    const viaDispatch = await openCheckpointFile(result.indexPath!)
    expect(viaDispatch.format).toBe('sharded')
  })

  it('writes a single model.safetensors when everything fits', async () => {
    const out = mkdtempSync(join(folder, 'single-'))
    const result = await writeSafetensorsSharded(out, tensors, { format: 'pt' }, { maxShardBytes: 1000 })
    expect(result.indexPath).toBeNull()
    expect(readdirSync(out)).toEqual(['model.safetensors'])
  })

  it('escapes non-ASCII names in the index as Python does', () => {
    expect(formatIndexJson(4, { 'é': 'a.safetensors' })).toContain('"\\u00e9": "a.safetensors"')
  })
})

describe('protected sources', () => {
  it('refuses to overwrite the checkpoint being exported, even through a hard link', async () => {
    const source = join(folder, 'source.safetensors')
    await writeSafetensors(source, [{ name: 'w', dtype: 'F32', shape: [1], data: Float32Array.of(1) }], null)
    const before = readFileSync(source)
    const tensors: TensorToWrite[] = [{ name: 'w', dtype: 'F32', shape: [1], data: Float32Array.of(2) }]
    await expect(writeSafetensors(source, tensors, null, { protectedPaths: [source] })).rejects.toThrow('refusing to overwrite')
    const alias = join(folder, 'alias.safetensors')
    linkSync(source, alias)
    await expect(writeSafetensors(alias, tensors, null, { protectedPaths: [source] })).rejects.toThrow('it is a source file of this export')
    expect(readFileSync(source)).toEqual(before)
  })
})
