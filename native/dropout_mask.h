/*
 * Dropout masks that need no stored random numbers: element i of a dropout site is dropped when a keyed 32-bit hash
 * of i falls below threshold = floor(rate · 2^32). The hash is MurmurHash3_x86_32 of the 4-byte index with the site's
 * key as its seed (Appleby; public domain): for a fixed key it is a bijection of the index, and its finaliser
 * spreads every input bit over the output, so the masks of nearby indices and of different keys look independent.
 *
 * The same function is written in TypeScript (src/engine/backend/dropout-mask.ts, with Math.imul); the two
 * give the same masks bit for bit (src/engine/backend/native-kernels.test.ts), so a model drops the same units with
 * and without the addon, and the backward pass recomputes the mask instead of keeping it: dropout is linear, its
 * gradient is the same masked scaling applied to dy.
 */
#ifndef LIGO_DROPOUT_MASK_H
#define LIGO_DROPOUT_MASK_H

#include <stdint.h>

static inline uint32_t ligo_dropout_hash(uint32_t key, uint32_t index) {
  uint32_t k = index * 0xcc9e2d51u;
  k = (k << 15) | (k >> 17);
  k *= 0x1b873593u;
  uint32_t h = key ^ k;
  h = (h << 13) | (h >> 19);
  h = h * 5u + 0xe6546b64u;
  h ^= 4u; /* the input's length in bytes */
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/* The factor element `index` is multiplied by: 0 when dropped, scale = 1/(1 - rate) when kept. */
static inline float ligo_dropout_factor(uint32_t key, uint32_t threshold, float scale, uint32_t index) {
  return ligo_dropout_hash(key, index) < threshold ? 0.0f : scale;
}

#endif
