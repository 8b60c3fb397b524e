import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SNIFF_HEAD_BYTES } from '../../shared'
import { inspectPath, sniffBytes, topLevelJsonKeys, zipEntryNamesInHead } from './sniff'

const FIXTURES = '/work/shared/fixtures'
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const sniffText = (name: string, s: string) => sniffBytes(name, text(s).length, text(s))
const sniffWhole = (name: string, bytes: Uint8Array) => sniffBytes(name, bytes.length, bytes)
const inspect = (path: string) => inspectPath(path, statSync(path))

/** A safetensors file as the reference writer lays it out: u64 LE length, JSON header, data. */
function safetensors(tensors: Record<string, { dtype: string; shape: number[] }>, dataBytes: number): Uint8Array {
  let offset = 0
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } }
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'F16' ? 2 : 4)
    header[name] = { ...t, data_offsets: [offset, offset + size] }
    offset += size
  }
  const json = Buffer.from(JSON.stringify(header))
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(json.length))
  return Buffer.concat([length, json, Buffer.alloc(Math.max(dataBytes, offset))])
}

/** A zip local file header (STORED) followed by its data. */
function zipEntry(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(20, 4)
  header.writeUInt32LE(data.length, 18)
  header.writeUInt32LE(data.length, 22)
  header.writeUInt16LE(Buffer.byteLength(name), 26)
  return Buffer.concat([header, Buffer.from(name), data])
}

describe('sniffBytes on synthetic bytes', () => {
  it('reads a safetensors header: tensors, dtypes and parameter count', () => {
    const file = safetensors({ 'a.weight': { dtype: 'F32', shape: [3, 4] }, 'a.bias': { dtype: 'F16', shape: [4] } }, 0)
    expect(sniffWhole('w.safetensors', file)).toEqual({ kind: 'safetensors', detail: 'safetensors header of 2 tensors (F16, F32), 16 parameters' })
  })

  it('reports only the header size when the header does not fit in the head', () => {
    const many: Record<string, { dtype: string; shape: number[] }> = {}
    for (let i = 0; i < 200; i++) many[`layer.${i}.weight`] = { dtype: 'F32', shape: [1] }
    const file = safetensors(many, 0)
    const headerLength = Number(Buffer.from(file).readBigUInt64LE(0))
    expect(headerLength).toBeGreaterThan(SNIFF_HEAD_BYTES)
    expect(sniffBytes('big.safetensors', file.length, file.subarray(0, SNIFF_HEAD_BYTES))).toEqual({
      kind: 'safetensors',
      detail: `safetensors, header of ${headerLength} bytes (too long to list tensors here)`,
    })
  })

  it('does not take a header length longer than the file for safetensors', () => {
    const file = safetensors({ x: { dtype: 'F32', shape: [2] } }, 0)
    const lying = Buffer.from(file)
    lying.writeBigUInt64LE(BigInt(file.length)) // claims more header than the file has
    expect(sniffWhole('x.safetensors', lying).kind).not.toBe('safetensors')
  })

  it('tells a torch.save zip from a plain zip by its data.pkl entry', () => {
    const torch = Buffer.concat([zipEntry('archive/data.pkl', Buffer.from([0x80, 2, 0x7d, 0x2e])), zipEntry('archive/version', Buffer.from('3\n'))])
    expect(zipEntryNamesInHead(torch)).toEqual(['archive/data.pkl', 'archive/version'])
    expect(sniffWhole('model.pt', torch)).toEqual({ kind: 'pytorch-zip', detail: 'torch.save zip archive, folder "archive/"' })
    const plain = Buffer.concat([zipEntry('readme.txt', Buffer.from('hi')), zipEntry('data/x.csv', Buffer.from('1,2'))])
    expect(sniffWhole('stuff.zip', plain)).toEqual({ kind: 'zip', detail: 'zip archive, first entries: "readme.txt", "data/x.csv"' })
  })

  it('recognises the legacy torch.save magic number and plain pickles', () => {
    // python3: pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) == b'\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.'
    const legacy = Buffer.concat([Buffer.from('80028a0a6cfc9c46f9206aa850192e', 'hex'), Buffer.from([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e])])
    expect(sniffWhole('pytorch_model.bin', legacy).kind).toBe('pytorch-legacy')
    // python3: pickle.dumps({'a': 1}, protocol=4)
    const plain = Buffer.from('8004950a000000000000007d948c0161944b01732e', 'hex')
    expect(sniffWhole('x.pkl', plain)).toEqual({ kind: 'pickle', detail: 'Python pickle, protocol 4' })
  })

  it('recognises gzip (with the stored file name), PNG and JPEG sizes', () => {
    const gz = gzipSync(Buffer.from('hello'))
    expect(sniffWhole('a.gz', gz)).toEqual({ kind: 'gzip', detail: 'gzip archive' })
    const named = Buffer.from(gz)
    named[3] |= 0x08 // FNAME: a zero-terminated name follows the 10-byte header
    const withName = Buffer.concat([named.subarray(0, 10), Buffer.from('train.jsonl\0'), named.subarray(10)])
    expect(sniffWhole('a.gz', withName).detail).toBe('gzip archive of "train.jsonl"')

    const png = Buffer.alloc(33)
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0)
    png.writeUInt32BE(13, 8)
    png.write('IHDR', 12, 'latin1')
    png.writeUInt32BE(640, 16)
    png.writeUInt32BE(480, 20)
    expect(sniffWhole('cat.png', png)).toEqual({ kind: 'png', detail: 'PNG image, 640 × 480 pixels' })

    // SOI, APP0 (length 16), SOF0 (length 17: precision, height 120, width 160, ...)
    const app0 = Buffer.concat([Buffer.from([0xff, 0xe0, 0x00, 0x10]), Buffer.alloc(14)])
    const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x78, 0x00, 0xa0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    expect(sniffWhole('dog.jpg', Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0]))).toEqual({ kind: 'jpeg', detail: 'JPEG image, 160 × 120 pixels' })
  })

  it('classifies JSON by its keys: config, tokenizer, index, plain', () => {
    expect(sniffText('config.json', JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], num_hidden_layers: 12, hidden_size: 768 }))).toEqual({
      kind: 'hf-config',
      detail: 'HuggingFace config: bert (BertModel), 12 layers, hidden 768',
    })
    const tokenizer = { version: '1.0', added_tokens: [], model: { type: 'WordPiece', vocab: { a: 0, b: 1, c: 2 } } }
    expect(sniffText('tokenizer.json', JSON.stringify(tokenizer))).toEqual({ kind: 'tokenizer', detail: 'HuggingFace WordPiece tokenizer, vocabulary of 3 tokens' })
    const index = { metadata: { total_size: 10 }, weight_map: { a: 'model-1.safetensors', b: 'model-2.safetensors', c: 'model-2.safetensors' } }
    expect(sniffText('model.safetensors.index.json', JSON.stringify(index))).toEqual({
      kind: 'safetensors-index',
      detail: 'sharded checkpoint index: 3 tensors in 2 files',
    })
    expect(sniffText('x.json', '{"a": 1, "b": [1, 2]}')).toEqual({ kind: 'json', detail: 'JSON object with 2 keys: a, b' })
    expect(sniffText('x.json', '[1, 2, 3]')).toEqual({ kind: 'json', detail: 'JSON array of 3 items' })
  })

  it('scans the top-level keys of a JSON head cut in the middle', () => {
    const json = JSON.stringify({ version: '1.0', added_tokens: [{ content: '[PAD]', a: { b: 1 } }], model: { vocab: 'x'.repeat(10_000) } })
    expect(topLevelJsonKeys(json.slice(0, 200))).toEqual(['version', 'added_tokens', 'model'])
    expect(sniffBytes('tokenizer.json', json.length, text(json).subarray(0, 200))).toEqual({ kind: 'tokenizer', detail: 'HuggingFace tokenizer.json' })
  })

  it('recognises JSON lines, text, tokenizer texts, empty and unknown bytes', () => {
    expect(sniffText('train.jsonl', '{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n')).toEqual({ kind: 'jsonl', detail: 'JSON lines, 3 records' })
    const longRecord = text(`{"text": "${'x'.repeat(SNIFF_HEAD_BYTES)}"}\n{"text": "y"}\n`)
    expect(sniffBytes('big.jsonl', longRecord.length, longRecord.subarray(0, SNIFF_HEAD_BYTES))).toEqual({
      kind: 'jsonl',
      detail: 'JSON lines (the first record is longer than 4.1 KB)',
    })
    expect(sniffBytes('big.json', longRecord.length, longRecord.subarray(0, SNIFF_HEAD_BYTES)).kind).toBe('json')
    expect(sniffText('notes.md', 'line one\nline two — ünïcode\n')).toEqual({ kind: 'text', detail: 'UTF-8 text, 2 lines' })
    expect(sniffText('vocab.txt', '[PAD]\n[UNK]\nthe\n')).toEqual({ kind: 'tokenizer', detail: 'WordPiece vocabulary, 3 tokens' })
    expect(sniffText('merges.txt', '#version: 0.2\nĠ t\n')).toEqual({ kind: 'tokenizer', detail: 'BPE merges, 2 lines' })
    expect(sniffBytes('e.bin', 0, new Uint8Array())).toEqual({ kind: 'empty', detail: 'empty file (0 bytes)' })
    expect(sniffWhole('r.bin', Uint8Array.from([0x00, 0x01, 0xfe, 0xff, 0x10]))).toEqual({
      kind: 'unknown',
      detail: '5 bytes of binary data in no format LiGO Studio knows',
    })
    // invalid UTF-8 (a lone continuation byte) is not text
    expect(sniffWhole('latin1.txt', Uint8Array.from([0x61, 0x80, 0x62])).kind).toBe('unknown')
  })

  it('accepts a text head cut inside a multi-byte character', () => {
    const bytes = text(`${'a'.repeat(SNIFF_HEAD_BYTES - 1)}é and more text`)
    const cut = bytes.subarray(0, SNIFF_HEAD_BYTES)
    expect(cut[cut.length - 1]).toBe(0xc3) // the cut falls between the two bytes of "é"
    expect(sniffBytes('a.txt', bytes.length, cut).kind).toBe('text')
  })
})

describe('inspectPath on the shared fixtures (read in place)', () => {
  it('describes each safetensors file: tensor counts from PROVENANCE.md, parameter counts from a Python parse', async () => {
    // numel sums computed with Python's json + struct from the same files
    const expected: Record<string, string> = {
      'gpt2-tiny-model': 'safetensors header of 16 tensors (F32), 2,168 parameters',
      'gpt2-fake-lmhead': 'safetensors header of 16 tensors (F32), 102,640 parameters',
      'bert-tiniest-lmhead': 'safetensors header of 26 tensors (F32), 154,874 parameters',
    }
    for (const [folder, detail] of Object.entries(expected)) {
      const report = await inspect(join(FIXTURES, folder, 'model.safetensors'))
      expect(report).toMatchObject({ kind: 'safetensors', detail, isDirectory: false, source: 'path', name: 'model.safetensors' })
    }
    expect((await inspect(join(FIXTURES, 'bert-tiniest-lmhead/model.safetensors'))).sizeBytes).toBe(622_248)
  })

  it('finds the torch zip, configs and tokenizer files', async () => {
    expect(await inspect(join(FIXTURES, 'vit-dummy-bin/pytorch_model.bin'))).toMatchObject({
      kind: 'pytorch-zip',
      detail: 'torch.save zip archive, folder "pytorch_model/"',
      sizeBytes: 13_753,
    })
    expect((await inspect(join(FIXTURES, 'gpt2-tiny-model/config.json'))).detail).toBe('HuggingFace config: gpt2 (GPT2Model), 1 layer, hidden 2')
    expect((await inspect(join(FIXTURES, 'vit-dummy-bin/config.json'))).kind).toBe('hf-config')
    // 711 KB / 2.1 MB files: only their first 4 KiB is read, so the kind comes from the top-level keys
    expect((await inspect(join(FIXTURES, 'bert-tiniest-lmhead/tokenizer.json'))).kind).toBe('tokenizer')
    expect((await inspect(join(FIXTURES, 'gpt2-fake-lmhead/tokenizer.json'))).kind).toBe('tokenizer')
    expect((await inspect(join(FIXTURES, 'bert-tiniest-lmhead/vocab.txt'))).kind).toBe('tokenizer')
    expect((await inspect(join(FIXTURES, 'gpt2-tiny-model/vocab.json'))).detail).toBe('BPE vocabulary of 21 tokens')
    expect((await inspect(join(FIXTURES, 'gpt2-tiny-model/merges.txt'))).kind).toBe('tokenizer')
  })

  it('recognises every fixture folder as a HuggingFace checkpoint', async () => {
    const report = await inspect(join(FIXTURES, 'gpt2-tiny-model'))
    expect(report).toMatchObject({
      kind: 'hf-checkpoint-folder',
      isDirectory: true,
      detail: 'gpt2 (GPT2Model), 1 layer, hidden 2; weights: model.safetensors (9.9 KB); tokenizer: merges.txt, vocab.json',
    })
    // size = sum of the direct files (ls -l of the fixture folder)
    expect(report.sizeBytes).toBe(10835 + 732 + 36 + 9880 + 430 + 821 + 272)
    expect(report.entries).toEqual(['LICENSE', 'config.json', 'merges.txt', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.json'])
    expect((await inspect(join(FIXTURES, 'vit-dummy-bin'))).detail).toContain('weights: pytorch_model.bin')
  })
})

describe('inspectPath on made-up folders', () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ligo-sniff-'))
    for (const cls of ['cat', 'dog']) {
      mkdirSync(join(root, 'images', cls), { recursive: true })
      for (let i = 0; i < 3; i++) writeFileSync(join(root, 'images', cls, `${i}.png`), 'x')
    }
    mkdirSync(join(root, 'texts'))
    writeFileSync(join(root, 'texts', 'a.txt'), 'hello\n')
    writeFileSync(join(root, 'texts', 'b.txt'), 'world!\n')
    mkdirSync(join(root, 'mixed'))
    writeFileSync(join(root, 'mixed', 'a.txt'), 'a')
    writeFileSync(join(root, 'mixed', 'b.csv'), 'b')
    mkdirSync(join(root, 'many'))
    for (let i = 0; i < 60; i++) writeFileSync(join(root, 'many', `f${String(i).padStart(2, '0')}.dat`), 'z')
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('classifies image, text and plain folders', async () => {
    expect(await inspect(join(root, 'images'))).toMatchObject({ kind: 'image-folder', detail: '2 class folders, 6 images', entries: ['cat/', 'dog/'] })
    expect(await inspect(join(root, 'texts'))).toMatchObject({ kind: 'text-folder', detail: '2 text files', sizeBytes: 13 })
    expect(await inspect(join(root, 'mixed'))).toMatchObject({ kind: 'folder', detail: '2 files, 0 folders' })
  })

  it('lists at most 50 entries but sums every file size', async () => {
    const report = await inspect(join(root, 'many'))
    expect(report.entries).toHaveLength(50)
    expect(report.sizeBytes).toBe(60)
    expect(report.detail).toBe('60 files, 0 folders')
  })

  it('reports an empty file', async () => {
    writeFileSync(join(root, 'empty.bin'), '')
    expect(await inspect(join(root, 'empty.bin'))).toMatchObject({ kind: 'empty', sizeBytes: 0 })
  })
})
