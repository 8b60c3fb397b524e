/**
 * Loads the tokenizer that comes with a checkpoint: a tokenizer.json (any HF tokenizer with a WordPiece or BPE
 * model, run by @huggingface/tokenizers, pure JS), a BERT vocab.txt (turned into the equivalent WordPiece
 * tokenizer.json), or GPT-2's vocab.json + merges.txt. `path` is a folder or one of those files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'
import { ByteLevelBpeTokenizer } from './bpe'
import { bpeTokenizerConfig, bpeTokenizerJson, wordPieceTokenizerConfig, wordPieceTokenizerJson } from './tokenizer-json'
import { BPE_END_OF_TEXT, WORDPIECE_SPECIAL_TOKENS, type SpecialTokenIds, type TextTokenizer, type TokenizerKind } from './types'
import { WordPieceTokenizer } from './wordpiece'

export class TokenizerLoadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenizerLoadError'
  }
}

type JsonObject = { [key: string]: unknown }

function readJson(file: string): JsonObject {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new TokenizerLoadError(`Cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object')
    return value as JsonObject
  } catch (error) {
    throw new TokenizerLoadError(`${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/** A TextTokenizer backed by @huggingface/tokenizers. */
export class HfTokenizer implements TextTokenizer {
  readonly kind: TokenizerKind
  readonly vocabSize: number
  readonly specialIds: SpecialTokenIds
  private readonly hf: Tokenizer

  constructor(tokenizerJson: JsonObject, tokenizerConfig: JsonObject = {}, source = 'tokenizer.json') {
    const model = tokenizerJson.model as JsonObject | undefined
    const type = model?.type
    if (type === 'WordPiece') this.kind = 'wordpiece'
    else if (type === 'BPE') this.kind = 'bpe'
    else throw new TokenizerLoadError(`${source}: tokenizer model ${JSON.stringify(type)} is not supported. Expected one of: WordPiece, BPE`)
    try {
      this.hf = new Tokenizer(tokenizerJson, tokenizerConfig)
    } catch (error) {
      throw new TokenizerLoadError(`${source}: @huggingface/tokenizers could not build the tokenizer: ${(error as Error).message}`)
    }
    let maxId = -1
    for (const id of this.hf.get_vocab(true).values()) maxId = Math.max(maxId, id)
    this.vocabSize = maxId + 1
    const id = (token: unknown) => (typeof token === 'string' ? this.hf.token_to_id(token) : undefined)
    const configToken = (key: string): unknown => {
      const value = tokenizerConfig[key]
      // tokenizer_config.json writes a token either as "text" or as {"content": "text", ...}
      return typeof value === 'object' && value !== null ? (value as JsonObject).content : value
    }
    if (this.kind === 'wordpiece') {
      const s = WORDPIECE_SPECIAL_TOKENS
      this.specialIds = {
        pad: id(configToken('pad_token') ?? s.pad),
        unk: id(configToken('unk_token') ?? s.unk),
        cls: id(configToken('cls_token') ?? s.cls),
        sep: id(configToken('sep_token') ?? s.sep),
        mask: id(configToken('mask_token') ?? s.mask),
      }
    } else {
      this.specialIds = {
        bos: id(configToken('bos_token') ?? BPE_END_OF_TEXT),
        eos: id(configToken('eos_token') ?? BPE_END_OF_TEXT),
        pad: id(configToken('pad_token')),
        unk: id(configToken('unk_token')),
      }
    }
  }

  encode(text: string): number[] {
    return this.hf.encode(text, { add_special_tokens: false }).ids
  }

  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    return this.hf.decode(Array.from(ids), { skip_special_tokens: options.skipSpecialTokens ?? false })
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token)
  }

  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id)
  }
}

/** BERT vocab.txt: one token per line, the line number is the id. Blank trailing line allowed. */
export function readBertVocab(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const lines = text.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  if (lines.length === 0) throw new TokenizerLoadError(`${file} is empty: expected one token per line`)
  return lines
}

function fromBertVocab(vocabFile: string, config: JsonObject): HfTokenizer {
  const lowercase = config.do_lower_case === undefined ? true : Boolean(config.do_lower_case)
  let wordPiece: WordPieceTokenizer
  let json: ReturnType<typeof wordPieceTokenizerJson>
  try {
    wordPiece = new WordPieceTokenizer(readBertVocab(vocabFile), { lowercase })
    json = wordPieceTokenizerJson(wordPiece) // refuses a vocabulary without [CLS] / [SEP] (found by test/fuzz)
  } catch (error) {
    if (error instanceof TokenizerLoadError) throw error
    throw new TokenizerLoadError(`${vocabFile}: ${(error as Error).message}`)
  }
  return new HfTokenizer(json, { ...wordPieceTokenizerConfig(wordPiece), ...config }, vocabFile)
}

function fromGpt2Files(vocabFile: string, mergesFile: string): HfTokenizer {
  const vocabObject = readJson(vocabFile) as { [token: string]: number }
  const vocab: string[] = []
  for (const [token, id] of Object.entries(vocabObject)) vocab[id] = token
  const merges = readFileSync(mergesFile, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '' && !line.startsWith('#version'))
    .map((line, i) => {
      const parts = line.split(' ')
      if (parts.length !== 2) throw new TokenizerLoadError(`${mergesFile} line ${i + 2}: expected "left right", got ${JSON.stringify(line)}`)
      return parts as [string, string]
    })
  const bpe = new ByteLevelBpeTokenizer(vocab, merges)
  return new HfTokenizer(bpeTokenizerJson(bpe), bpeTokenizerConfig(bpe), vocabFile)
}

/** Loads a tokenizer from a checkpoint folder, a tokenizer.json, a vocab.txt or a GPT-2 vocab.json. */
export function loadTokenizer(path: string): HfTokenizer {
  if (!existsSync(path)) throw new TokenizerLoadError(`Tokenizer path does not exist: ${path}`)
  const isDir = statSync(path).isDirectory()
  const dir = isDir ? path : dirname(path)
  const configFile = join(dir, 'tokenizer_config.json')
  const config = existsSync(configFile) ? readJson(configFile) : {}
  const pick = (name: string) => (isDir ? (existsSync(join(dir, name)) ? join(dir, name) : undefined) : basename(path) === name ? path : undefined)

  const tokenizerJson = pick('tokenizer.json') ?? (!isDir && path.endsWith('.json') && basename(path) !== 'vocab.json' ? path : undefined)
  if (tokenizerJson) return new HfTokenizer(readJson(tokenizerJson), config, tokenizerJson)
  const vocabTxt = pick('vocab.txt') ?? (!isDir && path.endsWith('.txt') ? path : undefined)
  if (vocabTxt) return fromBertVocab(vocabTxt, config)
  const vocabJson = pick('vocab.json')
  const merges = join(dir, 'merges.txt')
  if (vocabJson && existsSync(merges)) return fromGpt2Files(vocabJson, merges)
  throw new TokenizerLoadError(
    `No tokenizer found in ${path}. Expected one of: tokenizer.json, vocab.txt (BERT WordPiece), vocab.json + merges.txt (GPT-2 BPE)`,
  )
}
