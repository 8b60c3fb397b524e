/**
 * WordPiece encoding (Schuster & Nakajima 2012; BERT's `WordpieceTokenizer`): after BERT normalisation and
 * pre-tokenisation, each word is cut greedily longest-match-first into vocabulary pieces, pieces after the
 * first carrying the '##' prefix. A word with any uncoverable rest, or longer than 100 characters, becomes
 * one [UNK], exactly as HF `tokenizers` does.
 */
import { bertWords } from './bert-text'
import { CONTINUING_SUBWORD_PREFIX, splitOnSpecialTokens, WORDPIECE_SPECIAL_TOKENS, type SpecialTokenIds, type TextTokenizer } from './types'

export interface WordPieceOptions {
  /** BERT uncased (default) lowercases and strips accents; cased vocabularies keep both. */
  lowercase?: boolean
  /** HF default 100. */
  maxInputCharsPerWord?: number
}

export class WordPieceTokenizer implements TextTokenizer {
  readonly kind = 'wordpiece' as const
  readonly vocabSize: number
  readonly specialIds: SpecialTokenIds
  readonly lowercase: boolean
  readonly maxInputCharsPerWord: number
  private readonly ids: Map<string, number>
  private readonly specialTokens: string[]
  private readonly unkId: number

  /** `vocab[id]` is the token of `id`, as in a BERT vocab.txt. */
  constructor(readonly vocab: readonly string[], options: WordPieceOptions = {}) {
    this.vocabSize = vocab.length
    this.lowercase = options.lowercase ?? true
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100
    this.ids = new Map()
    vocab.forEach((token, id) => {
      if (this.ids.has(token)) throw new Error(`WordPiece vocabulary has token ${JSON.stringify(token)} twice (ids ${this.ids.get(token)} and ${id})`)
      this.ids.set(token, id)
    })
    const s = WORDPIECE_SPECIAL_TOKENS
    this.specialIds = { pad: this.ids.get(s.pad), unk: this.ids.get(s.unk), cls: this.ids.get(s.cls), sep: this.ids.get(s.sep), mask: this.ids.get(s.mask) }
    if (this.specialIds.unk === undefined) throw new Error(`WordPiece vocabulary has no ${s.unk} token`)
    this.unkId = this.specialIds.unk
    this.specialTokens = Object.values(s).filter((t) => this.ids.has(t))
  }

  encode(text: string): number[] {
    const out: number[] = []
    for (const part of splitOnSpecialTokens(text, this.specialTokens)) {
      if (part.special) out.push(this.ids.get(part.text)!)
      else for (const word of bertWords(part.text, this.lowercase)) this.encodeWord(word, out)
    }
    return out
  }

  /** Greedy longest-match-first over code points (not UTF-16 units). */
  private encodeWord(word: string, out: number[]): void {
    const chars = [...word]
    if (chars.length > this.maxInputCharsPerWord) {
      out.push(this.unkId)
      return
    }
    const pieces: number[] = []
    let start = 0
    while (start < chars.length) {
      let end = chars.length
      let found = -1
      while (start < end) {
        const piece = (start > 0 ? CONTINUING_SUBWORD_PREFIX : '') + chars.slice(start, end).join('')
        const id = this.ids.get(piece)
        if (id !== undefined) {
          found = id
          break
        }
        end--
      }
      if (found < 0) {
        out.push(this.unkId)
        return
      }
      pieces.push(found)
      start = end
    }
    out.push(...pieces)
  }

  /** Pieces joined with spaces, '##' pieces glued to the previous one (HF WordPiece decoder without cleanup). */
  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = new Set(options.skipSpecialTokens ? this.specialTokens : [])
    let text = ''
    for (let i = 0; i < ids.length; i++) {
      const token = this.idToToken(ids[i])
      if (token === undefined) throw new Error(`WordPiece decode: id ${ids[i]} is outside the vocabulary (size ${this.vocabSize})`)
      if (skip.has(token)) continue
      if (token.startsWith(CONTINUING_SUBWORD_PREFIX) && text !== '') text += token.slice(CONTINUING_SUBWORD_PREFIX.length)
      else text += (text === '' ? '' : ' ') + token
    }
    return text
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token)
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 && id < this.vocab.length ? this.vocab[id] : undefined
  }
}
