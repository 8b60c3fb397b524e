/*
 * Fused element-wise kernels: each is one pass (or two) over its tensors instead of the 5-10 single-threaded
 * passes that the same chain costs as separate tfjs-wasm kernels (docs/engine/measurements.md §3.4: 3× Exp and 3× Sum
 * over the [2048, 8000] logits alone cost ~480 ms per `full` step). Rows are split over ligo_parallel_for.
 *
 * exp and erf are branch-free polynomials (below) so the compiler vectorises the loops; on x86-64 Linux the hot
 * loops are also compiled for AVX2 and AVX-512 and picked at load time (target_clones).
 */
#include "kernels.h"
#include "approx_math.h"
#include "elementwise.h"
#include <math.h>
#include <string.h>

/* ---- softmax cross-entropy -------------------------------------------------------------------------- */

typedef struct {
  const float *logits;
  const int32_t *labels;
  const float *lse_in;
  float *lse_out;
  float *dlogits;
  int classes;
  float scale;
} xent_job;


LIGO_CLONES static void row_max_sumexp(const float *row, int classes, float *max_out, float *sum_out) {
  float lanes[LANES];
  for (int l = 0; l < LANES; l++) lanes[l] = -INFINITY;
  int c = 0;
  for (; c + LANES <= classes; c += LANES)
    for (int l = 0; l < LANES; l++) lanes[l] = row[c + l] > lanes[l] ? row[c + l] : lanes[l];
  float max = -INFINITY;
  for (int l = 0; l < LANES; l++) max = lanes[l] > max ? lanes[l] : max;
  for (; c < classes; c++) max = row[c] > max ? row[c] : max;
  for (int l = 0; l < LANES; l++) lanes[l] = 0.0f;
  for (c = 0; c + LANES <= classes; c += LANES)
    for (int l = 0; l < LANES; l++) lanes[l] += exp_approx(row[c + l] - max);
  float sum = 0.0f;
  for (; c < classes; c++) sum += exp_approx(row[c] - max);
  for (int l = 0; l < LANES; l++) sum += lanes[l];
  *max_out = max;
  *sum_out = sum;
}

static void xent_forward_rows(void *ctx, int64_t begin, int64_t end) {
  xent_job *job = (xent_job *)ctx;
  for (int64_t r = begin; r < end; r++) {
    int32_t label = job->labels[r];
    if (label < 0 || label >= job->classes) {
      job->lse_out[r] = 0.0f;
      continue;
    }
    float max, sum;
    row_max_sumexp(job->logits + r * job->classes, job->classes, &max, &sum);
    job->lse_out[r] = max + logf(sum);
  }
}

double ligo_softmax_xent_forward(const float *logits, const int32_t *labels, int rows, int classes, float *lse,
                                 int *counted) {
  xent_job job = {logits, labels, NULL, lse, NULL, classes, 0.0f};
  ligo_parallel_for(rows, ROWS_PER_THREAD(classes), xent_forward_rows, &job);
  double total = 0.0;
  int n = 0;
  for (int r = 0; r < rows; r++) {
    int32_t label = labels[r];
    if (label < 0 || label >= classes) continue;
    total += (double)lse[r] - (double)logits[(int64_t)r * classes + label];
    n++;
  }
  *counted = n;
  return total;
}

LIGO_CLONES static void softmax_row_scaled(const float *row, float lse, float scale, int classes, float *out) {
  for (int c = 0; c < classes; c++) out[c] = exp_approx(row[c] - lse) * scale;
}

static void xent_backward_rows(void *ctx, int64_t begin, int64_t end) {
  xent_job *job = (xent_job *)ctx;
  const int classes = job->classes;
  for (int64_t r = begin; r < end; r++) {
    float *out = job->dlogits + r * classes;
    int32_t label = job->labels[r];
    if (label < 0 || label >= classes) {
      memset(out, 0, sizeof(float) * (size_t)classes);
      continue;
    }
    softmax_row_scaled(job->logits + r * classes, job->lse_in[r], job->scale, classes, out);
    out[label] -= job->scale;
  }
}

void ligo_softmax_xent_backward(const float *logits, const int32_t *labels, const float *lse, int rows, int classes,
                                float scale, float *dlogits) {
  xent_job job = {logits, labels, lse, NULL, dlogits, classes, scale};
  ligo_parallel_for(rows, ROWS_PER_THREAD(classes), xent_backward_rows, &job);
}

/* ---- LayerNorm -------------------------------------------------------------------------------------- */

typedef struct {
  const float *x, *dy, *gamma, *beta, *mean_in, *rstd_in;
  float *y, *mean_out, *rstd_out, *dx, *dgamma, *dbeta;
  int rows, cols;
  float eps;
} norm_job;

/* Σ row[c] and Σ (row[c] - shift)² with LANES partial sums each (vectorised without -ffast-math). */
LIGO_CLONES static float lane_sum(const float *row, int cols, float shift, int squared) {
  float lanes[LANES] = {0};
  int c = 0;
  if (squared) {
    for (; c + LANES <= cols; c += LANES)
      for (int l = 0; l < LANES; l++) lanes[l] += (row[c + l] - shift) * (row[c + l] - shift);
  } else {
    for (; c + LANES <= cols; c += LANES)
      for (int l = 0; l < LANES; l++) lanes[l] += row[c + l];
  }
  float sum = 0.0f;
  for (; c < cols; c++) sum += squared ? (row[c] - shift) * (row[c] - shift) : row[c];
  for (int l = 0; l < LANES; l++) sum += lanes[l];
  return sum;
}

LIGO_CLONES static void layer_norm_rows(void *ctx, int64_t begin, int64_t end) {
  norm_job *job = (norm_job *)ctx;
  const int cols = job->cols;
  for (int64_t r = begin; r < end; r++) {
    const float *x = job->x + r * cols;
    float *y = job->y + r * cols;
    float mean = lane_sum(x, cols, 0.0f, 0) / cols;
    float rstd = 1.0f / sqrtf(lane_sum(x, cols, mean, 1) / cols + job->eps); /* biased variance, as torch */
    for (int c = 0; c < cols; c++) y[c] = (x[c] - mean) * rstd * job->gamma[c] + job->beta[c];
    job->mean_out[r] = mean;
    job->rstd_out[r] = rstd;
  }
}

void ligo_layer_norm_forward(const float *x, const float *gamma, const float *beta, int rows, int cols, float eps,
                             float *y, float *mean, float *rstd) {
  norm_job job = {0};
  job.x = x, job.gamma = gamma, job.beta = beta, job.y = y, job.mean_out = mean, job.rstd_out = rstd;
  job.rows = rows, job.cols = cols, job.eps = eps;
  ligo_parallel_for(rows, ROWS_PER_THREAD(cols), layer_norm_rows, &job);
}

/* dx = rstd·(g - mean(g) - x̂·mean(g·x̂)) with g = dy·γ, x̂ = (x - mean)·rstd. */
LIGO_CLONES static void layer_norm_dx_rows(void *ctx, int64_t begin, int64_t end) {
  norm_job *job = (norm_job *)ctx;
  const int cols = job->cols;
  for (int64_t r = begin; r < end; r++) {
    const float *x = job->x + r * cols, *dy = job->dy + r * cols;
    float *dx = job->dx + r * cols;
    const float mean = job->mean_in[r], rstd = job->rstd_in[r];
    float lanes_g[LANES] = {0}, lanes_gx[LANES] = {0};
    int c = 0;
    for (; c + LANES <= cols; c += LANES)
      for (int l = 0; l < LANES; l++) {
        float g = dy[c + l] * job->gamma[c + l];
        lanes_g[l] += g;
        lanes_gx[l] += g * (x[c + l] - mean) * rstd;
      }
    float sum_g = 0.0f, sum_gx = 0.0f;
    for (; c < cols; c++) {
      float g = dy[c] * job->gamma[c];
      sum_g += g;
      sum_gx += g * (x[c] - mean) * rstd;
    }
    for (int l = 0; l < LANES; l++) sum_g += lanes_g[l], sum_gx += lanes_gx[l];
    const float mean_g = sum_g / cols, mean_gx = sum_gx / cols;
    for (int c = 0; c < cols; c++) {
      float xhat = (x[c] - mean) * rstd;
      dx[c] = rstd * (dy[c] * job->gamma[c] - mean_g - xhat * mean_gx);
    }
  }
}

/* Columns summed at once: the partial sums stay in registers / L1 and, being local, vectorise (no aliasing). */
#define DPARAM_BLOCK 256

/*
 * dγ[c] = Σ_r dy·x̂, dβ[c] = Σ_r dy, split over columns so no two threads write the same sum. Summed into local
 * blocks: accumulating through the output pointers made every += a load and a store the compiler could not
 * vectorise (they might alias x or dy), ~0.2 ms a call for ViT's [544, 96], as long as the dx pass.
 */
LIGO_CLONES static void layer_norm_dparams_cols(void *ctx, int64_t begin, int64_t end) {
  norm_job *job = (norm_job *)ctx;
  const int cols = job->cols;
  for (int64_t c0 = begin; c0 < end; c0 += DPARAM_BLOCK) {
    const int n = end - c0 < DPARAM_BLOCK ? (int)(end - c0) : DPARAM_BLOCK;
    float dgamma[DPARAM_BLOCK] = {0}, dbeta[DPARAM_BLOCK] = {0};
    for (int64_t r = 0; r < job->rows; r++) {
      const float *x = job->x + r * cols + c0, *dy = job->dy + r * cols + c0;
      const float mean = job->mean_in[r], rstd = job->rstd_in[r];
      for (int c = 0; c < n; c++) {
        dgamma[c] += dy[c] * (x[c] - mean) * rstd;
        dbeta[c] += dy[c];
      }
    }
    for (int c = 0; c < n; c++) job->dgamma[c0 + c] = dgamma[c], job->dbeta[c0 + c] = dbeta[c];
  }
}

void ligo_layer_norm_backward(const float *dy, const float *x, const float *gamma, const float *mean,
                              const float *rstd, int rows, int cols, float *dx, float *dgamma, float *dbeta) {
  norm_job job = {0};
  job.x = x, job.dy = dy, job.gamma = gamma, job.mean_in = mean, job.rstd_in = rstd;
  job.dx = dx, job.dgamma = dgamma, job.dbeta = dbeta, job.rows = rows, job.cols = cols;
  ligo_parallel_for(rows, ROWS_PER_THREAD(cols), layer_norm_dx_rows, &job);
  ligo_parallel_for(cols, 16, layer_norm_dparams_cols, &job);
}

/* ---- GELU (erf) ------------------------------------------------------------------------------------- */

/* y = 0.5·x·(1 + erf(x/√2)) = x·Φ(x) */
static inline float gelu_value(float x) { return 0.5f * x * (1.0f + erf_approx(x * 0.70710678118654752f)); }

/* dy/dx = Φ(x) + x·φ(x) */
static inline float gelu_slope(float x) {
  float cdf = 0.5f * (1.0f + erf_approx(x * 0.70710678118654752f));
  float pdf = 0.39894228040143268f * exp_approx(-0.5f * x * x);
  return cdf + x * pdf;
}

LIGO_ELEMENTWISE_ACTIVATION(gelu, gelu_value, gelu_slope)

/* ---- Residual add ------------------------------------------------------------------------------------ */

typedef struct {
  const float *a, *b;
  float *out;
} add_job;

LIGO_CLONES static void add_range(void *ctx, int64_t begin, int64_t end) {
  const add_job *job = (const add_job *)ctx;
  for (int64_t i = begin; i < end; i++) job->out[i] = job->a[i] + job->b[i];
}

void ligo_add(const float *a, const float *b, int64_t size, float *out) {
  add_job job = {a, b, out};
  ligo_parallel_for(size, 32768, add_range, &job);
}

/* ---- LayerScale (CaiT): y = x + a ⊙ γ over rows, and its gradient ---------------------------------------- */

typedef struct {
  const float *x, *a, *gamma, *dy;
  float *y, *da, *dgamma;
  int64_t rows;
  int cols;
} scale_job;

LIGO_CLONES static void scale_add_rows(void *ctx, int64_t begin, int64_t end) {
  const scale_job *j = (const scale_job *)ctx;
  for (int64_t r = begin; r < end; r++) {
    const float *x = j->x + r * j->cols, *a = j->a + r * j->cols;
    float *y = j->y + r * j->cols;
    for (int c = 0; c < j->cols; c++) y[c] = x[c] + a[c] * j->gamma[c];
  }
}

void ligo_scale_add(const float *x, const float *a, const float *gamma, int64_t rows, int cols, float *y) {
  scale_job job = {x, a, gamma, NULL, y, NULL, NULL, rows, cols};
  ligo_parallel_for(rows, ROWS_PER_THREAD(cols), scale_add_rows, &job);
}

LIGO_CLONES static void scale_da_rows(void *ctx, int64_t begin, int64_t end) {
  const scale_job *j = (const scale_job *)ctx;
  for (int64_t r = begin; r < end; r++) {
    const float *dy = j->dy + r * j->cols;
    float *da = j->da + r * j->cols;
    for (int c = 0; c < j->cols; c++) da[c] = dy[c] * j->gamma[c];
  }
}

/* dγ[c] = Σ_r dy·a, columns split over threads and summed in local blocks (as LayerNorm's dγ). */
LIGO_CLONES static void scale_dgamma_cols(void *ctx, int64_t begin, int64_t end) {
  const scale_job *j = (const scale_job *)ctx;
  for (int64_t c0 = begin; c0 < end; c0 += DPARAM_BLOCK) {
    const int n = end - c0 < DPARAM_BLOCK ? (int)(end - c0) : DPARAM_BLOCK;
    float sum[DPARAM_BLOCK] = {0};
    for (int64_t r = 0; r < j->rows; r++) {
      const float *dy = j->dy + r * j->cols + c0, *a = j->a + r * j->cols + c0;
      for (int c = 0; c < n; c++) sum[c] += dy[c] * a[c];
    }
    for (int c = 0; c < n; c++) j->dgamma[c0 + c] = sum[c];
  }
}

void ligo_scale_backward(const float *dy, const float *a, const float *gamma, int64_t rows, int cols, float *da, float *dgamma) {
  scale_job job = {NULL, a, gamma, dy, NULL, da, dgamma, rows, cols};
  ligo_parallel_for(cols, 16, scale_dgamma_cols, &job); /* before da: da may be dy */
  ligo_parallel_for(rows, ROWS_PER_THREAD(cols), scale_da_rows, &job);
}

/* ---- AdamW ------------------------------------------------------------------------------------------ */

typedef struct {
  float *p, *m, *v;
  const float *g;
  float lr, beta1, beta2, eps, decay, correct1, correct2;
} adam_job;

LIGO_CLONES static void adamw_range(void *ctx, int64_t begin, int64_t end) {
  adam_job *job = (adam_job *)ctx;
  const float b1 = job->beta1, b2 = job->beta2;
  for (int64_t i = begin; i < end; i++) {
    float g = job->g[i];
    float m = b1 * job->m[i] + (1.0f - b1) * g;
    float v = b2 * job->v[i] + (1.0f - b2) * g * g;
    job->m[i] = m;
    job->v[i] = v;
    float update = (m / job->correct1) / (sqrtf(v / job->correct2) + job->eps);
    job->p[i] -= job->lr * (update + job->decay * job->p[i]);
  }
}

void ligo_adamw_update(float *param, float *m, float *v, const float *grad, int64_t size, float lr, float beta1,
                       float beta2, float eps, float weightDecay, int step) {
  adam_job job = {param, m, v, grad, lr, beta1, beta2, eps, weightDecay,
                  (float)(1.0 - pow(beta1, step)), (float)(1.0 - pow(beta2, step))};
  ligo_parallel_for(size, 65536, adamw_range, &job);
}

/* ---- Reductions for gradients ----------------------------------------------------------------------- */

typedef struct {
  const float *x;
  const int32_t *ids;
  float *out;
  int64_t outer, inner, segments;
} reduce_job;

/* Columns [begin, end) of out[inner] = Σ_r x[r, c]: each thread owns its columns, rows stream through. */
LIGO_CLONES static void sum_outer_cols(void *ctx, int64_t begin, int64_t end) {
  reduce_job *job = (reduce_job *)ctx;
  float *out = job->out;
  for (int64_t c = begin; c < end; c++) out[c] = 0.0f;
  for (int64_t r = 0; r < job->outer; r++) {
    const float *row = job->x + r * job->inner;
    for (int64_t c = begin; c < end; c++) out[c] += row[c];
  }
}

void ligo_sum_outer(const float *x, int64_t outer, int64_t inner, float *out) {
  reduce_job job = {x, NULL, out, outer, inner, 0};
  ligo_parallel_for(inner, outer * inner >= 65536 ? 32 : inner, sum_outer_cols, &job);
}

LIGO_CLONES static void sum_inner_rows(void *ctx, int64_t begin, int64_t end) {
  reduce_job *job = (reduce_job *)ctx;
  const int64_t inner = job->inner;
  for (int64_t r = begin; r < end; r++) {
    const float *row = job->x + r * inner;
    float lanes[LANES] = {0};
    int64_t c = 0;
    for (; c + LANES <= inner; c += LANES)
      for (int l = 0; l < LANES; l++) lanes[l] += row[c + l];
    float sum = 0.0f;
    for (; c < inner; c++) sum += row[c];
    for (int l = 0; l < LANES; l++) sum += lanes[l];
    job->out[r] = sum;
  }
}

void ligo_sum_inner(const float *x, int64_t outer, int64_t inner, float *out) {
  reduce_job job = {x, NULL, out, outer, inner, 0};
  ligo_parallel_for(outer, inner >= 16384 ? 1 : 16384 / (inner + 1) + 1, sum_inner_rows, &job);
}

/* Columns [begin, end) of every segment: threads own columns, so no two write the same element. */
LIGO_CLONES static void segment_sum_cols(void *ctx, int64_t begin, int64_t end) {
  reduce_job *job = (reduce_job *)ctx;
  const int64_t inner = job->inner;
  for (int64_t s = 0; s < job->segments; s++) memset(job->out + s * inner + begin, 0, sizeof(float) * (size_t)(end - begin));
  for (int64_t i = 0; i < job->outer; i++) {
    const int64_t s = job->ids[i];
    if (s < 0 || s >= job->segments) continue;
    const float *from = job->x + i * inner;
    float *to = job->out + s * inner;
    for (int64_t c = begin; c < end; c++) to[c] += from[c];
  }
}

void ligo_unsorted_segment_sum(const float *x, const int32_t *ids, int64_t count, int64_t inner, int64_t segments,
                               float *out) {
  reduce_job job = {x, ids, out, count, inner, segments};
  if (count * inner < 65536) {
    segment_sum_cols(&job, 0, inner);
    return;
  }
  ligo_parallel_for(inner, 32, segment_sum_cols, &job);
}
