/*
 * Inverted dropout in one pass: y[i] = x[i] · (dropped(i) ? 0 : 1/(1 - rate)), the mask a keyed hash of the index
 * (dropout_mask.h). As TF.js ops a dropout site was a JavaScript loop drawing one random number per element, then
 * Floor, Cast, RealDiv and Multiply on one wasm thread: with attention-probability and hidden dropout at 0.1 that was
 * ~40 % of a BERT or GPT-2 training step at the growth benchmark's size (bench/profile-step.ts). The same call is the
 * backward pass (dropout is linear; the mask is recomputed from the key, nothing is saved).
 */
#include "kernels.h"
#include "approx_math.h"
#include "dropout_mask.h"

#define DROPOUT_MIN_PER_THREAD 32768

typedef struct {
  const float *x;
  float *y;
  uint32_t key, threshold;
  float scale;
} dropout_job;

LIGO_CLONES static void dropout_range(void *ctx, int64_t begin, int64_t end) {
  const dropout_job *job = (const dropout_job *)ctx;
  for (int64_t i = begin; i < end; i++) job->y[i] = job->x[i] * ligo_dropout_factor(job->key, job->threshold, job->scale, (uint32_t)i);
}

void ligo_dropout(const float *x, int64_t size, uint32_t key, uint32_t threshold, float scale, float *y) {
  dropout_job job = {x, y, key, threshold, scale};
  ligo_parallel_for(size, DROPOUT_MIN_PER_THREAD, dropout_range, &job);
}
