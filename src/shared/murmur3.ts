/**
 * MurmurHash3 (Austin Appleby, public domain) pieces on 32-bit integers, with Math.imul so that every product wraps
 * like C's uint32_t:
 *   fmix32(h)             the finaliser: a bijective avalanche mix of one 32-bit value
 *   murmur3Word(seed, w)  MurmurHash3_x86_32 of the 4 little-endian bytes of w with `seed`
 * Both return unsigned integers in [0, 2^32). native/dropout_mask.h writes murmur3Word in C; the two agree bit for bit.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export function murmur3Word(seed: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  let h = seed ^ k
  h = (h << 13) | (h >>> 19)
  h = (Math.imul(h, 5) + 0xe6546b64) | 0
  return fmix32(h ^ 4) // 4: the input's length in bytes
}
