/**
 * The pair-merge loop shared by both trainers (Sennrich et al. 2016 BPE; HF's WordPieceTrainer runs the same
 * loop with a '##' continuation prefix). Words are counted once; each step merges the most frequent adjacent
 * symbol pair, ties broken by the pair's text so training is deterministic. Pair counts are updated only for
 * the words that contain the merged pair, and a lazy max-heap finds the best pair without rescanning.
 */

export interface MergeLearnerInput {
  /** Unique words as initial symbol sequences, e.g. ['c','##a','##t'] or GPT-2 byte characters. */
  words: string[][]
  /** How often each word occurs. */
  counts: number[]
  /** Stop once this many distinct new symbols exist (two merges can make the same symbol, e.g. a+bc, ab+c). */
  maxNewSymbols: number
  /** Stop when the best pair occurs fewer times than this. Default 2. */
  minFrequency?: number
  /** The symbol a merge creates: 'a' + '##b' -> 'ab' for WordPiece, plain concatenation for BPE. */
  join: (left: string, right: string) => string
}

export interface LearnedMerges {
  /** Pairs in merge order (rank 0 first). */
  merges: Array<[string, string]>
  /** The distinct new symbols, in the order they were first made. */
  symbols: string[]
}

const SYMBOL_BITS = 2 ** 24 // symbol ids stay below 16.7M; a pair key a*2^24+b stays a safe integer

interface HeapEntry {
  key: number
  count: number
}

export function learnMerges(input: MergeLearnerInput): LearnedMerges {
  const minFrequency = input.minFrequency ?? 2
  const symbolId = new Map<string, number>()
  const symbolText: string[] = []
  const idOf = (s: string): number => {
    let id = symbolId.get(s)
    if (id === undefined) {
      id = symbolText.length
      symbolId.set(s, id)
      symbolText.push(s)
    }
    return id
  }
  const words = input.words.map((w) => w.map(idOf))
  const counts = input.counts

  const pairCount = new Map<number, number>()
  const pairWords = new Map<number, Set<number>>()
  const addWordPairs = (w: number, sign: 1 | -1, touched?: Set<number>): void => {
    const word = words[w]
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i] * SYMBOL_BITS + word[i + 1]
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * counts[w])
      if (sign > 0) {
        let set = pairWords.get(key)
        if (!set) pairWords.set(key, (set = new Set()))
        set.add(w)
      }
      touched?.add(key)
    }
  }
  for (let w = 0; w < words.length; w++) addWordPairs(w, 1)

  // Max-heap on (count desc, left text asc, right text asc). Entries go stale; they are checked on pop.
  const heap: HeapEntry[] = []
  const better = (x: HeapEntry, y: HeapEntry): boolean => {
    if (x.count !== y.count) return x.count > y.count
    const xl = symbolText[Math.floor(x.key / SYMBOL_BITS)]
    const yl = symbolText[Math.floor(y.key / SYMBOL_BITS)]
    if (xl !== yl) return xl < yl
    return symbolText[x.key % SYMBOL_BITS] < symbolText[y.key % SYMBOL_BITS]
  }
  const push = (entry: HeapEntry): void => {
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!better(heap[i], heap[parent])) break
      ;[heap[i], heap[parent]] = [heap[parent], heap[i]]
      i = parent
    }
  }
  const pop = (): HeapEntry | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < heap.length && better(heap[l], heap[best])) best = l
        if (r < heap.length && better(heap[r], heap[best])) best = r
        if (best === i) break
        ;[heap[i], heap[best]] = [heap[best], heap[i]]
        i = best
      }
    }
    return top
  }
  for (const [key, count] of pairCount) if (count > 0) push({ key, count })

  const merges: Array<[string, string]> = []
  const symbols: string[] = []
  while (symbols.length < input.maxNewSymbols) {
    const entry = pop()
    if (!entry) break
    const current = pairCount.get(entry.key) ?? 0
    if (current !== entry.count) {
      if (current > 0) push({ key: entry.key, count: current })
      continue
    }
    if (current < minFrequency) break
    const left = Math.floor(entry.key / SYMBOL_BITS)
    const right = entry.key % SYMBOL_BITS
    const merged = input.join(symbolText[left], symbolText[right])
    if (!symbolId.has(merged)) symbols.push(merged)
    const mergedId = idOf(merged)
    merges.push([symbolText[left], symbolText[right]])

    const touched = new Set<number>()
    for (const w of pairWords.get(entry.key) ?? []) {
      const word = words[w]
      let found = false
      for (let i = 0; i + 1 < word.length; i++) if (word[i] === left && word[i + 1] === right) found = true
      if (!found) continue
      addWordPairs(w, -1, touched)
      const next: number[] = []
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
          next.push(mergedId)
          i++
        } else next.push(word[i])
      }
      words[w] = next
      addWordPairs(w, 1, touched)
    }
    pairWords.delete(entry.key)
    for (const key of touched) {
      const count = pairCount.get(key) ?? 0
      if (count > 0) push({ key, count })
      else pairCount.delete(key)
    }
  }
  return { merges, symbols }
}
