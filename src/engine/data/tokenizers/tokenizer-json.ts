/**
 * HuggingFace tokenizer files, in the exact schema `tokenizers` (Rust/Python) and transformers write and read:
 * - WordPiece: tokenizer.json (BertNormalizer + BertPreTokenizer + TemplateProcessing [CLS] A [SEP]),
 *   tokenizer_config.json (BertTokenizer), special_tokens_map.json, vocab.txt (one token per line, line = id).
 * - Byte-level BPE: tokenizer.json (ByteLevel pre-tokenizer/post-processor/decoder, BPE model with merges),
 *   tokenizer_config.json (GPT2Tokenizer), special_tokens_map.json, vocab.json, merges.txt (#version: 0.2).
 * Layouts follow the files of bert-base-uncased / openai-community/gpt2 (see /work/shared/fixtures).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ByteLevelBpeTokenizer } from './bpe'
import { BPE_END_OF_TEXT, CONTINUING_SUBWORD_PREFIX, WORDPIECE_SPECIAL_TOKENS } from './types'
import { WordPieceTokenizer } from './wordpiece'

/** transformers' "no limit" (int(1e30)), written as the number it serialises to. */
const MODEL_MAX_LENGTH_UNLIMITED = 1e30

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function addedToken(id: number, content: string, normalized: boolean): { [key: string]: Json } {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true }
}

function vocabObject(vocab: readonly string[]): { [token: string]: number } {
  const out: { [token: string]: number } = {}
  vocab.forEach((token, id) => (out[token] = id))
  return out
}

function wordPieceSpecials(tokenizer: WordPieceTokenizer): Array<[string, number]> {
  return Object.values(WORDPIECE_SPECIAL_TOKENS)
    .map((t): [string, number | undefined] => [t, tokenizer.tokenToId(t)])
    .filter((e): e is [string, number] => e[1] !== undefined)
    .sort((a, b) => a[1] - b[1])
}

export function wordPieceTokenizerJson(tokenizer: WordPieceTokenizer): { [key: string]: Json } {
  const { cls, sep } = WORDPIECE_SPECIAL_TOKENS
  const clsId = tokenizer.tokenToId(cls)
  const sepId = tokenizer.tokenToId(sep)
  if (clsId === undefined || sepId === undefined) throw new Error(`a BERT (WordPiece) tokenizer needs ${cls} and ${sep} in its vocabulary`)
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } })
  const sequence = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: wordPieceSpecials(tokenizer).map(([content, id]) => addedToken(id, content, false)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: tokenizer.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls, 0), sequence('A', 0), special(sep, 0)],
      pair: [special(cls, 0), sequence('A', 0), special(sep, 0), sequence('B', 1), special(sep, 1)],
      special_tokens: {
        [cls]: { id: cls, ids: [clsId], tokens: [cls] },
        [sep]: { id: sep, ids: [sepId], tokens: [sep] },
      },
    },
    decoder: { type: 'WordPiece', prefix: CONTINUING_SUBWORD_PREFIX, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: WORDPIECE_SPECIAL_TOKENS.unk,
      continuing_subword_prefix: CONTINUING_SUBWORD_PREFIX,
      max_input_chars_per_word: tokenizer.maxInputCharsPerWord,
      vocab: vocabObject(tokenizer.vocab),
    },
  }
}

export function wordPieceTokenizerConfig(tokenizer: WordPieceTokenizer): { [key: string]: Json } {
  const decoderEntries: { [id: string]: Json } = {}
  for (const [content, id] of wordPieceSpecials(tokenizer)) {
    decoderEntries[String(id)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }
  }
  const s = WORDPIECE_SPECIAL_TOKENS
  return {
    added_tokens_decoder: decoderEntries,
    clean_up_tokenization_spaces: true,
    cls_token: s.cls,
    do_basic_tokenize: true,
    do_lower_case: tokenizer.lowercase,
    mask_token: s.mask,
    model_max_length: MODEL_MAX_LENGTH_UNLIMITED,
    never_split: null,
    pad_token: s.pad,
    sep_token: s.sep,
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'BertTokenizer',
    unk_token: s.unk,
  }
}

export function bpeTokenizerJson(tokenizer: ByteLevelBpeTokenizer): { [key: string]: Json } {
  const eos = tokenizer.specialIds.eos
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: eos === undefined ? [] : [addedToken(eos, BPE_END_OF_TEXT, true)],
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: vocabObject(tokenizer.vocab),
      // "left right": byte-level symbols never contain a space (it is mapped to 'Ġ'), so this form is unambiguous.
      merges: tokenizer.merges.map(([a, b]) => `${a} ${b}`),
    },
  }
}

export function bpeTokenizerConfig(tokenizer: ByteLevelBpeTokenizer): { [key: string]: Json } {
  const decoderEntries: { [id: string]: Json } = {}
  const eos = tokenizer.specialIds.eos
  if (eos !== undefined) {
    decoderEntries[String(eos)] = { content: BPE_END_OF_TEXT, lstrip: false, normalized: true, rstrip: false, single_word: false, special: true }
  }
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: decoderEntries,
    bos_token: BPE_END_OF_TEXT,
    clean_up_tokenization_spaces: false,
    eos_token: BPE_END_OF_TEXT,
    errors: 'replace',
    model_max_length: MODEL_MAX_LENGTH_UNLIMITED,
    pad_token: null,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: BPE_END_OF_TEXT,
  }
}

/** Writes the HF files for `tokenizer` into `dir` (created if needed); returns the file names written. */
export function writeTokenizerFiles(dir: string, tokenizer: WordPieceTokenizer | ByteLevelBpeTokenizer): string[] {
  mkdirSync(dir, { recursive: true })
  const files: Array<[string, string]> = []
  const json = (value: Json) => JSON.stringify(value, null, 2) + '\n'
  if (tokenizer instanceof WordPieceTokenizer) {
    const s = WORDPIECE_SPECIAL_TOKENS
    files.push(['tokenizer.json', json(wordPieceTokenizerJson(tokenizer))])
    files.push(['tokenizer_config.json', json(wordPieceTokenizerConfig(tokenizer))])
    files.push(['special_tokens_map.json', json({ cls_token: s.cls, mask_token: s.mask, pad_token: s.pad, sep_token: s.sep, unk_token: s.unk })])
    files.push(['vocab.txt', tokenizer.vocab.join('\n') + '\n'])
  } else {
    files.push(['tokenizer.json', json(bpeTokenizerJson(tokenizer))])
    files.push(['tokenizer_config.json', json(bpeTokenizerConfig(tokenizer))])
    files.push(['special_tokens_map.json', json({ bos_token: BPE_END_OF_TEXT, eos_token: BPE_END_OF_TEXT, unk_token: BPE_END_OF_TEXT })])
    files.push(['vocab.json', JSON.stringify(vocabObject(tokenizer.vocab))])
    files.push(['merges.txt', ['#version: 0.2', ...tokenizer.merges.map(([a, b]) => `${a} ${b}`)].join('\n') + '\n'])
  }
  for (const [name, text] of files) writeFileSync(join(dir, name), text)
  return files.map(([name]) => name)
}
