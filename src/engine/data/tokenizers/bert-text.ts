/**
 * BERT's text normalisation and pre-tokenisation, as HuggingFace `tokenizers` (Rust) implements
 * `BertNormalizer {clean_text, handle_chinese_chars, strip_accents: null, lowercase: true}` and
 * `BertPreTokenizer`: drop control characters, map whitespace to ' ', pad CJK ideographs with spaces,
 * strip accents (NFD then drop Mn marks; `strip_accents: null` follows `lowercase`), lowercase, then split on
 * whitespace and isolate every punctuation character. The tokenizer.json we write names these same
 * components, so any HF loader reproduces our encoder's ids.
 */

// Rust char::is_whitespace (Unicode White_Space). JS \s differs (it has U+FEFF, lacks U+0085).
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u
// Rust `is_other` = categories Cc, Cf, Cn, Co, Cs; tab, newline and carriage return count as whitespace.
const CONTROL = /\p{C}/u
// char::is_ascii_punctuation() || Unicode punctuation (P*): ASCII $+<=>^`|~ are symbols (S*) in Unicode.
const PUNCTUATION = /[!-/:-@[-`{-~]|\p{P}/u
const MARK_NONSPACING = /\p{Mn}/gu

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  )
}

/** BertNormalizer with clean_text, handle_chinese_chars, strip accents and lowercase all on. */
export function bertNormalize(text: string, lowercase = true): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp === 0 || cp === 0xfffd) continue
    if (ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch)) continue
    if (WHITESPACE.test(ch)) {
      out += ' '
      continue
    }
    out += isChineseChar(cp) ? ` ${ch} ` : ch
  }
  // strip_accents: null follows lowercase (HF BertNormalizer), so a cased vocab keeps its accents.
  return lowercase ? out.normalize('NFD').replace(MARK_NONSPACING, '').toLowerCase() : out
}

/** BertPreTokenizer: words split on whitespace, each punctuation character its own word. */
export function bertPreTokenize(normalized: string): string[] {
  const words: string[] = []
  let current = ''
  for (const ch of normalized) {
    if (WHITESPACE.test(ch)) {
      if (current) words.push(current)
      current = ''
    } else if (PUNCTUATION.test(ch)) {
      if (current) words.push(current)
      words.push(ch)
      current = ''
    } else {
      current += ch
    }
  }
  if (current) words.push(current)
  return words
}

/** The words a WordPiece model sees for `text`. */
export function bertWords(text: string, lowercase = true): string[] {
  return bertPreTokenize(bertNormalize(text, lowercase))
}
