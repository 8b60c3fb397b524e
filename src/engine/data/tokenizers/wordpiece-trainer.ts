/**
 * Trains a WordPiece vocabulary the way HF's WordPieceTrainer does: BERT-normalise and pre-tokenise the corpus,
 * count words, start from the character alphabet (first characters bare, later ones '##'-prefixed), then merge
 * the most frequent adjacent pair until the vocabulary reaches `vocabSize` (see merge-learner.ts). The result
 * encodes with standard greedy longest-match-first WordPiece (wordpiece.ts).
 *
 * Ids: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then the alphabet, then merged pieces in merge order.
 */
import { bertWords } from './bert-text'
import { learnMerges } from './merge-learner'
import { CONTINUING_SUBWORD_PREFIX, WORDPIECE_SPECIAL_TOKENS } from './types'
import { WordPieceTokenizer } from './wordpiece'

export interface WordPieceTrainingOptions {
  /** Target vocabulary size including special tokens, e.g. 4000-8000. */
  vocabSize: number
  /** Pairs seen fewer times are not merged. Default 2. */
  minFrequency?: number
}

export const WORDPIECE_SPECIALS_IN_ORDER = [
  WORDPIECE_SPECIAL_TOKENS.pad,
  WORDPIECE_SPECIAL_TOKENS.unk,
  WORDPIECE_SPECIAL_TOKENS.cls,
  WORDPIECE_SPECIAL_TOKENS.sep,
  WORDPIECE_SPECIAL_TOKENS.mask,
] as const

export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainingOptions): WordPieceTokenizer {
  const { vocabSize } = options
  const specials = WORDPIECE_SPECIALS_IN_ORDER
  if (!Number.isInteger(vocabSize) || vocabSize <= specials.length) {
    throw new Error(`WordPiece vocabSize must be an integer above ${specials.length} (the special tokens), got ${vocabSize}`)
  }
  const wordCounts = new Map<string, number>()
  for (const text of texts) for (const word of bertWords(text)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1)
  if (wordCounts.size === 0) throw new Error('Cannot train WordPiece: the corpus has no words')

  // Alphabet: every character bare (HF compute_alphabet) plus the '##' forms that occur; by frequency, so
  // that if the budget is too small for all of them the rare ones are the ones left out (they become [UNK]).
  const symbolFrequency = new Map<string, number>()
  const words: string[][] = []
  const counts: number[] = []
  for (const [word, count] of wordCounts) {
    const symbols = [...word].map((ch, i) => (i === 0 ? ch : CONTINUING_SUBWORD_PREFIX + ch))
    for (const [i, ch] of [...word].entries()) {
      symbolFrequency.set(ch, (symbolFrequency.get(ch) ?? 0) + (i === 0 ? count : 0))
      if (i > 0) symbolFrequency.set(symbols[i], (symbolFrequency.get(symbols[i]) ?? 0) + count)
    }
    words.push(symbols)
    counts.push(count)
  }
  const alphabet = [...symbolFrequency.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, vocabSize - specials.length)
    .map(([symbol]) => symbol)
    .sort()
  const kept = new Set(alphabet)
  // Words with a character outside the alphabet can never be encoded; leave them out of merge counting.
  const trainable = words.map((w, i) => (w.every((s) => kept.has(s)) ? i : -1)).filter((i) => i >= 0)

  const { symbols } = learnMerges({
    words: trainable.map((i) => words[i]),
    counts: trainable.map((i) => counts[i]),
    maxNewSymbols: vocabSize - specials.length - alphabet.length,
    minFrequency: options.minFrequency,
    join: (left, right) => left + (right.startsWith(CONTINUING_SUBWORD_PREFIX) ? right.slice(CONTINUING_SUBWORD_PREFIX.length) : right),
  })
  return new WordPieceTokenizer([...specials, ...alphabet, ...symbols])
}
