/**
 * Trains a byte-level BPE vocabulary (GPT-2 / HF ByteLevelBPETokenizer): GPT-2 regex pre-tokenisation, words
 * as byte characters, the 256-byte alphabet always present (so nothing is ever unknown), then frequency merges
 * until `vocabSize` (see merge-learner.ts). <|endoftext|> takes the last id, as in GPT-2.
 */
import { BYTE_ALPHABET, byteLevelWords } from './byte-level'
import { ByteLevelBpeTokenizer } from './bpe'
import { learnMerges } from './merge-learner'
import { BPE_END_OF_TEXT } from './types'

export interface BpeTrainingOptions {
  /** Target vocabulary size including the 256 bytes and <|endoftext|>, e.g. 4000-8000. */
  vocabSize: number
  /** Pairs seen fewer times are not merged. Default 2. */
  minFrequency?: number
}

export function trainByteLevelBpe(texts: Iterable<string>, options: BpeTrainingOptions): ByteLevelBpeTokenizer {
  const { vocabSize } = options
  const minimum = BYTE_ALPHABET.length + 1
  if (!Number.isInteger(vocabSize) || vocabSize < minimum) {
    throw new Error(`Byte-level BPE vocabSize must be an integer of at least ${minimum} (256 bytes + ${BPE_END_OF_TEXT}), got ${vocabSize}`)
  }
  const wordCounts = new Map<string, number>()
  for (const text of texts) for (const word of byteLevelWords(text)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1)
  if (wordCounts.size === 0) throw new Error('Cannot train byte-level BPE: the corpus is empty')

  const { merges, symbols } = learnMerges({
    words: [...wordCounts.keys()].map((w) => [...w]),
    counts: [...wordCounts.values()],
    maxNewSymbols: vocabSize - minimum,
    minFrequency: options.minFrequency,
    join: (left, right) => left + right,
  })
  return new ByteLevelBpeTokenizer([...BYTE_ALPHABET, ...symbols, BPE_END_OF_TEXT], merges)
}
