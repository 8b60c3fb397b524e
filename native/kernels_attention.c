/*
 * Attention probabilities in one pass each way: softmax over the keys of scale·scores with the causal mask and the
 * padding mask applied on the fly, so no [B, 1, T, T] mask tensor is built or added (GPT-2's causal attention, and
 * every family's padding mask). Rows are (batch item, head, query) triples; the row's batch item picks its key mask.
 *
 * The masks follow the plain TF.js path's additive bias exactly (models/layers/attention.ts, MASKED_LOGIT -1e9):
 *   logit[k] = scale·x[k] + (causal && k > q ? -1e9 : 0) + (keyMask[b, k] == 0 ? -1e9 : 0)
 * so a row whose keys are all masked gets the same probabilities as there (not NaN).
 *   backward: dx = scale · y ⊙ (dy - Σ_k dy·y)   (masked keys have y = 0, hence dx = 0)
 */
#include "kernels.h"
#include "approx_math.h"

#define MASKED_LOGIT (-1e9f)

typedef struct {
  const float *x, *y_in, *dy, *key_mask;
  float *out;
  int64_t rows_per_item; /* heads · queries */
  int queries, keys, causal;
  float scale;
} softmax_job;

LIGO_CLONES static void masked_softmax_rows(void *ctx, int64_t begin, int64_t end) {
  softmax_job *job = (softmax_job *)ctx;
  const int keys = job->keys;
  for (int64_t r = begin; r < end; r++) {
    const float *x = job->x + r * keys;
    float *y = job->out + r * keys;
    const float *mask = job->key_mask ? job->key_mask + (r / job->rows_per_item) * keys : NULL;
    const int q = (int)(r % job->queries);
    float max = -INFINITY;
    for (int k = 0; k < keys; k++) {
      float logit = job->scale * x[k];
      if (job->causal && k > q) logit += MASKED_LOGIT;
      if (mask && mask[k] == 0.0f) logit += MASKED_LOGIT;
      y[k] = logit;
      max = logit > max ? logit : max;
    }
    float lanes[LANES] = {0};
    int k = 0;
    for (; k + LANES <= keys; k += LANES)
      for (int l = 0; l < LANES; l++) {
        float e = exp_approx(y[k + l] - max);
        y[k + l] = e;
        lanes[l] += e;
      }
    float sum = 0.0f;
    for (; k < keys; k++) {
      float e = exp_approx(y[k] - max);
      y[k] = e;
      sum += e;
    }
    for (int l = 0; l < LANES; l++) sum += lanes[l];
    const float inv = 1.0f / sum;
    for (k = 0; k < keys; k++) y[k] *= inv;
  }
}

LIGO_CLONES static void masked_softmax_backward_rows(void *ctx, int64_t begin, int64_t end) {
  softmax_job *job = (softmax_job *)ctx;
  const int keys = job->keys;
  for (int64_t r = begin; r < end; r++) {
    const float *y = job->y_in + r * keys, *dy = job->dy + r * keys;
    float *dx = job->out + r * keys;
    float lanes[LANES] = {0};
    int k = 0;
    for (; k + LANES <= keys; k += LANES)
      for (int l = 0; l < LANES; l++) lanes[l] += dy[k + l] * y[k + l];
    float dot = 0.0f;
    for (; k < keys; k++) dot += dy[k] * y[k];
    for (int l = 0; l < LANES; l++) dot += lanes[l];
    for (k = 0; k < keys; k++) dx[k] = job->scale * y[k] * (dy[k] - dot);
  }
}

void ligo_masked_softmax_forward(const float *x, int64_t rows, int queries, int keys, float scale, int causal,
                                 const float *keyMask, int64_t rowsPerItem, float *y) {
  softmax_job job = {0};
  job.x = x, job.key_mask = keyMask, job.out = y, job.rows_per_item = rowsPerItem;
  job.queries = queries, job.keys = keys, job.causal = causal, job.scale = scale;
  ligo_parallel_for(rows, ROWS_PER_THREAD(keys), masked_softmax_rows, &job);
}

void ligo_masked_softmax_backward(const float *y, const float *dy, int64_t rows, int keys, float scale, float *dx) {
  softmax_job job = {0};
  job.y_in = y, job.dy = dy, job.out = dx, job.keys = keys, job.scale = scale;
  ligo_parallel_for(rows, ROWS_PER_THREAD(keys), masked_softmax_backward_rows, &job);
}
