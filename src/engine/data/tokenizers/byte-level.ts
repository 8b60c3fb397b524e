/**
 * GPT-2's byte-level pieces (Radford et al. 2019, the `encoder.py` of openai/gpt-2, kept by HF's ByteLevel
 * pre-tokenizer): every UTF-8 byte maps to one printable unicode character, so a vocabulary over those
 * characters covers any string and decoding is byte-exact. Text is first cut with GPT-2's regex.
 */

/** GPT-2's pre-tokenizer regex (the one in HF ByteLevel with use_regex: true). */
export const GPT2_PRETOKENIZE_REGEX = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu

/** bytes_to_unicode(): printable Latin-1 bytes map to themselves, the other 68 to U+0100 upwards. */
function buildByteToUnicode(): string[] {
  const printable: number[] = []
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b)
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b)
  for (let b = 0xae; b <= 0xff; b++) printable.push(b)
  const table = new Array<string>(256)
  for (const b of printable) table[b] = String.fromCodePoint(b)
  let next = 0
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + next++)
  }
  return table
}

export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode()
const UNICODE_TO_BYTE = new Map<string, number>(BYTE_TO_UNICODE.map((ch, b) => [ch, b]))

/** The 256 byte characters in GPT-2's vocabulary order (printable bytes first, then the shifted ones). */
export const BYTE_ALPHABET: readonly string[] = [...BYTE_TO_UNICODE].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)

/** GPT-2 pre-tokenisation: the regex pieces of `text`, each mapped byte by byte to unicode characters. */
export function byteLevelWords(text: string): string[] {
  const encoder = new TextEncoder()
  const words: string[] = []
  for (const match of text.matchAll(GPT2_PRETOKENIZE_REGEX)) {
    let word = ''
    for (const byte of encoder.encode(match[0])) word += BYTE_TO_UNICODE[byte]
    words.push(word)
  }
  return words
}

/** Inverse mapping: byte characters back to a UTF-8 string. Unknown characters are an error. */
export function byteLevelDecode(chars: string): string {
  const bytes: number[] = []
  for (const ch of chars) {
    const b = UNICODE_TO_BYTE.get(ch)
    if (b === undefined) throw new Error(`Byte-level decode: character ${JSON.stringify(ch)} is not a byte character`)
    bytes.push(b)
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes))
}
