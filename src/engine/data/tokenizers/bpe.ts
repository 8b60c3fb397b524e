/**
 * Byte-level BPE encoding (GPT-2): text is cut with GPT-2's regex, each piece becomes byte characters, and
 * merges apply in rank order (lowest rank first, all occurrences left to right) until none applies. Because
 * all 256 byte characters are in the vocabulary, there is no unknown token and decoding is byte-exact.
 */
import { byteLevelDecode, byteLevelWords } from './byte-level'
import { BPE_END_OF_TEXT, splitOnSpecialTokens, type SpecialTokenIds, type TextTokenizer } from './types'

export class ByteLevelBpeTokenizer implements TextTokenizer {
  readonly kind = 'bpe' as const
  readonly vocabSize: number
  readonly specialIds: SpecialTokenIds
  private readonly ids: Map<string, number>
  private readonly ranks: Map<string, number>
  private readonly specialTokens: string[]
  private readonly cache = new Map<string, number[]>()

  /** `vocab[id]` is the token of `id`; `merges[rank]` a pair of tokens. */
  constructor(
    readonly vocab: readonly string[],
    readonly merges: ReadonlyArray<readonly [string, string]>,
    endOfText: string = BPE_END_OF_TEXT,
  ) {
    this.vocabSize = vocab.length
    this.ids = new Map(vocab.map((t, i) => [t, i]))
    if (this.ids.size !== vocab.length) throw new Error('BPE vocabulary has duplicate tokens')
    this.ranks = new Map(merges.map(([a, b], rank) => [`${a} ${b}`, rank]))
    const eos = this.ids.get(endOfText)
    this.specialIds = { bos: eos, eos }
    this.specialTokens = eos === undefined ? [] : [endOfText]
  }

  encode(text: string): number[] {
    const out: number[] = []
    for (const part of splitOnSpecialTokens(text, this.specialTokens)) {
      if (part.special) out.push(this.ids.get(part.text)!)
      else for (const word of byteLevelWords(part.text)) out.push(...this.encodeWord(word))
    }
    return out
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word)
    if (cached) return cached
    let symbols = [...word]
    while (symbols.length > 1) {
      let bestRank = Infinity
      let bestAt = -1
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`)
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank
          bestAt = i
        }
      }
      if (bestAt < 0) break
      const left = symbols[bestAt]
      const right = symbols[bestAt + 1]
      const next: string[] = []
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          next.push(left + right)
          i++
        } else next.push(symbols[i])
      }
      symbols = next
    }
    const ids = symbols.map((s) => {
      const id = this.ids.get(s)
      if (id === undefined) throw new Error(`BPE vocabulary lacks the symbol ${JSON.stringify(s)} (vocabulary and merges disagree)`)
      return id
    })
    if (this.cache.size < 100_000) this.cache.set(word, ids)
    return ids
  }

  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    let text = ''
    let chars = ''
    for (let i = 0; i < ids.length; i++) {
      const token = this.idToToken(ids[i])
      if (token === undefined) throw new Error(`BPE decode: id ${ids[i]} is outside the vocabulary (size ${this.vocabSize})`)
      if (this.specialTokens.includes(token)) {
        text += byteLevelDecode(chars)
        chars = ''
        if (!options.skipSpecialTokens) text += token
      } else chars += token
    }
    return text + byteLevelDecode(chars)
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token)
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 && id < this.vocab.length ? this.vocab[id] : undefined
  }
}
