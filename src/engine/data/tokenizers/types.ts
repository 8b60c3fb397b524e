/** What the rest of the engine needs from a tokenizer, whichever way it was made (trained here or loaded). */

export type TokenizerKind = 'wordpiece' | 'bpe'

/** Ids of the special tokens a tokenizer has; absent ones are undefined. */
export interface SpecialTokenIds {
  pad?: number
  unk?: number
  /** WordPiece: [CLS] / [SEP] / [MASK]. */
  cls?: number
  sep?: number
  mask?: number
  /** Byte-level BPE: <|endoftext|> is both (GPT-2 convention). */
  bos?: number
  eos?: number
}

export interface TextTokenizer {
  readonly kind: TokenizerKind
  /** Number of ids, including special tokens: the model's embedding rows. */
  readonly vocabSize: number
  readonly specialIds: SpecialTokenIds
  /** Token ids of `text`, without [CLS]/[SEP]/BOS/EOS (batching adds those). */
  encode(text: string): number[]
  decode(ids: ArrayLike<number>, options?: { skipSpecialTokens?: boolean }): string
  tokenToId(token: string): number | undefined
  idToToken(id: number): string | undefined
}

export const WORDPIECE_SPECIAL_TOKENS = { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' } as const
export const BPE_END_OF_TEXT = '<|endoftext|>'
export const CONTINUING_SUBWORD_PREFIX = '##'

/** Cut `text` around exact occurrences of special tokens (HF added tokens with normalized: false). */
export function splitOnSpecialTokens(text: string, specials: readonly string[]): Array<{ text: string; special: boolean }> {
  const present = specials.filter((s) => s && text.includes(s))
  if (present.length === 0) return [{ text, special: false }]
  // Longest first so a special that contains another wins, as in HF's added-token trie.
  const escaped = [...present].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const parts: Array<{ text: string; special: boolean }> = []
  for (const piece of text.split(new RegExp(`(${escaped.join('|')})`))) {
    if (piece === '') continue
    parts.push({ text: piece, special: present.includes(piece) })
  }
  return parts
}
