/**
 * Tokenizers trained on a slice of Moby-Dick. Independent truth: @huggingface/tokenizers (pure JS port of HF
 * tokenizers) loading the files we write, and the BERT / GPT-2 tokenizer files in /work/shared/fixtures.
 * (Debian python3 has neither `tokenizers` nor `transformers` here, so no Python cross-check runs.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Tokenizer } from '@huggingface/tokenizers'
import { getCorpus, type TextCorpus } from '../corpora'
import { bertWords } from './bert-text'
import { ByteLevelBpeTokenizer } from './bpe'
import { trainByteLevelBpe } from './bpe-trainer'
import { loadTokenizer, readBertVocab } from './load-tokenizer'
import { writeTokenizerFiles } from './tokenizer-json'
import { WordPieceTokenizer } from './wordpiece'
import { trainWordPiece } from './wordpiece-trainer'

const FIXTURES = '/work/shared/fixtures'
const documents = (getCorpus('moby-dick') as TextCorpus).loadDocuments()
// Training slice: the first 40 chapters; held-out paragraphs come from later chapters.
const trainingText = documents.slice(0, 43).map((d) => d.text)
const heldOut = documents
  .slice(100, 104)
  .map((d) => d.text)
  .join('\n\n')
  .slice(0, 12_000)

let dir: string
let wordPiece: WordPieceTokenizer
let bpe: ByteLevelBpeTokenizer

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ligo-tok-'))
  wordPiece = trainWordPiece(trainingText, { vocabSize: 4000 })
  bpe = trainByteLevelBpe(trainingText, { vocabSize: 4000 })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('WordPiece trainer', () => {
  it('respects the vocabulary size and puts the special tokens first', () => {
    expect(wordPiece.vocabSize).toBe(4000)
    expect(wordPiece.vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'])
    expect(wordPiece.specialIds).toEqual({ pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 })
    expect(new Set(wordPiece.vocab).size).toBe(4000)
    expect(wordPiece.vocab).toContain('whale')
  })

  it('round trips: decode(encode(text)) is the normalised, pre-tokenised text', () => {
    const ids = wordPiece.encode(trainingText[10])
    expect(ids).not.toContain(wordPiece.specialIds.unk)
    expect(wordPiece.decode(ids)).toBe(bertWords(trainingText[10]).join(' '))
    expect(wordPiece.decode(wordPiece.encode('Café NAÏVE — Whale!'))).toBe('cafe naive — whale !')
  })

  it('encodes greedily longest-match-first with ## continuations', () => {
    const tiny = new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', 'unaff', '##aff', '##able', '##a', '##ble', 'x'])
    expect(tiny.encode('unaffable x')).toEqual([6, 8, 11])
    expect(tiny.encode('unable')).toEqual([5, 8])
    expect(tiny.encode('unablx')).toEqual([1])
    expect(tiny.encode('unq [SEP]')).toEqual([1, 3])
  })

  it('its tokenizer.json gives identical ids in @huggingface/tokenizers', () => {
    const out = join(dir, 'wordpiece')
    expect(writeTokenizerFiles(out, wordPiece).sort()).toEqual(['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt'])
    const hf = new Tokenizer(JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')))
    const ours = wordPiece.encode(heldOut)
    expect(ours.length).toBeGreaterThan(2000)
    expect(hf.encode(heldOut, { add_special_tokens: false }).ids).toEqual(ours)
    // The post-processor adds [CLS] ... [SEP] like BERT's.
    expect(hf.encode('call me ishmael').ids).toEqual([2, ...wordPiece.encode('call me ishmael'), 3])
    // vocab.txt alone rebuilds the same tokenizer.
    expect(loadTokenizer(join(out, 'vocab.txt')).encode(heldOut)).toEqual(ours)
    expect(readBertVocab(join(out, 'vocab.txt'))).toEqual(wordPiece.vocab)
  })
})

describe('byte-level BPE trainer', () => {
  it('respects the vocabulary size, keeps all 256 bytes and ends with <|endoftext|>', () => {
    expect(bpe.vocabSize).toBe(4000)
    expect(bpe.vocab[3999]).toBe('<|endoftext|>')
    expect(bpe.specialIds).toEqual({ bos: 3999, eos: 3999 })
    expect(bpe.vocab.slice(0, 256).every((t) => [...t].length === 1)).toBe(true)
    expect(bpe.merges.length).toBeGreaterThanOrEqual(4000 - 257)
  })

  it('round trips any string byte-exactly, unicode and emoji included', () => {
    const samples = [heldOut, 'naïve café — 日本語 テキスト', 'emoji 👋🏽👨‍👩‍👧 ok', '  tabs\tand\r\nnewlines  \u0000 \ufffd', "it's they're <|endoftext|> end"]
    for (const s of samples) expect(bpe.decode(bpe.encode(s))).toBe(s)
    expect(bpe.encode('a<|endoftext|>b')).toContain(3999)
  })

  it('its tokenizer.json gives identical ids in @huggingface/tokenizers, and vocab.json + merges.txt load the same', () => {
    const out = join(dir, 'bpe')
    expect(writeTokenizerFiles(out, bpe).sort()).toEqual(['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json'])
    const hf = new Tokenizer(JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')), {})
    const text = heldOut + ' 👋🏽 naïve 日本'
    const ours = bpe.encode(text)
    expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(ours)
    expect(hf.decode(ours)).toBe(text)
    rmSync(join(out, 'tokenizer.json'))
    expect(loadTokenizer(out).encode(text)).toEqual(ours)
  })
})

describe('checkpoint tokenizers (fixtures)', () => {
  const sentence = 'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, I thought I would sail about.'

  it('BERT vocab.txt gives the ids of the fixture tokenizer.json', () => {
    const bertDir = join(FIXTURES, 'bert-tiniest-lmhead')
    const reference = new Tokenizer(JSON.parse(readFileSync(join(bertDir, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(bertDir, 'tokenizer_config.json'), 'utf8')))
    const expected = reference.encode(sentence, { add_special_tokens: false }).ids
    const fromVocab = loadTokenizer(join(bertDir, 'vocab.txt'))
    expect(fromVocab.encode(sentence)).toEqual(expected)
    expect(fromVocab.vocabSize).toBe(30522)
    expect(fromVocab.specialIds).toEqual({ pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 })
    // Our own encoder on the same vocabulary agrees too (Google's uncased vocab, 30,522 tokens).
    expect(new WordPieceTokenizer(readBertVocab(join(bertDir, 'vocab.txt'))).encode(heldOut)).toEqual(reference.encode(heldOut, { add_special_tokens: false }).ids)
    // Hand-checked against bert-base-uncased: "call"=2655 "me"=2033 "ishmael" -> ish ##mael.
    expect(expected.slice(0, 2)).toEqual([2655, 2033])
  })

  it('GPT-2 folder loads through tokenizer.json, and vocab.json + merges.txt give the same ids', () => {
    const gptDir = join(FIXTURES, 'gpt2-fake-lmhead')
    const loaded = loadTokenizer(gptDir)
    expect(loaded.kind).toBe('bpe')
    expect(loaded.vocabSize).toBe(50257)
    expect(loaded.specialIds.eos).toBe(50256)
    // GPT-2: "Call" = 14134, " me" = 502 (openai-community/gpt2 vocab).
    expect(loaded.encode('Call me')).toEqual([14134, 502])
    const vocab = JSON.parse(readFileSync(join(gptDir, 'vocab.json'), 'utf8')) as Record<string, number>
    const byId: string[] = []
    for (const [t, id] of Object.entries(vocab)) byId[id] = t
    const merges = readFileSync(join(gptDir, 'merges.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(' ') as [string, string])
    const ours = new ByteLevelBpeTokenizer(byId, merges)
    expect(ours.encode(heldOut)).toEqual(loaded.encode(heldOut))
  })

  it('says what is missing when a folder has no tokenizer', () => {
    expect(() => loadTokenizer(join(FIXTURES, 'vit-dummy-bin'))).toThrow(
      `No tokenizer found in ${join(FIXTURES, 'vit-dummy-bin')}. Expected one of: tokenizer.json, vocab.txt (BERT WordPiece), vocab.json + merges.txt (GPT-2 BPE)`,
    )
  })
})
